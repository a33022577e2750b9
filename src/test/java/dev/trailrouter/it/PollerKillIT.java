package dev.trailrouter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trailrouter.demo.MotoServer;
import dev.trailrouter.demo.WebhookReceiver;
import dev.trailrouter.demo.WebhookReceiver.Answer;
import dev.trailrouter.support.CloudTrailLookupStandIn;
import dev.trailrouter.support.PackagedJar;

/**
 * kill -9 of the packaged jar in the middle of a LookupEvents window, then a restart: the checkpoint had not moved, the
 * window is read again and nothing is lost. Records: those of fixtures/cloudtrail/ (see {@link LookupPollerTest}).
 */
class PollerKillIT {

    @TempDir
    Path tmp;

    @Test
    void killedMidWindowTheRestartedJarDeliversEveryEventOfTheWindow() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<JsonNode> records = LookupPollerTest.records("k", 150, now.minusSeconds(200), now.minusSeconds(30));
        Path state = tmp.resolve("state");
        Path checkpoint = state.resolve(LookupPollerTest.POLLER + ".checkpoint");
        try (CloudTrailLookupStandIn api = new CloudTrailLookupStandIn(); WebhookReceiver webhook = new WebhookReceiver()) {
            records.forEach(r -> api.add(r, Instant.EPOCH));
            webhook.respondWith(n -> Answer.slow(200, 300)); // a slow receiver: the window takes seconds
            Path routes = routes(webhook);

            Process first = start(routes, state, api, now.minusSeconds(240), tmp.resolve("first.log"));
            try {
                Eventually.within(Duration.ofSeconds(90), "the first batches delivered", () -> webhook.accepted().size() >= 3);
            } finally {
                first.destroyForcibly(); // kill -9
                assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            }
            Thread.sleep(1000); // the receiver records the batch it was answering when the process died
            int beforeKill = ContractSupport.events(webhook.accepted()).size();
            assertTrue(beforeKill < 150, "killed mid-window: " + beforeKill + " of 150 delivered");
            assertFalse(Files.exists(checkpoint), "no checkpoint: the window was not done");

            webhook.respondWith(n -> Answer.of(200));
            Process second = start(routes, state, api, now.minusSeconds(240), tmp.resolve("second.log"));
            try {
                Eventually.within(Duration.ofSeconds(90), "every event delivered",
                        () -> ids(webhook).containsAll(LookupPollerTest.ids(records)));
                Eventually.within(Duration.ofSeconds(30), "the checkpoint written", () -> Files.exists(checkpoint));
            } finally {
                second.destroy();
                assertTrue(second.waitFor(60, TimeUnit.SECONDS));
            }
            Map<String, Integer> deliveries = new HashMap<>();
            ContractSupport.events(webhook.accepted()).forEach(e -> deliveries.merge(e.path("id").asText(), 1, Integer::sum));
            long twice = deliveries.values().stream().filter(n -> n > 1).count();
            System.out.printf("poller kill -9: %d delivered before the kill, 0 lost, %d delivered twice (no dedup on "
                    + "this branch)%n", beforeKill, twice);
            assertEquals(LookupPollerTest.ids(records), deliveries.keySet(), "0 lost, nothing else");
            assertEquals(beforeKill, twice, "what the killed window had delivered comes again (dedup drops it), nothing else");
        }
    }

    static Set<String> ids(WebhookReceiver webhook) {
        Set<String> ids = new HashSet<>();
        ContractSupport.events(webhook.accepted()).forEach(e -> ids.add(e.path("id").asText()));
        return ids;
    }

    Process start(Path routes, Path state, CloudTrailLookupStandIn api, Instant startTime, Path log) throws Exception {
        ProcessBuilder builder = PackagedJar.java(log, "-jar", PackagedJar.JAR.toString());
        Map<String, String> env = builder.environment();
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "testing");
        env.put("AWS_SECRET_ACCESS_KEY", "testing");
        env.put("TRAILROUTER_ROUTES_DIR", routes.toString());
        env.put("TRAILROUTER_STATE_DIR", state.toString());
        env.put("TRAILROUTER_MANAGEMENT_PORT", Integer.toString(MotoServer.freePort()));
        env.put("TRAILROUTER_CLOUDTRAIL_LOOKUP_REGIONS", "us-east-1");
        env.put("TRAILROUTER_CLOUDTRAIL_LOOKUP_ENDPOINT", api.endpoint().toString());
        env.put("TRAILROUTER_CLOUDTRAIL_LOOKUP_START_TIME", startTime.toString());
        env.put("TRAILROUTER_CLOUDTRAIL_LOOKUP_PERIOD", "1");
        env.put("TRAILROUTER_CLOUDTRAIL_LOOKUP_TRAILING_WINDOW", "10");
        return builder.start();
    }

    Path routes(WebhookReceiver webhook) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("routes/destinations"));
        Files.writeString(dir.resolve("webhook.yaml"), """
                - templatedRoute:
                    routeTemplateRef: webhook
                    routeId: dest-test
                    parameters:
                      - name: name
                        value: test
                      - name: url
                        value: '%s'
                      - name: batchSize
                        value: '10'
                """.formatted(webhook.url()));
        return dir.getParent();
    }
}
