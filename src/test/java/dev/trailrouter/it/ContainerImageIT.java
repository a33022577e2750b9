package dev.trailrouter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.jar.JarFile;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.trailrouter.demo.DemoSamples;
import dev.trailrouter.demo.MotoServer;
import dev.trailrouter.demo.S3NotificationChain;
import dev.trailrouter.demo.WebhookReceiver;
import dev.trailrouter.support.PackagedJar;

/**
 * docker/Dockerfile built from the packaged jar and run, where a Docker engine answers (skipped, with the reason,
 * where none does: this is a JUnit assumption, never a failure).
 *
 * <p><b>The base image.</b> The Dockerfile's default base is the public {@code eclipse-temurin:17-jre} users pull.
 * No image registry is reachable on this project's build machines, so there the test builds on a locally made base,
 * Debian bookworm from debootstrap plus Debian's openjdk-17-jre-headless ({@code docker/local-base.sh jre}, cached by
 * the script's hash). Which base is used: {@code TRAILROUTER_IT_BASE_IMAGE} when set (.ci/run sets it to the local
 * one), else the public image when the engine has it, else the local base when this machine can make it (root,
 * debootstrap), else the public image if it can be pulled; the test says which in its output and checks the image's
 * {@code org.opencontainers.image.base.name} label names it.
 *
 * <p><b>The run.</b> moto_server and a webhook receiver on this host, as in the other ITs; the container on the host
 * network ({@code --network host}: the engine here runs without a bridge), its route directory a mounted one holding a
 * single webhook route file of our own (shipped {@code webhook.yaml} gone: a header and batch size only that file
 * sets prove which file was read). The three CloudTrail files of the demo (50 records, see
 * {@code src/main/resources/demo/cloudtrail/SOURCES.md}) go through the bucket → SNS → SQS chain, and every one must
 * reach the receiver; the process must run as the image's non-root user; the image's own HEALTHCHECK command must
 * turn healthy; and {@code docker stop} must end it gracefully within the 30 s grace period the docs give. With a
 * users file on the management port, the same HEALTHCHECK must authenticate from it while an anonymous GET gets 401.
 * The health interval is shortened to 2 s by {@code docker run --health-interval} (the image's 30 s would make the
 * test wait); the command checked is the image's own.
 */
class ContainerImageIT {

    static final String PUBLIC_BASE = "eclipse-temurin:17-jre";
    static final Duration BUILD_LIMIT = Duration.ofMinutes(10);

    private static String image;
    private static String base;
    private static String skipped;

    /**
     * Builds the image once for the class; each test checks the assumption itself (a failed assumption in a
     * {@code @BeforeAll} leaves no test and no reason in the failsafe report), with the same reason every time.
     */
    @BeforeEach
    void theImage() throws Exception {
        synchronized (ContainerImageIT.class) {
            if (image == null && skipped == null) {
                build();
            }
        }
        assumeTrue(skipped == null, () -> skipped);
    }

    private static void build() throws Exception {
        Optional<String> noEngine = DockerCli.noEngine();
        if (noEngine.isPresent()) {
            skipped = "skipped: " + noEngine.get() + "; the image is neither built nor run (bash .ci/run starts an "
                    + "engine where it can)";
            return;
        }
        assertTrue(Files.isRegularFile(PackagedJar.JAR), "run after package: " + PackagedJar.JAR);
        List<String> tried = new ArrayList<>();
        base = baseImage(tried);
        if (base == null) {
            skipped = "skipped: a Docker engine answers, but no JRE 17 base image can be had: " + String.join("; ", tried);
            return;
        }
        System.out.println("ContainerImageIT: building on base image " + base + " (" + String.join("; ", tried) + ")");

        String tag = "trailrouter:it-" + version().toLowerCase(Locale.ROOT);
        DockerCli.Result build = DockerCli.run(Path.of("."), BUILD_LIMIT, List.of("docker", "build",
                "-f", "docker/Dockerfile", "--build-arg", "BASE_IMAGE=" + base, "--build-arg", "VERSION=" + version(),
                "--build-arg", "REVISION=" + revision(), "-t", tag, "."));
        assertTrue(build.ok(), "docker build failed:\n" + build.output());
        image = tag;
    }

