package dev.trailrouter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.trailrouter.demo.DemoSamples;
import dev.trailrouter.demo.MotoServer;
import dev.trailrouter.demo.S3NotificationChain;
import dev.trailrouter.demo.WebhookReceiver;
import dev.trailrouter.support.Fixtures;
import dev.trailrouter.support.PackagedJar;

/**
 * How an operator watches trailrouter, against the packaged jar: remote JMX (Camel's route MBeans and trailrouter's
 * pipeline MBean), Jolokia with its read-only policy, liveness and readiness, the Prometheus series, JSON logs.
 */
class ObservabilityIT {

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The version in pom.xml, which the packaged jar's manifest must carry. */
    static String projectVersion() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<artifactId>trailrouter</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertTrue(m.find(), "the project version in pom.xml");
        return m.group(1);
    }

    /** An address of this machine other than loopback, if it has one. */
    static java.util.Optional<java.net.InetAddress> nonLoopbackAddress() throws Exception {
        for (var nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (var address : java.util.Collections.list(nic.getInetAddresses())) {
                    if (address instanceof java.net.Inet4Address) {
                        return java.util.Optional.of(address);
                    }
                }
            }
        }
        return java.util.Optional.empty();
    }

    /** The packaged jar reading one queue on moto, its management port configured by {@code env}; stopped on close. */
    private Process startReading(MotoServer moto, S3NotificationChain chain, int management, Path log,
                                 Map<String, String> extra) throws Exception {
        ProcessBuilder builder = PackagedJar.java(log, "-Dtrailrouter.webhook.url=http://127.0.0.1:9/x",
                "-jar", PackagedJar.JAR.toString());
        PackagedJar.readQueueOnEmulator(builder, moto.endpoint(), "orgtrail", chain.queueUrl, management);
        builder.environment().putAll(extra);
        Process app = builder.start();
        Eventually.within(Duration.ofSeconds(60), "management answers; log " + log, () -> {
            try {
                return get(management, "/observe/health/live").statusCode() != 0;
            } catch (Exception e) {
                return false;
            }
        });
        return app;
    }

    private HttpResponse<String> get(String host, int port, String path, String user) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                .timeout(Duration.ofSeconds(5));
        if (user != null) {
            request.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(user.getBytes()));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theManagementPortIsLoopbackOnlyByDefaultAndAuthenticatedWhenOpened() throws Exception {
        try (MotoServer moto = MotoServer.start();
             S3NotificationChain chain = S3NotificationChain.create(moto.endpoint(), "mgmt", 30, 5)) {
            java.util.Optional<java.net.InetAddress> outside = nonLoopbackAddress();
            int management = MotoServer.freePort();
            // by default: loopback only
            Process app = startReading(moto, chain, management, Files.createTempFile("mgmt", ".log"), Map.of());
            try {
                Eventually.within(Duration.ofSeconds(60), "live once started", () -> {
                    try {
                        return get("127.0.0.1", management, "/observe/health/live", null).statusCode() == 200;
                    } catch (Exception e) {
                        return false;
                    }
                });
                if (outside.isPresent()) {
                    String host = outside.get().getHostAddress();
                    Exception refused = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                            () -> get(host, management, "/observe/health/live", null), "reachable on " + host);
                    assertTrue(refused instanceof java.net.ConnectException, refused.toString());
                } else {
                    // no other address to try from: the listening socket itself is bound to loopback
                    String port = String.format("%04X", management);
                    assertTrue(Files.readAllLines(Path.of("/proc/net/tcp")).stream()
                            .anyMatch(l -> l.contains(":" + port + " ") && l.trim().split("\\s+")[1].equals("0100007F:" + port)));
                }
            } finally {
                app.destroy();
                assertTrue(app.waitFor(60, TimeUnit.SECONDS));
            }
            String host = outside.map(java.net.InetAddress::getHostAddress).orElse("127.0.0.1");
            // opened, with a users file: every path wants a password, and the details are shown to who gives it
            Path users = Files.writeString(Files.createTempFile("users", ".properties"), "user.ops = ops-pass-1\n");
            app = startReading(moto, chain, management, Files.createTempFile("mgmt", ".log"),
                    Map.of("TRAILROUTER_MANAGEMENT_HOST", "0.0.0.0", "TRAILROUTER_MANAGEMENT_USERS_FILE", users.toString()));
            try {
                for (String path : List.of("/observe/health/live", "/observe/health/ready?exposureLevel=full",
                        "/observe/metrics", "/observe/jolokia/version")) {
                    assertEquals(401, get(host, management, path, null).statusCode(), path);
                    assertEquals(401, get(host, management, path, "ops:wrong").statusCode(), path);
                }
                assertEquals(200, get(host, management, "/observe/metrics", "ops:ops-pass-1").statusCode());
                Eventually.within(Duration.ofSeconds(30), "ready, with the queue's details", () -> {
                    try {
                        HttpResponse<String> ready = get(host, management, "/observe/health/ready?exposureLevel=full&data=true", "ops:ops-pass-1");
                        return ready.statusCode() == 200 && ready.body().contains("messages.visible");
                    } catch (Exception e) {
                        return false;
                    }
                });
            } finally {
                app.destroy();
                assertTrue(app.waitFor(60, TimeUnit.SECONDS));
            }
            // opened without authentication: it warns, and health never shows the queue's details
            Path log = Files.createTempFile("mgmt", ".log");
            app = startReading(moto, chain, management, log, Map.of("TRAILROUTER_MANAGEMENT_HOST", "0.0.0.0"));
            try {
                Eventually.within(Duration.ofSeconds(30), "ready", () -> {
                    try {
                        return get(host, management, "/observe/health/ready", null).statusCode() == 200;
                    } catch (Exception e) {
                        return false;
                    }
                });
                HttpResponse<String> ready = get(host, management, "/observe/health/ready?exposureLevel=full&data=true", null);
                assertTrue(ready.body().contains("queue-orgtrail") && !ready.body().contains("messages.visible")
                        && !ready.body().contains(chain.queueUrl.replace("/", "\\/")), ready.body());
            } finally {
                app.destroy();
                assertTrue(app.waitFor(60, TimeUnit.SECONDS));
            }
            assertTrue(Files.readString(log).contains("the management port listens on 0.0.0.0 without authentication"));
        }
    }

    @Test
    void noSecretInMetricsJolokiaHealthOrLogs() throws Exception {
        try (MotoServer moto = MotoServer.start();
             WebhookReceiver siem = new WebhookReceiver();
             WebhookReceiver slack = new WebhookReceiver();
             S3NotificationChain chain = S3NotificationChain.create(moto.endpoint(), "secrets", 30, 5)) {
            Path routes = Files.createDirectories(Files.createTempDirectory("secrets").resolve("routes/destinations"));
            Files.writeString(routes.resolve("webhook.yaml"), Files.readString(Path.of("routes/destinations/webhook.yaml")));
            Files.writeString(routes.resolve("slack.yaml"), """
                    - templatedRoute:
                        routeTemplateRef: slack
                        routeId: dest-alerts
                        parameters:
                          - { name: name, value: alerts }
                          - { name: url, value: "{{env:SLACK_WEBHOOK_URL}}" }
                          - { name: groupWindowMillis, value: "0" }
                          - { name: minIntervalMillis, value: "10" }
                    """);
            String slackToken = "XXSECRETTOKENXX";
            String apiKey = "APIKEY0SECRET0123";
            int management = MotoServer.freePort();
            Path log = Files.createTempFile("secrets", ".log");
            ProcessBuilder builder = PackagedJar.java(log, "-Dtrailrouter.routes-dir=" + routes.getParent(),
                    "-jar", PackagedJar.JAR.toAbsolutePath().toString());
            PackagedJar.readQueueOnEmulator(builder, moto.endpoint(), "orgtrail", chain.queueUrl, management);
            Map<String, String> env = builder.environment();
            env.put("TRAILROUTER_INTAKE_WAIT_TIME_SECONDS", "1");
            env.put("SLACK_WEBHOOK_URL", slack.url().resolve("/services/T0000/B0000/" + slackToken).toString());
            env.put("TRAILROUTER_WEBHOOK_URL", siem.url().resolve("/ingest?apikey=" + apiKey).toString());
            Process app = builder.start();
            try {
                Eventually.within(Duration.ofSeconds(60), "health answers", () -> {
                    try {
                        return get(management, "/observe/health/live").statusCode() == 200;
                    } catch (Exception e) {
                        return false;
                    }
                });
                chain.put("AWSLogs/1/CloudTrail/us-east-2/f.json.gz", DemoSamples.gzip(DemoSamples.json(DemoSamples.FILES.get(0))));
                Eventually.within(Duration.ofSeconds(60), "delivered to both",
                        () -> PipelineContract.events(siem.accepted()).size() == 11 && !slack.accepted().isEmpty());
                assertTrue(slack.accepted().get(0).path().endsWith(slackToken), "the Slack URL was used in full");
                String metrics = get(management, "/observe/metrics").body();
                assertTrue(metrics.contains("camel_exchange_event_notifier_seconds_count"), "Camel's endpoint meters are there");
                assertTrue(metrics.contains("endpointName=\"http://127.0.0.1:" + slack.url().getPort() + "\""), "reduced to the origin");
                String jolokia = get(management, "/observe/jolokia/read/org.apache.camel:context=trailrouter,*").body();
                String health = get(management, "/observe/health?exposureLevel=full").body();
                for (String secret : List.of(slackToken, apiKey)) {
                    assertTrue(!metrics.contains(secret), secret + " in metrics:\n" + metrics.lines().filter(l -> l.contains(secret)).toList());
                    assertTrue(!jolokia.contains(secret), secret + " in Jolokia");
                    assertTrue(!health.contains(secret), secret + " in health");
                }
            } finally {
                app.destroy();
                assertTrue(app.waitFor(60, TimeUnit.SECONDS));
            }
            String output = Files.readString(log);
            assertTrue(output.contains("Started dest-alerts"), output);
            assertTrue(output.contains("trailrouter.webhook.url = xxxxxx"), "Camel's summary masks the URL:\n" + output);
            for (String secret : List.of(slackToken, apiKey)) {
                assertTrue(!output.contains(secret), secret + " in the log:\n" + output.lines().filter(l -> l.contains(secret)).toList());
            }
        }
    }

    @Test
    void jmxJolokiaHealthMetricsAndJsonLogsAfterRealSamples() throws Exception {
        try (MotoServer moto = MotoServer.start();
             WebhookReceiver webhook = new WebhookReceiver();
             S3NotificationChain chain = S3NotificationChain.create(moto.endpoint(), "observe", 30, 5)) {
            int management = MotoServer.freePort();
            int jmx = MotoServer.freePort();
            Path log = Files.createTempFile("observe", ".log");
            ProcessBuilder builder = PackagedJar.java(log,
                    "-Dcom.sun.management.jmxremote.port=" + jmx, "-Dcom.sun.management.jmxremote.rmi.port=" + jmx,
                    "-Dcom.sun.management.jmxremote.host=127.0.0.1", "-Djava.rmi.server.hostname=127.0.0.1",
                    "-Dcom.sun.management.jmxremote.authenticate=false", "-Dcom.sun.management.jmxremote.ssl=false",
                    "-jar", PackagedJar.JAR.toString());
            PackagedJar.readQueueOnEmulator(builder, moto.endpoint(), "orgtrail", chain.queueUrl, management);
            Map<String, String> env = builder.environment();
            env.put("TRAILROUTER_INTAKE_WAIT_TIME_SECONDS", "1");
            env.put("TRAILROUTER_WEBHOOK_URL", webhook.url().toString());
            env.put("TRAILROUTER_LOG_FORMAT", "json");
            env.put("TRAILROUTER_OBSERVE_SUMMARY_INTERVAL", "2");
            Process app = builder.start();
            try {
                Eventually.within(Duration.ofSeconds(60), "health answers", () -> {
                    try {
                        return get(management, "/observe/health/live").statusCode() == 200;
                    } catch (Exception e) {
                        return false;
                    }
                });
                DemoSamples.asCloudTrailObjects().forEach(chain::put);
                Eventually.within(Duration.ofSeconds(60), "50 events delivered",
                        () -> PipelineContract.events(webhook.accepted()).size() == DemoSamples.RECORDS);

                // remote JMX: Camel's route MBeans and trailrouter's pipeline MBean
                try (JMXConnector connector = JMXConnectorFactory.connect(
                        new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmx + "/jmxrmi"))) {
                    MBeanServerConnection mbeans = connector.getMBeanServerConnection();
                    ObjectName intake = new ObjectName("org.apache.camel:context=trailrouter,type=routes,name=\"intake-orgtrail\"");
                    Eventually.within(Duration.ofSeconds(10), "intake exchanges counted", () -> {
                        try {
                            return ((Number) mbeans.getAttribute(intake, "ExchangesCompleted")).longValue() >= 4;
                        } catch (Exception e) {
                            return false;
                        }
                    });
                    ObjectName dest = new ObjectName("org.apache.camel:context=trailrouter,type=routes,name=\"dest-webhook\"");
                    assertTrue(((Number) mbeans.getAttribute(dest, "ExchangesCompleted")).longValue() >= 3);
                    ObjectName pipeline = new ObjectName("org.apache.camel:context=trailrouter,type=trailrouter,name=pipeline");
                    assertEquals(Map.of("cloudtrail", 50L), mbeans.getAttribute(pipeline, "EventsIn"));
                    assertEquals(Map.of("webhook", 50L), mbeans.getAttribute(pipeline, "EventsDelivered"));
                    assertEquals(3L, mbeans.getAttribute(pipeline, "ObjectsFetched"));
                    assertTrue(((Map<?, ?>) mbeans.getAttribute(pipeline, "LastEventTime")).containsKey("orgtrail"));

                    // the destination's I/O is a real endpoint with a step id, and its per-step statistics are there
                    ObjectName context = new ObjectName("org.apache.camel:context=trailrouter,type=context,name=\"trailrouter\"");
                    String routes = (String) mbeans.invoke(context, "dumpRoutesAsXml", new Object[] {true},
                            new String[] {"boolean"});
                    String origin = "http://127.0.0.1:" + webhook.url().getPort();
                    assertTrue(routes.matches("(?s).*<to id=\"post\" uri=\"" + java.util.regex.Pattern.quote(origin) + "\"/>.*"),
                            "the webhook's post step, scheme://host:port only:\n" + routes);
                    assertTrue(!routes.contains(webhook.url().getPath() + "\""), "the URL's path is not in the endpoint");
                    Set<ObjectName> steps = mbeans.queryNames(new ObjectName("org.apache.camel:context=trailrouter,*"), null);
                    ObjectName post = steps.stream().filter(n -> "\"webhook-post\"".equals(n.getKeyProperty("name"))
                            && n.getKeyProperty("type") != null && n.getKeyProperty("type").startsWith("processors"))
                            .findFirst().orElseThrow(() -> new AssertionError("the post step's MBean: " + steps));
                    assertTrue(((Number) mbeans.getAttribute(post, "ExchangesCompleted")).longValue() >= 3,
                            "per-step statistics of the post step");
                }

                // Jolokia: reading works, executing an operation is refused by the shipped policy
                JsonNode read = Fixtures.JSON.readTree(get(management,
                        "/observe/jolokia/read/org.apache.camel:context=trailrouter,type=trailrouter,name=pipeline/ObjectsFetched").body());
                assertEquals(3, read.get("value").asInt(), read.toString());
                HttpResponse<String> stop = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + "/observe/jolokia"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=trailrouter,"
                                + "type=routes,name=\\\"intake-orgtrail\\\"\",\"operation\":\"stop()\"}")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(403, Fixtures.JSON.readTree(stop.body()).get("status").asInt(), stop.body());

                // Prometheus
                String metrics = get(management, "/observe/metrics").body();
                for (String series : List.of("trailrouter_messages_total{outcome=\"deleted\",queue=\"orgtrail\"}",
                        "trailrouter_events_total{kind=\"cloudtrail\"} 50.0",
                        "trailrouter_destination_events_total{destination=\"webhook\",outcome=\"delivered\"} 50.0",
                        "trailrouter_objects_fetched_total{queue=\"orgtrail\"} 3.0",
                        "trailrouter_destination_delivery_seconds_count{destination=\"webhook\"}",
                        "trailrouter_destination_delivery_seconds_bucket{destination=\"webhook\",le=",
                        "trailrouter_build_info{version=\"" + projectVersion() + "\"} 1",
                        "trailrouter_event_freshness_seconds_bucket{kind=\"cloudtrail\"",
                        "trailrouter_messages_inflight{queue=\"orgtrail\"}")) {
                    assertTrue(metrics.contains(series), "missing " + series);
                }

                // readiness follows the queue
                HttpResponse<String> ready = get(management, "/observe/health/ready?exposureLevel=full");
                assertEquals(200, ready.statusCode(), ready.body());
                assertTrue(ready.body().contains("queue-orgtrail"), ready.body());
                chain.sqs().deleteQueue(b -> b.queueUrl(chain.queueUrl));
                Eventually.within(Duration.ofSeconds(40), "not ready once the queue is gone", () -> {
                    try {
                        return get(management, "/observe/health/ready").statusCode() == 503;
                    } catch (Exception e) {
                        return false;
                    }
                });
                assertEquals(200, get(management, "/observe/health/live").statusCode(), "still alive");
            } finally {
                app.destroy();
                assertTrue(app.waitFor(60, TimeUnit.SECONDS));
            }
            // JSON logs: every line of the output is one JSON object, with an ISO-8601 @timestamp and the message;
            // the per-message and summary lines carry their fields as JSON fields
            List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList();
            assertTrue(lines.size() > 10, "JSON lines expected:\n" + Files.readString(log));
            List<JsonNode> done = new java.util.ArrayList<>();
            List<JsonNode> summaries = new java.util.ArrayList<>();
            for (String line : lines) {
                JsonNode entry;
                try {
                    entry = Fixtures.JSON.readTree(line);
                } catch (Exception e) {
                    throw new AssertionError("not a JSON line: " + line, e);
                }
                assertTrue(entry.isObject(), line);
                java.time.OffsetDateTime.parse(entry.path("@timestamp").asText()); // ISO-8601, or it throws
                assertTrue(entry.path("message").isTextual() && entry.path("level").isTextual(), line);
                if ("done".equals(entry.path("outcome").asText())) {
                    done.add(entry);
                }
                if (entry.path("message").asText().contains(" summary ")) {
                    summaries.add(entry);
                }
            }
            JsonNode notification = done.stream().filter(e -> e.path("shape").asText().equals("sns/s3_notification"))
                    .findFirst().orElseThrow(() -> new AssertionError("no outcome line of a notification:\n" + lines));
            assertEquals("orgtrail", notification.path("queue").asText());
            assertTrue(notification.path("messageId").asText().matches("[0-9a-f-]{36}"), notification.toString());
            assertTrue(notification.path("events").isNumber() && notification.path("events").asInt() > 0, notification.toString());
            assertEquals(1, notification.path("destinations").asInt());
            assertTrue(notification.path("message").asText().matches("queue=orgtrail message=.* shape=sns/s3_notification "
                    + "events=\\d+ destinations=1 millis=\\d+ done"), "the plain line's text: " + notification);
            assertEquals(DemoSamples.RECORDS, done.stream().mapToInt(e -> e.path("events").asInt()).sum());
            assertTrue(summaries.stream().anyMatch(e -> e.path("queue").asText().equals("orgtrail")
                    && e.path("events").isNumber()), "a summary line with fields: " + summaries);
        }
    }

    @Test
    void theFatalStartUpErrorIsAJsonLineToo() throws Exception {
        Path log = Files.createTempFile("fatal", ".log");
        ProcessBuilder builder = PackagedJar.java(log, "-Dtrailrouter.webhook.url=http://127.0.0.1:9/x", "-jar", PackagedJar.JAR.toString());
        Map<String, String> env = builder.environment();
        List.of("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE").forEach(env::remove);
        Path empty = Files.createTempFile("aws-config", "");
        env.put("AWS_CONFIG_FILE", empty.toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", empty.toString());
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("TRAILROUTER_QUEUES", "orgtrail");
        env.put("TRAILROUTER_QUEUE_ORGTRAIL_URL", "http://127.0.0.1:9/123456789012/org-trail");
        env.put("TRAILROUTER_MANAGEMENT_PORT", Integer.toString(MotoServer.freePort()));
        env.put("TRAILROUTER_LOG_FORMAT", "json");
        Process app = builder.start();
        assertTrue(app.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, app.exitValue());
        List<JsonNode> errors = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            JsonNode entry = Fixtures.JSON.readTree(line); // every line, the fatal one included
            if ("ERROR".equals(entry.path("level").asText())) {
                errors.add(entry);
            }
        }
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).path("message").asText().startsWith("trailrouter cannot start: no AWS region for queue 'orgtrail'"),
                errors.toString());
    }
}
