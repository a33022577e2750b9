package dev.trailrouter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.trailrouter.demo.DemoSamples;
import dev.trailrouter.demo.MotoServer;
import dev.trailrouter.demo.S3NotificationChain;
import dev.trailrouter.demo.WebhookReceiver;
import dev.trailrouter.support.Fixtures;
import dev.trailrouter.support.PackagedJar;

/** {@code java -jar target/trailrouter.jar} in its own JVM, configured the ways the README says. */
class PackagedJarIT {

    private static final Path JAR = PackagedJar.JAR;

    @Test
    void demoCommandDeliversTheBundledSamplesThroughTheShippedRoutes() throws Exception {
        Path log = Files.createTempFile("demo", ".log");
        Process demo = PackagedJar.java(log, "-Dtrailrouter.management.port=" + MotoServer.freePort(),
                "-jar", JAR.toString(), "demo", "--exit-when-done").start();
        boolean exited = demo.waitFor(4, TimeUnit.MINUTES);
        String output = Files.readString(log);
        if (!exited) {
            demo.destroyForcibly();
        }
        assertTrue(exited, "demo did not finish:\n" + output);
        assertEquals(0, demo.exitValue(), output);
        assertTrue(output.contains("all " + DemoSamples.RECORDS + " events delivered; queue empty"), output);
    }

    @Test
    void aMisspelledParameterStopsStartUpWithOneLineNamingFileDestinationAndParameter() throws Exception {
        Path routes = Files.createTempDirectory("routes");
        Path file = Files.createDirectories(routes.resolve("destinations")).resolve("siem.yaml");
        Files.writeString(file, """
                - templatedRoute:
                    routeTemplateRef: webhook
                    routeId: dest-siem
                    parameters:
                      - { name: name, value: siem }
                      - { name: url, value: "http://127.0.0.1:9/ingest" }
                      - { name: batchsize, value: "10" }
                """);
        Path log = Files.createTempFile("refused", ".log");
        ProcessBuilder builder = PackagedJar.java(log, "-jar", JAR.toString());
        builder.environment().put("TRAILROUTER_ROUTES_DIR", routes.toString());
        builder.environment().put("TRAILROUTER_QUEUES", "q");
        builder.environment().put("TRAILROUTER_QUEUE_Q_URL", "http://127.0.0.1:9/111122223333/q");
        builder.environment().put("AWS_REGION", "eu-west-1");
        Process app = builder.start();
        assertTrue(app.waitFor(60, TimeUnit.SECONDS), "it stops by itself");
        String output = Files.readString(log);
        assertNotEquals(0, app.exitValue(), output);
        List<String> errors = output.lines().filter(l -> l.contains(" ERROR ")).toList();
        assertEquals(List.of("trailrouter cannot start: " + file + ": webhook 'siem': unknown parameter 'batchsize', "
                        + "did you mean 'batchSize'?"),
                errors.stream().map(l -> l.substring(l.indexOf("trailrouter cannot start"), l.indexOf(" (parameters:"))).toList(),
                output);
        assertFalse(output.contains("\tat "), "no stack trace at the default level:\n" + output);
        assertFalse(output.contains("WARN"), "nothing else to worry about:\n" + output);
    }