    /** The base image to build on, or null; {@code tried} says what was looked at. */
    static String baseImage(List<String> tried) {
        String given = System.getenv("TRAILROUTER_IT_BASE_IMAGE");
        if (given != null && !given.isBlank()) {
            tried.add("TRAILROUTER_IT_BASE_IMAGE=" + given);
            return given.strip();
        }
        if (DockerCli.imagePresent(PUBLIC_BASE)) {
            tried.add(PUBLIC_BASE + " is present");
            return PUBLIC_BASE;
        }
        tried.add(PUBLIC_BASE + " is not present");
        DockerCli.Result local = DockerCli.run(Path.of("."), BUILD_LIMIT, List.of("bash", "docker/local-base.sh", "jre"));
        if (local.ok()) {
            String tag = local.output().strip().lines().reduce((a, b) -> b).orElse("");
            tried.add("the local base made by docker/local-base.sh jre");
            return tag;
        }
        tried.add("docker/local-base.sh jre cannot make one (" + local.output().strip().lines().reduce((a, b) -> b).orElse("") + ")");
        DockerCli.Result pull = DockerCli.docker(BUILD_LIMIT, "pull", PUBLIC_BASE);
        if (pull.ok()) {
            tried.add(PUBLIC_BASE + " pulled");
            return PUBLIC_BASE;
        }
        tried.add("docker pull " + PUBLIC_BASE + " failed (" + pull.line().lines().reduce((a, b) -> b).orElse("") + ")");
        return null;
    }

    /** The version the jar's manifest carries, as {@code trailrouter.jar --version} prints it. */
    static String version() throws IOException {
        try (JarFile jar = new JarFile(PackagedJar.JAR.toFile())) {
            return jar.getManifest().getMainAttributes().getValue("Implementation-Version");
        }
    }

    static String revision() {
        DockerCli.Result git = DockerCli.run(Path.of("."), Duration.ofSeconds(20), List.of("git", "rev-parse", "HEAD"));
        return git.ok() ? git.line() : "unknown";
    }

    @Test
    void theImageRunsNonRootWithAHealthCheckWithoutCurlLabelsTheHeapFromTheLimitAndAStopSignal() throws Exception {
        assertEquals("10001:10001", DockerCli.inspect(image, "{{.Config.User}}"));
        assertEquals("SIGTERM", DockerCli.inspect(image, "{{.Config.StopSignal}}"));
        String healthcheck = DockerCli.inspect(image, "{{json .Config.Healthcheck.Test}}");
        assertTrue(healthcheck.contains("dev.trailrouter.observe.HealthProbe") && healthcheck.contains("/observe/health/ready"),
                healthcheck);
        assertFalse(healthcheck.contains("curl"), healthcheck);
        assertEquals(version(), DockerCli.inspect(image, "{{index .Config.Labels \"org.opencontainers.image.version\"}}"));
        assertEquals(revision(), DockerCli.inspect(image, "{{index .Config.Labels \"org.opencontainers.image.revision\"}}"));
        assertEquals(base, DockerCli.inspect(image, "{{index .Config.Labels \"org.opencontainers.image.base.name\"}}"));
        assertEquals("Apache-2.0", DockerCli.inspect(image, "{{index .Config.Labels \"org.opencontainers.image.licenses\"}}"));
        String env = DockerCli.inspect(image, "{{json .Config.Env}}");
        assertTrue(env.contains("-XX:MaxRAMPercentage=75") && env.contains("-XX:+ExitOnOutOfMemoryError"), env);

        // the heap follows the container's memory limit: 75 % of 512 MiB
        DockerCli.Result heap = DockerCli.docker(Duration.ofMinutes(1), "run", "--rm", "--network", "none", "--memory", "512m",
                "--entrypoint", "java", image, "-XX:+PrintFlagsFinal", "-version");
        assertTrue(heap.ok(), heap.output());
        long maxHeap = heap.output().lines().filter(l -> l.contains(" MaxHeapSize ")).map(l -> l.trim().split("\\s+")[3])
                .mapToLong(Long::parseLong).findFirst().orElseThrow();
        assertTrue(maxHeap > 350L << 20 && maxHeap <= 384L << 20, "MaxHeapSize " + maxHeap + " for a 512 MiB container");

        // only the jar and the route files reach the image (.dockerignore), and routes/ is not writable by the user
        DockerCli.Result files = DockerCli.docker(Duration.ofMinutes(1), "run", "--rm", "--network", "none", "--entrypoint",
                "sh", image, "-c", "ls -A /opt/trailrouter; test -w /opt/trailrouter/state && echo state-writable; "
                        + "test -w /opt/trailrouter/routes || echo routes-read-only; id -u");
        assertEquals(List.of("routes", "state", "trailrouter.jar", "state-writable", "routes-read-only", "10001"),
                files.output().lines().map(String::strip).filter(l -> !l.startsWith("Picked up")).toList(), files.output());
    }

