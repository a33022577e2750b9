package dev.trailrouter.provision;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import dev.trailrouter.support.PackagedJar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chart's probes against the packaged jar started with the rendered container's environment, while its queue
 * cannot be read (an SQS outage, or credentials that do not work): the readiness path answers 503, the liveness and
 * startup path goes on answering 200. That is what keeps the kubelet from restarting every pod in a loop during an AWS
 * outage, while a rollout with broken credentials stops at its first new pod (maxUnavailable 0). No cluster: the
 * probes are the rendered {@code httpGet} paths, asked the way the kubelet asks them.
 */
class HelmProbesIT {

    private static final Path CHART = Path.of("docker/helm/trailrouter");

    @TempDir
    Path tmp;

    @Test
    void anUnreadableQueueMakesThePodUnreadyButNotDead() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path values = tmp.resolve("values.yaml");
        // port 1 on loopback refuses every connection: the queue cannot be read
        Files.writeString(values, """
                aws: { region: us-east-1 }
                queues:
                  - name: orgtrail
                    url: http://127.0.0.1:1/111122223333/org-trail-notifications
                    deadLetterQueueUrl: http://127.0.0.1:1/111122223333/org-trail-dlq
                config:
                  trailrouter.aws.endpoint: http://127.0.0.1:1
                  trailrouter.webhook.url: http://127.0.0.1:9/ingest
                management: { port: %d }
                state: { dir: %s }
                """.formatted(port, tmp.resolve("state")));
        List<JsonNode> docs = KubernetesSchemas.documents(
                new Helm(CHART).template().withName("tr").withValuesFile(values).call());
        JsonNode pod = docs.stream().filter(d -> d.path("kind").asText().equals("Deployment")).findFirst()
                .orElseThrow().at("/spec/template/spec");
        JsonNode container = pod.at("/containers/0");
        int grace = pod.path("terminationGracePeriodSeconds").asInt();
        Map<String, String> env = new HashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        String live = container.at("/livenessProbe/httpGet/path").asText();
        String startup = container.at("/startupProbe/httpGet/path").asText();
        String ready = container.at("/readinessProbe/httpGet/path").asText();

        Path log = tmp.resolve("run.log");
        // the image's shipped routes: the jar's working directory holds them, as /opt/trailrouter does in the image
        copyTree(Path.of("routes"), tmp.resolve("routes"));
        ProcessBuilder builder = PackagedJar.java(log, "-jar", PackagedJar.JAR.toAbsolutePath().toString(), "run")
                .directory(tmp.toFile());
        builder.environment().putAll(env);
        builder.environment().put("AWS_ACCESS_KEY_ID", "testing");
        builder.environment().put("AWS_SECRET_ACCESS_KEY", "testing");
        Process app = builder.start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            int managementPort = port;
            within(Duration.ofSeconds(90), "the startup probe passes; log " + log,
                    () -> status(http, managementPort, startup) == 200);
            // the consumer's failed polls and the queue check turn readiness down
            within(Duration.ofSeconds(60), "readiness fails while the queue cannot be read; log " + log,
                    () -> status(http, managementPort, ready) == 503);
            // and liveness stays up, asked as often as the kubelet would over a few periods
            for (int i = 0; i < 5; i++) {
                assertEquals(200, status(http, managementPort, live), "liveness during the outage; log " + log);
                assertEquals(503, status(http, managementPort, ready), "readiness during the outage; log " + log);
                Thread.sleep(1_000);
            }
            assertTrue(Files.readString(log).contains("queue=orgtrail unreachable since"), log::toString);
        } finally {
            // SIGTERM, as the kubelet sends it: trailrouter must be gone before the SIGKILL the grace period ends in
            long stopping = System.nanoTime();
            app.destroy();
            boolean stopped = app.waitFor(grace, TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping);
            System.out.println("HelmProbesIT: stopped " + millis + " ms after SIGTERM (grace period " + grace + " s)");
            if (!stopped) {
                app.destroyForcibly();
            }
            assertTrue(stopped, "exits within terminationGracePeriodSeconds (" + grace + " s); log " + log);
        }
    }

    private static void within(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "not within " + timeout + ": " + what);
            Thread.sleep(500);
        }
    }

    private static int status(HttpClient http, int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return 0;
        }
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