    @Test
    void environmentVariablesAndSystemPropertiesConfigureItWithTheEnvironmentWinning() throws Exception {
        try (MotoServer moto = MotoServer.start();
             WebhookReceiver webhook = new WebhookReceiver();
             S3NotificationChain chain = S3NotificationChain.create(moto.endpoint(), "jar", 30, 5)) {
            int management = MotoServer.freePort();
            Path log = Files.createTempFile("trailrouter", ".log");
            // Camel's order (DefaultPropertiesParser): environment variable, then -D, then application.properties
            ProcessBuilder builder = PackagedJar.java(log, "-Dtrailrouter.pipeline.batch-size=5",
                    "-Dtrailrouter.webhook.url=" + webhook.url(), "-jar", JAR.toString());
            PackagedJar.readQueueOnEmulator(builder, moto.endpoint(), "fromenv", chain.queueUrl, management);
            Map<String, String> env = builder.environment();
            env.put("TRAILROUTER_INTAKE_WAIT_TIME_SECONDS", "1");
            env.put("TRAILROUTER_PIPELINE_BATCH_SIZE", "6"); // wins over the -D above
            Process app = builder.start();
            try {
                chain.put("AWSLogs/1/CloudTrail/us-east-2/f.json.gz", DemoSamples.gzip(DemoSamples.json(DemoSamples.FILES.get(1))));
                Eventually.within(Duration.ofSeconds(60), "30 records delivered; log:\n" + log,
                        () -> PipelineContract.events(webhook.accepted()).size() == 30);
                for (WebhookReceiver.Request request : webhook.accepted()) {
                    assertEquals(6, Fixtures.JSON.readTree(request.body()).size(), "batch size from the environment");
                }
                HttpClient http = HttpClient.newHttpClient();
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + management + "/observe/health")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, health.statusCode(), health.body());
                HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + management + "/observe/metrics")).build(), HttpResponse.BodyHandlers.ofString());
                assertTrue(metrics.body().contains("trailrouter_messages_total{outcome=\"deleted\",queue=\"fromenv\"}"), metrics.body());
            } finally {
                app.destroy(); // SIGTERM: Camel Main shuts down gracefully
                assertTrue(app.waitFor(60, TimeUnit.SECONDS), "did not stop on SIGTERM");
            }
            String output = Files.readString(log);
            assertTrue(output.contains("is shutdown"), output);
            assertTrue(output.contains("queue=fromenv"), output);
        }
    }

    @Test
    void theSdksOwnEndpointVariablesAndRegionChainAreHonoured() throws Exception {
        try (MotoServer moto = MotoServer.start();
             WebhookReceiver webhook = new WebhookReceiver();
             S3NotificationChain chain = S3NotificationChain.create(moto.endpoint(), "sdkenv", 30, 5)) {
            Path log = Files.createTempFile("sdkenv", ".log");
            ProcessBuilder builder = PackagedJar.java(log, "-Dtrailrouter.webhook.url=" + webhook.url(), "-jar", JAR.toString());
            PackagedJar.readQueueOnEmulator(builder, moto.endpoint(), "sdkenv", chain.queueUrl, MotoServer.freePort());
            Map<String, String> env = builder.environment();
            // no trailrouter.aws.endpoint: the per-service variables the SDK reads itself, which win over the global
            // AWS_ENDPOINT_URL (here a port nobody listens on); S3 by host name, so path-style must be chosen for it
            env.remove("TRAILROUTER_AWS_ENDPOINT");
            env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
            env.put("AWS_ENDPOINT_URL_SQS", moto.endpoint().toString());
            env.put("AWS_ENDPOINT_URL_S3", moto.endpoint().toString().replace("127.0.0.1", "localhost"));
            env.put("TRAILROUTER_INTAKE_WAIT_TIME_SECONDS", "1");
            Process app = builder.start();
            try {
                chain.put("AWSLogs/1/CloudTrail/us-east-2/f.json.gz", DemoSamples.gzip(DemoSamples.json(DemoSamples.FILES.get(1))));
                Eventually.within(Duration.ofSeconds(60), "30 records delivered; log:\n" + log,
                        () -> PipelineContract.events(webhook.accepted()).size() == 30);
            } finally {
                app.destroy();
                assertTrue(app.waitFor(60, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void withoutAnyRegionItStopsWithOneClearLine() throws Exception {
        Path log = Files.createTempFile("noregion", ".log");
        ProcessBuilder builder = PackagedJar.java(log, "-Dtrailrouter.webhook.url=http://127.0.0.1:9/x", "-jar", JAR.toString());
        Map<String, String> env = builder.environment();
        List.of("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE").forEach(env::remove);
        Path empty = Files.createTempFile("aws-config", "");
        env.put("AWS_CONFIG_FILE", empty.toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", empty.toString());
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("TRAILROUTER_QUEUES", "orgtrail");
        env.put("TRAILROUTER_QUEUE_ORGTRAIL_URL", "http://127.0.0.1:9/123456789012/org-trail"); // names no region
        env.put("TRAILROUTER_MANAGEMENT_PORT", Integer.toString(MotoServer.freePort()));
        Process app = builder.start();
        assertTrue(app.waitFor(60, TimeUnit.SECONDS), "it stops");
        String output = Files.readString(log);
        assertEquals(1, app.exitValue(), output);
        List<String> errors = output.lines().filter(l -> l.contains(" ERROR ")).toList();
        assertEquals(List.of("no AWS region for queue 'orgtrail': its URL names none and no default is set; set "
                + "AWS_REGION (or trailrouter.aws.region, or trailrouter.queue.orgtrail.region)"),
                errors.stream().map(l -> l.replaceAll(".* - trailrouter cannot start: ", "")).toList(), output);
        assertTrue(!output.contains("\tat "), "no stack trace:\n" + output);
    }

    @Test
    void theShippedDestinationExamplesWorkWhenEnabled() throws Exception {
        try (MotoServer moto = MotoServer.start();
             WebhookReceiver siem = new WebhookReceiver();
             WebhookReceiver slack = new WebhookReceiver();
             S3NotificationChain chain = S3NotificationChain.create(moto.endpoint(), "examples", 30, 5)) {
            Path work = Files.createTempDirectory("examples");
            Path routes = Files.createDirectories(work.resolve("routes/destinations"));
            String dlq = chain.sqs().createQueue(b -> b.queueName("trailrouter-siem-dlq")).queueUrl();
            String topic = chain.sns().createTopic(b -> b.name("trailrouter-events")).topicArn();
            chain.s3().createBucket(b -> b.bucket("archive-examples"));
            Path token = Files.writeString(work.resolve("siem-token"), "example-token");
            try (var examples = Files.list(Path.of("routes", "destinations"))) {
                for (Path example : examples.filter(p -> p.toString().endsWith(".yaml.example")).toList()) {
                    String yaml = Files.readString(example)
                            .replace("https://sqs.eu-west-1.amazonaws.com/111122223333/trailrouter-siem-dlq", dlq)
                            .replace("arn:aws:sns:eu-west-1:111122223333:trailrouter-events", topic)
                            .replace("/run/secrets/siem-token", token.toString())
                            .replace("/var/lib/trailrouter", work.toString());
                    Files.writeString(routes.resolve(example.getFileName().toString().replace(".example", "")), yaml);
                }
            }
            Path log = Files.createTempFile("examples", ".log");
            ProcessBuilder builder = PackagedJar.java(log, "-Dtrailrouter.routes-dir=" + routes.getParent(),
                    "-Dtrailrouter.webhook.url=" + siem.url(), "-jar", JAR.toAbsolutePath().toString());
            PackagedJar.readQueueOnEmulator(builder, moto.endpoint(), "orgtrail", chain.queueUrl, MotoServer.freePort());
            Map<String, String> env = builder.environment();
            env.put("TRAILROUTER_INTAKE_WAIT_TIME_SECONDS", "1");
            env.put("SIEM_URL", siem.url().toString());
            env.put("SIEM_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
            env.put("SLACK_WEBHOOK_URL", slack.url().toString());
            env.put("ARCHIVE_BUCKET", "archive-examples");
            // the SNS example's subscriber, and a dead letter for the replay example to drain back into siem
            String subscriber = chain.sqs().createQueue(b -> b.queueName("examples-subscriber")).queueUrl();
            String subscriberArn = chain.sqs().getQueueAttributes(b -> b.queueUrl(subscriber)
                    .attributeNames(software.amazon.awssdk.services.sqs.model.QueueAttributeName.QUEUE_ARN)).attributes()
                    .get(software.amazon.awssdk.services.sqs.model.QueueAttributeName.QUEUE_ARN);
            chain.sns().subscribe(b -> b.topicArn(topic).protocol("sqs").endpoint(subscriberArn));
            var login = Fixtures.JSON.readTree(Fixtures.text("cloudtrail/test-console-login-json.log").split("\n")[0]);
            var deadLetter = Fixtures.JSON.createObjectNode().put("destination", "siem").put("reason", "an outage")
                    .put("failedAt", "2026-11-23T00:00:00Z");
            deadLetter.putArray("events").add(Fixtures.JSON.readTree(Fixtures.JSON.writeValueAsString(
                    dev.trailrouter.event.CloudTrailEvents.fromRecord(login, dev.trailrouter.event.Origin.ofMessage("q", "m")))));
            chain.sqs().sendMessage(b -> b.queueUrl(dlq).messageBody(deadLetter.toString()));
            String replayedId = login.get("eventID").asText();
            Process app = builder.start();
            try {
                chain.put("AWSLogs/1/CloudTrail/us-east-2/integrations.json.gz",
                        DemoSamples.gzip(DemoSamples.json(DemoSamples.FILES.get(1))));
                long notReadOnly = 0;
                for (var record : Fixtures.JSON.readTree(DemoSamples.json(DemoSamples.FILES.get(1))).get("Records")) {
                    notReadOnly += record.path("readOnly").asBoolean(false) ? 0 : 1;
                }
                long expected = notReadOnly + 1; // and the replayed dead letter
                Eventually.within(Duration.ofSeconds(60), "the queue drained; log: " + log,
                        () -> chain.messagesIn(chain.queueUrl) == 0 && !slack.accepted().isEmpty()
                                && PipelineContract.events(siem.accepted()).size() == expected);
                assertTrue(PipelineContract.events(siem.accepted()).stream()
                        .anyMatch(e -> e.get("id").asText().contains(replayedId) || e.path("detail").path("eventID").asText().equals(replayedId)),
                        "the replay example drained the dead letter into siem");
                Eventually.within(Duration.ofSeconds(30), "the dead-letter queue drained", () -> chain.messagesIn(dlq) == 0);
                java.util.List<software.amazon.awssdk.services.sqs.model.Message> published = new java.util.ArrayList<>();
                Eventually.within(Duration.ofSeconds(30), "30 events published to the SNS example's topic", () -> {
                    published.addAll(chain.sqs().receiveMessage(b -> b.queueUrl(subscriber).maxNumberOfMessages(10)
                            .waitTimeSeconds(1)).messages());
                    return published.size() >= 30;
                });
                assertTrue(expected < 30, "the sample has read-only calls for the filter to drop");
                assertTrue(siem.accepted().stream().allMatch(r -> r.headers().containsKey("Webhook-signature")),
                        "the signed example signs");
                assertTrue(siem.accepted().stream().anyMatch(r -> r.headers().containsKey("Authorization")));
                assertTrue(chain.s3().listObjectsV2(b -> b.bucket("archive-examples")).keyCount() > 0, "archived");
            } finally {
                app.destroy();
                assertTrue(app.waitFor(60, TimeUnit.SECONDS));
            }
            String output = Files.readString(log);
            for (String route : List.of("dest-siem", "dest-security-alerts", "dest-archive",
                    "dest-fanout", "replay-siem")) {
                assertTrue(output.contains("Started " + route), route + " not started:\n" + output);
            }
        }
    }

    @Test
    void onSigtermTheReceivedMessagesThatHadNotStartedAreReleasedAndItExitsWithinTheBudget() throws Exception {
        int visibility = 120;
        try (MotoServer moto = MotoServer.start();
             WebhookReceiver webhook = new WebhookReceiver();
             S3NotificationChain chain = S3NotificationChain.create(moto.endpoint(), "stop", visibility, 5)) {
            java.util.Set<String> sent = new java.util.HashSet<>();
            for (int i = 0; i < 20; i++) {
                String body = IntakeHardeningContract.finding(i % 3);
                sent.add(chain.sqs().sendMessage(b -> b.queueUrl(chain.queueUrl).messageBody(body)).messageId());
            }
            webhook.respondWith(n -> WebhookReceiver.Answer.slow(200, 1500)); // a slow destination
            Path log = Files.createTempFile("stopping", ".log");
            ProcessBuilder builder = PackagedJar.java(log, "-Dtrailrouter.webhook.url=" + webhook.url(), "-jar", JAR.toString());
            PackagedJar.readQueueOnEmulator(builder, moto.endpoint(), "q", chain.queueUrl, MotoServer.freePort());
            builder.environment().put("TRAILROUTER_INTAKE_WAIT_TIME_SECONDS", "1");
            builder.environment().put("TRAILROUTER_QUEUE_Q_VISIBILITY_TIMEOUT", Integer.toString(visibility));
            // two in progress at once: the rest of the receive waits for a place, and is released on SIGTERM
            builder.environment().put("TRAILROUTER_QUEUE_Q_MAX_INFLIGHT", "2");
            Process app = builder.start();
            try {
                Eventually.within(Duration.ofSeconds(60), "the first message is being delivered; log:\n" + log,
                        () -> webhook.requests().size() >= 1);
            } finally {
                app.destroy(); // SIGTERM, as Kubernetes sends it
            }
            assertTrue(app.waitFor(30, TimeUnit.SECONDS), "exits before Kubernetes' SIGKILL (30 s after SIGTERM)");
            String output = Files.readString(log);
            assertTrue(output.contains("queue=q released "), "the unstarted messages were released:\n" + output);
            java.util.Set<String> done = new java.util.HashSet<>();
            output.lines().filter(l -> l.endsWith(" done")).forEach(l -> sent.stream()
                    .filter(id -> l.contains("message=" + id + " ")).forEach(done::add));
            assertFalse(done.isEmpty(), "the message in flight finished:\n" + output);
            java.util.Set<String> back = new java.util.HashSet<>();
            Eventually.within(Duration.ofSeconds(10), "every undeleted message receivable again, long before " + visibility + " s", () -> {
                chain.sqs().receiveMessage(b -> b.queueUrl(chain.queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
                        .messages().forEach(m -> back.add(m.messageId()));
                return back.size() + done.size() >= sent.size();
            });
            back.addAll(done);
            assertEquals(sent, back, "nothing lost");
        }
    }

    static {
        if (!JAR.toFile().isFile()) {
            throw new IllegalStateException("run through `./mvnw verify`: " + JAR + " is built in the package phase"
);
        }
    }
}
