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
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trailrouter.demo.MotoServer;
import dev.trailrouter.support.Fixtures;
import dev.trailrouter.support.PackagedJar;

/**
 * The push intake in the packaged jar, configured from the environment only as the README says: its listener on its
 * own port (no management endpoint there, no push endpoint on the management port), no queue needed, a real signed
 * SNS Notification of a topic not allowed (fixtures/sns_http/ahonnecke_…_Notification_5623b23e.json) refused 403 and
 * counted on the management port's metrics, and SIGTERM ends it.
 */
class SnsPushJarIT {

    @TempDir
    Path tmp;

    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void thePackagedJarListensForSnsOnItsOwnPortRefusesAndCountsAForeignTopicAndStopsOnSigterm() throws Exception {
        Path routes = Files.createDirectories(tmp.resolve("routes/destinations"));
        Files.writeString(routes.resolve("siem.yaml"), """
                - templatedRoute:
                    routeTemplateRef: webhook
                    routeId: dest-siem
                    parameters:
                      - { name: name, value: siem }
                      - { name: url, value: "http://127.0.0.1:9/ingest" }
                """);
        int push = MotoServer.freePort();
        int management = MotoServer.freePort();
        Path log = tmp.resolve("jar.log");
        ProcessBuilder builder = PackagedJar.java(log, "-jar", PackagedJar.JAR.toString());
        Map<String, String> env = builder.environment();
        env.put("AWS_REGION", "us-east-1");
        env.put("TRAILROUTER_ROUTES_DIR", routes.getParent().toString());
        env.put("TRAILROUTER_SNS_PUSH_ENDPOINTS", "events");
        env.put("TRAILROUTER_SNS_PUSH_EVENTS_TOPICS", "arn:aws:sns:us-east-1:111122223333:trailrouter-push");
        env.put("TRAILROUTER_SNS_PUSH_HOST", "127.0.0.1");
        env.put("TRAILROUTER_SNS_PUSH_PORT", Integer.toString(push));
        env.put("TRAILROUTER_MANAGEMENT_PORT", Integer.toString(management));
        Process app = builder.start();
        try {
            URI endpoint = URI.create("http://127.0.0.1:" + push + "/sns/events");
            Eventually.within(Duration.ofSeconds(90), "the push listener answers", () -> {
                try {
                    return send(HttpRequest.newBuilder(endpoint).POST(HttpRequest.BodyPublishers.ofString("{}"))).statusCode() == 400;
                } catch (Exception notYet) {
                    return false;
                }
            });
            String foreign = Fixtures.text("sns_http/ahonnecke_SnsPublisher__README.md__Notification_5623b23e.json");
            HttpResponse<String> refused = send(HttpRequest.newBuilder(endpoint)
                    .header("x-amz-sns-message-type", "Notification").POST(HttpRequest.BodyPublishers.ofString(foreign)));
            assertEquals(403, refused.statusCode());
            assertEquals("refused: topic-not-allowed\n", refused.body());

            assertEquals(405, send(HttpRequest.newBuilder(endpoint).GET()).statusCode(),
                    "a GET of the endpoint: what a load balancer's health check on the traffic port sees");
            assertEquals(404, send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + push + "/observe/metrics"))).statusCode(),
                    "no management endpoint on the push port");
            int onManagement = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + "/sns/events"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))).statusCode();
            assertTrue(onManagement == 404 || onManagement == 405, "no push endpoint on the management port: " + onManagement);
            String metrics = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + "/observe/metrics"))).body();
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith("trailrouter_sns_push_total{") && l.contains("reason=\"topic-not-allowed\"")
                    && l.contains("status=\"403\"") && l.endsWith(" 1.0")), metrics.lines()
                    .filter(l -> l.contains("sns_push")).toList().toString());
        } finally {
            app.destroy();
            assertTrue(app.waitFor(30, TimeUnit.SECONDS), "SIGTERM ends it");
        }
        String output = Files.readString(log);
        assertTrue(output.contains("sns-push: listening on 127.0.0.1:" + push + " for [/sns/events]"), output);
        assertTrue(output.contains("reason=topic-not-allowed"), output);
    }
}
