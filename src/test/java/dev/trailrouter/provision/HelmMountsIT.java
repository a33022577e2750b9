package dev.trailrouter.provision;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import dev.trailrouter.support.PackagedJar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the chart hands the container, given to the real application: the chart is rendered by Helm, the files are
 * laid out as the kubelet lays out the rendered volumes (a {@code subPath} mount is a plain file; a Secret or
 * ConfigMap volume is Kubernetes' atomic-writer layout: {@code ..<timestamp>/<key>}, {@code ..data} pointing at it,
 * {@code <key>} pointing into {@code ..data}), and {@code java -jar target/trailrouter.jar validate} runs with the
 * rendered container's environment. It shows that the chart's variable names, route files and secret paths are
 * what trailrouter reads, and why route files are mounted one by one: mounted as a whole directory, the same
 * ConfigMap stops trailrouter (each file is seen twice). No cluster runs here; the kubelet's layout is reproduced.
 */
class HelmMountsIT {

    private static final Path CHART = Path.of("docker/helm/trailrouter");

    @TempDir
    Path tmp;

    @Test
    void theRenderedMountsAndEnvironmentPassTrailroutersOwnValidation() throws Exception {
        Rendered rendered = render();
        Path routesDir = Path.of(rendered.env.get("TRAILROUTER_ROUTES_DIR"));
        for (JsonNode mount : rendered.container.path("volumeMounts")) {
            String volume = mount.path("name").asText();
            Path at = Path.of(mount.path("mountPath").asText());
            if (mount.has("subPath")) {
                // the kubelet bind-mounts the one key: a plain file
                Files.createDirectories(at.getParent());
                Files.writeString(at, rendered.configMap.path("data").path(mount.path("subPath").asText()).asText());
            } else if (volume.startsWith("secret-")) {
                String secretName = secretNameOf(rendered.deployment, volume);
                Map<String, String> files = new HashMap<>();
                JsonNode secret = rendered.secrets.get(secretName);
                secret.path("data").fields().forEachRemaining(f -> files.put(f.getKey(),
                        new String(Base64.getDecoder().decode(f.getValue().asText()), StandardCharsets.UTF_8)));
                atomicWriterLayout(at, files);
            }
        }
        assertTrue(Files.isRegularFile(routesDir.resolve("siem.yaml")));

        Run ok = validate(rendered.env);
        assertEquals(0, ok.exit, ok.output);
        assertTrue(ok.output.contains("ok: 2 queues (orgtrail, security-hub), 2 destinations (siem: webhook, slack: slack)"),
                ok.output);

        // the same ConfigMap mounted as a whole directory at the routes dir: refused
        Map<String, String> files = new HashMap<>();
        rendered.configMap.path("data").fields().forEachRemaining(f -> files.put(f.getKey(), f.getValue().asText()));
        Path wholeDir = tmp.resolve("routes-as-directory");
        atomicWriterLayout(wholeDir, files);
        Map<String, String> env = new HashMap<>(rendered.env);
        env.put("TRAILROUTER_ROUTES_DIR", wholeDir.toString());
        Run refused = validate(env);
        assertEquals(1, refused.exit, refused.output);
        assertTrue(refused.output.contains("a destination named 'siem' is already declared in " + wholeDir + "/..2026"),
                refused.output);
    }

    private record Rendered(JsonNode deployment, JsonNode container, Map<String, String> env, JsonNode configMap,
                            Map<String, JsonNode> secrets) {
    }

    private Rendered render() throws Exception {
        Path values = tmp.resolve("values.yaml");
        Path secrets = tmp.resolve("secrets");
        // the demo's kind of set-up: two queues, each with its dead-letter queue named (so that validate needs no
        // call to SQS), a signed webhook and Slack, their secrets mounted from Secrets the chart makes
        Files.writeString(values, """
                aws:
                  region: eu-west-1
                queues:
                  - name: orgtrail
                    url: https://sqs.eu-west-1.amazonaws.com/111122223333/org-trail-notifications
                    deadLetterQueueUrl: https://sqs.eu-west-1.amazonaws.com/111122223333/org-trail-dlq
                  - name: security-hub
                    url: https://sqs.us-east-1.amazonaws.com/444455556666/securityhub-findings
                    deadLetterQueueUrl: https://sqs.us-east-1.amazonaws.com/444455556666/securityhub-findings-dlq
                    roleArn: arn:aws:iam::444455556666:role/trailrouter-reader
                    externalId: trailrouter-prod
                state:
                  store: none
                  dir: %1$s/state
                routes:
                  dir: %1$s/routes
                  files:
                    siem.yaml: |
                      - templatedRoute:
                          routeTemplateRef: webhook
                          routeId: dest-siem
                          parameters:
                            - { name: name, value: siem }
                            - { name: url, value: "https://siem.example.com/ingest" }
                            - { name: secret, value: "file:%2$s/siem-signing/secret" }
                    slack.yaml: |
                      - templatedRoute:
                          routeTemplateRef: slack
                          routeId: dest-slack
                          parameters:
                            - { name: name, value: slack }
                            - { name: url, value: "file:%2$s/slack/webhook-url" }
                secrets:
                  dir: %2$s
                  create:
                    siem-signing:
                      secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
                    slack:
                      webhook-url: https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX
                """.formatted(tmp, secrets));
        List<JsonNode> docs = KubernetesSchemas.documents(
                new Helm(CHART).template().withName("tr").withValuesFile(values).call());
        JsonNode deployment = docs.stream().filter(d -> d.path("kind").asText().equals("Deployment")).findFirst().orElseThrow();
        JsonNode container = deployment.at("/spec/template/spec/containers/0");
        Map<String, String> env = new HashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        Map<String, JsonNode> secretsByName = new HashMap<>();
        docs.stream().filter(d -> d.path("kind").asText().equals("Secret"))
                .forEach(d -> secretsByName.put(d.at("/metadata/name").asText(), d));
        JsonNode configMap = docs.stream().filter(d -> d.path("kind").asText().equals("ConfigMap")).findFirst().orElseThrow();
        return new Rendered(deployment, container, env, configMap, secretsByName);
    }

    private static String secretNameOf(JsonNode deployment, String volume) {
        for (JsonNode v : deployment.at("/spec/template/spec/volumes")) {
            if (v.path("name").asText().equals(volume)) {
                return v.at("/secret/secretName").asText();
            }
        }
        throw new IllegalStateException("no volume " + volume);
    }

    /** Kubernetes' AtomicWriter layout of a ConfigMap or Secret volume. */
    private static void atomicWriterLayout(Path dir, Map<String, String> files) throws Exception {
        Path payload = Files.createDirectories(dir.resolve("..2026_11_30_14_00_00.000000001"));
        Files.createSymbolicLink(dir.resolve("..data"), payload.getFileName());
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.writeString(payload.resolve(file.getKey()), file.getValue());
            Files.createSymbolicLink(dir.resolve(file.getKey()), Path.of("..data", file.getKey()));
        }
    }

    private record Run(int exit, String output) {
    }

    private Run validate(Map<String, String> env) throws Exception {
        Path log = tmp.resolve("validate-" + System.nanoTime() + ".log");
        ProcessBuilder builder = PackagedJar.java(log, "-jar", PackagedJar.JAR.toAbsolutePath().toString(), "validate")
                .directory(tmp.toFile());
        builder.environment().putAll(env);
        builder.environment().put("AWS_ACCESS_KEY_ID", "testing");
        builder.environment().put("AWS_SECRET_ACCESS_KEY", "testing");
        Process process = builder.start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "validate ends by itself");
        return new Run(process.exitValue(), Files.readString(log));
    }
}