    @Test
    void aContainerOnTheHostNetworkDeliversTheDemoEventsThroughAMountedRouteFileBecomesHealthyAndStopsGracefully()
            throws Exception {
        String name = "trailrouter-it-" + UUID.randomUUID().toString().substring(0, 8);
        Path log = Files.createTempFile("container", ".log");
        try (MotoServer moto = MotoServer.start();
             WebhookReceiver webhook = new WebhookReceiver();
             S3NotificationChain chain = S3NotificationChain.create(moto.endpoint(), "container", 30, 5)) {
            start(name, moto, chain, mountedRoutes(webhook), MotoServer.freePort(), Map.of());

            DemoSamples.asCloudTrailObjects().forEach(chain::put);
            within(Duration.ofSeconds(120), "the " + DemoSamples.RECORDS + " demo records delivered",
                    () -> ContractSupport.events(webhook.accepted()).size() >= DemoSamples.RECORDS, () -> logs(name, log));
            List<JsonNode> events = ContractSupport.events(webhook.accepted());
            assertEquals(DemoSamples.RECORDS, events.size(), "each record once");
            for (WebhookReceiver.Request request : webhook.accepted()) {
                assertEquals("mounted", header(request, "X-Route-File"), "sent by the mounted route file");
                assertTrue(ContractSupport.events(List.of(request)).size() <= 7, "its batch size");
            }
            Eventually.within(Duration.ofSeconds(30), "the queue drained", () -> chain.messagesIn(chain.queueUrl) == 0);

            String status = DockerCli.docker(Duration.ofSeconds(20), "exec", name, "cat", "/proc/1/status").output();
            String uid = status.lines().filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
            assertEquals(List.of("10001", "10001", "10001", "10001"), List.of(uid.substring(4).trim().split("\\s+")),
                    "PID 1 (java) runs as the image's user, real and effective: " + uid);
            String cmdline = DockerCli.docker(Duration.ofSeconds(20), "exec", name, "cat", "/proc/1/cmdline").output();
            assertTrue(cmdline.replace('\0', ' ').startsWith("java -jar /opt/trailrouter/trailrouter.jar"), cmdline);

            within(Duration.ofSeconds(90), "the image's HEALTHCHECK turns healthy",
                    () -> "healthy".equals(DockerCli.inspect(name, "{{.State.Health.Status}}")),
                    () -> DockerCli.inspect(name, "{{json .State.Health}}") + "\n" + logs(name, log));
            String health = DockerCli.inspect(name, "{{json .State.Health.Log}}");
            assertTrue(health.contains("/observe/health/ready 200"), health);

            long stopping = System.nanoTime();
            DockerCli.Result stop = DockerCli.docker(Duration.ofSeconds(60), "stop", name);
            long stopMillis = (System.nanoTime() - stopping) / 1_000_000;
            assertTrue(stop.ok(), stop.output());
            String output = logs(name, log);
            assertTrue(stopMillis < 30_000, "stopped within the grace period, not killed: " + stopMillis + " ms");
            assertNotEquals("137", DockerCli.inspect(name, "{{.State.ExitCode}}"), "not SIGKILLed:\n" + output);
            assertTrue(output.contains("is shutdown"), "Camel's graceful shutdown ran:\n" + output);
            assertTrue(output.contains("queue=demo"), output);
            assertFalse(output.contains(" ERROR "), output);
            System.out.println("ContainerImageIT: stopped in " + stopMillis + " ms; log " + log);
        } finally {
            DockerCli.docker(Duration.ofSeconds(60), "rm", "-f", name);
        }
    }

