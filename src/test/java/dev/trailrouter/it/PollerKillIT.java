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
 * kill -9 of the packaged jar in the middle of a LookupEvents window, then a restart on the same state directory: the
 * checkpoint had not moved, the window is read again, nothing is lost, and with dedup on (the file store) nothing the
 * receiver accepted before the kill is accepted again. The same run with {@code trailrouter.state.store=none} accepts
 * those events twice, which shows the test can fail. The receiver holds the request in flight at the kill and answers
 * it 503 ({@link KilledClientAnswers}): the killed process never learnt it was accepted. Records: those of
 * fixtures/cloudtrail/ (see {@link LookupPollerTest}).
 */
class PollerKillIT {

    static final int EVENTS = 150;

    @TempDir
    Path tmp;

    @Test
    void killedMidWindowTheRestartedJarDeliversEveryEventOfTheWindowOnce() throws Exception {
        Map<String, Integer> withDedup = run("file");
        assertEquals(EVENTS, withDedup.size(), "0 lost with dedup: " + withDedup);
        assertTrue(withDedup.values().stream().allMatch(n -> n == 1), "0 accepted twice with dedup: " + withDedup);

        Map<String, Integer> without = run("none");
        assertEquals(EVENTS, without.size(), "0 lost without dedup either");
        long twice = without.values().stream().filter(n -> n == 2).count();
        assertEquals(30, twice, "without dedup the 3 batches of 10 accepted before the kill come again: " + without);
        assertTrue(without.values().stream().allMatch(n -> n <= 2), without.toString());
    }

    /** One kill-and-restart run with this store; per event id, how many times the receiver accepted it. */
    private Map<String, Integer> run(String store) throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<JsonNode> records = LookupPollerTest.records("k-" + store, EVENTS, now.minusSeconds(200), now.minusSeconds(30));
        Path state = tmp.resolve("state-" + store);
        Path checkpoint = state.resolve(LookupPollerTest.POLLER + ".checkpoint");
        try (CloudTrailLookupStandIn api = new CloudTrailLookupStandIn(); WebhookReceiver webhook = new WebhookReceiver()) {
            records.forEach(r -> api.add(r, Instant.EPOCH));
            KilledClientAnswers answers = new KilledClientAnswers(3, 200); // 3 batches of 10 accepted, the 4th held
            webhook.respondWith(answers);
            Path routes = routes(webhook, store);

            Process first = start(routes, state, store, api, now.minusSeconds(240), tmp.resolve("first-" + store + ".log"));
            try {
                assertTrue(answers.holding(Duration.ofSeconds(90)), "the 4th batch posted; log first-" + store + ".log");
            } finally {
                first.destroyForcibly(); // kill -9
                assertTrue(first.waitFor(30, TimeUnit.SECONDS));
                answers.killed();
            }
            int beforeKill = ContractSupport.events(webhook.accepted()).size();
            assertEquals(30, beforeKill, "killed mid-window: 30 of " + EVENTS + " accepted");
            assertFalse(Files.exists(checkpoint), "no checkpoint: the window was not done");

            webhook.respondWith(n -> Answer.of(200));
            Process second = start(routes, state, store, api, now.minusSeconds(240), tmp.resolve("second-" + store + ".log"));
            try {
                Eventually.within(Duration.ofSeconds(90), "every event delivered",
                        () -> ids(webhook).containsAll(LookupPollerTest.ids(records)));
                Eventually.within(Duration.ofSeconds(30), "the checkpoint written", () -> Files.exists(checkpoint));
                Thread.sleep(1000); // anything sent twice would have arrived by now
            } finally {
                second.destroy();
                assertTrue(second.waitFor(60, TimeUnit.SECONDS));
            }
            Map<String, Integer> deliveries = new HashMap<>();
            ContractSupport.events(webhook.accepted()).forEach(e -> deliveries.merge(e.path("id").asText(), 1, Integer::sum));
            assertEquals(LookupPollerTest.ids(records), deliveries.keySet(), "0 lost, nothing else");
            System.out.printf("poller kill -9, store=%s: %d accepted before the kill, 0 lost, %d accepted twice%n",
                    store, beforeKill, deliveries.values().stream().filter(n -> n > 1).count());
            return deliveries;
        }
    }

    static Set<String> ids(WebhookReceiver webhook) {
        Set<String> ids = new HashSet<>();
        ContractSupport.events(webhook.accepted()).forEach(e -> ids.add(e.path("id").asText()));
        return ids;
    }

    Process start(Path routes, Path state, String store, CloudTrailLookupStandIn api, Instant startTime, Path log)
            throws Exception {
        ProcessBuilder builder = PackagedJar.java(log, "-jar", PackagedJar.JAR.toString());
        Map<String, String> env = builder.environment();
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "testing");
        env.put("AWS_SECRET_ACCESS_KEY", "testing");
        env.put("TRAILROUTER_ROUTES_DIR", routes.toString());
        env.put("TRAILROUTER_STATE_DIR", state.toString());
        env.put("TRAILROUTER_STATE_STORE", store);
        env.put("TRAILROUTER_MANAGEMENT_PORT", Integer.toString(MotoServer.freePort()));
        env.put("TRAILROUTER_CLOUDTRAIL_LOOKUP_REGIONS", "us-east-1");
        env.put("TRAILROUTER_CLOUDTRAIL_LOOKUP_ENDPOINT", api.endpoint().toString());
        env.put("TRAILROUTER_CLOUDTRAIL_LOOKUP_START_TIME", startTime.toString());
        env.put("TRAILROUTER_CLOUDTRAIL_LOOKUP_PERIOD", "1");
        env.put("TRAILROUTER_CLOUDTRAIL_LOOKUP_TRAILING_WINDOW", "10");
        return builder.start();
    }

    Path routes(WebhookReceiver webhook, String store) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("routes-" + store + "/destinations"));
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