    @Test
    void withAPasswordOnTheManagementPortTheHealthCheckAuthenticatesFromTheUsersFile() throws Exception {
        String name = "trailrouter-it-" + UUID.randomUUID().toString().substring(0, 8);
        Path log = Files.createTempFile("container-auth", ".log");
        try (MotoServer moto = MotoServer.start();
             WebhookReceiver webhook = new WebhookReceiver();
             S3NotificationChain chain = S3NotificationChain.create(moto.endpoint(), "containerauth", 30, 5)) {
            Path secrets = Files.createTempDirectory("management-users");
            Files.writeString(secrets.resolve("users.properties"), "user.ops = it-secret-pw\n");
            Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(secrets.resolve("users.properties"), PosixFilePermissions.fromString("rw-r--r--"));
            int management = MotoServer.freePort();
            start(name, moto, chain, mountedRoutes(webhook), management, Map.of(
                    "-v", secrets + ":/run/secrets/management:ro",
                    "TRAILROUTER_MANAGEMENT_USERS_FILE", "/run/secrets/management/users.properties"));
            within(Duration.ofSeconds(90), "the HEALTHCHECK turns healthy through basic authentication",
                    () -> "healthy".equals(DockerCli.inspect(name, "{{.State.Health.Status}}")),
                    () -> DockerCli.inspect(name, "{{json .State.Health}}") + "\n" + logs(name, log));
            HttpResponse<String> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + management + "/observe/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, anonymous.statusCode(), "the port does require the password: " + anonymous.body());
            String health = DockerCli.inspect(name, "{{json .State.Health.Log}}");
            assertTrue(health.contains("/observe/health/ready 200"), health);
            assertFalse(health.contains("it-secret-pw") || logs(name, log).contains("it-secret-pw"), "no password in output");
        } finally {
            DockerCli.docker(Duration.ofSeconds(60), "rm", "-f", name);
        }
    }

    /**
     * Runs the image as {@code name} on the host network, reading the chain's queue on moto, with {@code routes}
     * mounted as its route directory; {@code more} adds {@code -v} mounts (key "-v") and environment variables.
     */
    static void start(String name, MotoServer moto, S3NotificationChain chain, Path routes, int management,
                      Map<String, String> more) {
        List<String> run = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", "host",
                "--stop-timeout", "30", "--health-interval", "2s",
                "-v", routes + ":/opt/trailrouter/routes:ro"));
        Map<String, String> env = new java.util.LinkedHashMap<>(Map.of(
                "AWS_ENDPOINT_URL", moto.endpoint().toString(),
                "AWS_REGION", S3NotificationChain.REGION,
                "AWS_ACCESS_KEY_ID", "testing",
                "AWS_SECRET_ACCESS_KEY", "testing",
                "TRAILROUTER_QUEUES", "demo",
                "TRAILROUTER_QUEUE_DEMO_URL", chain.queueUrl,
                "TRAILROUTER_MANAGEMENT_PORT", Integer.toString(management),
                "TRAILROUTER_INTAKE_WAIT_TIME_SECONDS", "1",
                "TRAILROUTER_INTAKE_CONCURRENT_CONSUMERS", "1", // moto can give one message to two waiting long polls
                // as the demo does: the samples reuse AWS documentation eventIDs, which dedup would deliver once
                "TRAILROUTER_STATE_STORE", "none"));
        more.forEach((k, v) -> {
            if (k.equals("-v")) {
                run.addAll(List.of("-v", v));
            } else {
                env.put(k, v);
            }
        });
        env.forEach((k, v) -> run.addAll(List.of("-e", k + "=" + v)));
        run.add(image);
        DockerCli.Result started = DockerCli.docker(Duration.ofMinutes(1), run.toArray(String[]::new));
        assertTrue(started.ok(), started.output());
    }

    /** {@link Eventually#within}, with what to show when the time is up (the container's log, its health log). */
    static void within(Duration timeout, String what, BooleanSupplier condition, Supplier<String> context)
            throws InterruptedException {
        try {
            Eventually.within(timeout, what, condition);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + context.get(), e);
        }
    }

    /** A route directory of our own, readable by the image's user: one webhook file the shipped ones do not match. */
    static Path mountedRoutes(WebhookReceiver webhook) throws IOException {
        Path routes = Files.createTempDirectory("mounted-routes");
        Path destinations = Files.createDirectories(routes.resolve("destinations"));
        Files.writeString(destinations.resolve("mounted.yaml"), """
                - templatedRoute:
                    routeTemplateRef: webhook
                    routeId: dest-mounted
                    parameters:
                      - { name: name, value: mounted }
                      - { name: url, value: "%s" }
                      - { name: batchSize, value: "7" }
                      - { name: headers, value: "X-Route-File=mounted" }
                """.formatted(webhook.url()));
        for (Path path : List.of(routes, destinations)) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(destinations.resolve("mounted.yaml"), PosixFilePermissions.fromString("rw-r--r--"));
        return routes;
    }

    static String header(WebhookReceiver.Request request, String name) {
        return request.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> String.join(",", e.getValue())).findFirst().orElse(null);
    }

    /** The container's log, also kept in {@code file} for a failure message. */
    static String logs(String container, Path file) {
        String output = DockerCli.docker(Duration.ofSeconds(30), "logs", container).output();
        try {
            Files.writeString(file, output);
        } catch (IOException e) {
            // the text is returned anyway
        }
        return output;
    }
}
