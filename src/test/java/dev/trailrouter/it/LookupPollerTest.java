package dev.trailrouter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trailrouter.demo.WebhookReceiver;
import dev.trailrouter.demo.WebhookReceiver.Answer;
import dev.trailrouter.observe.PipelineMetrics;
import dev.trailrouter.state.DynamoDbCheckpoints;
import dev.trailrouter.support.CloudTrailLookupStandIn;
import dev.trailrouter.support.Fixtures;
import dev.trailrouter.support.LogLines;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The CloudTrail LookupEvents poller end to end: the real Main with a real route file (a webhook destination), a real
 * HTTP receiver, and a local stand-in for LookupEvents ({@link CloudTrailLookupStandIn}, moto has none) whose events
 * are real CloudTrail records: those of fixtures/cloudtrail/ (test-console-login-json.log, beats__create-user-json.log,
 * test-assume-role-aws-service-json.log, beats__awss3-testdata-aws-cloudtrail.first9records.ndjson), each given its own
 * eventID and an eventTime in the last minutes, as LookupEvents' window is about time; the stand-in's events carry the
 * fields of the real responses in fixtures/cloudtrail_lookup/.
 */
class LookupPollerTest {

    static final String POLLER = "cloudtrail-lookup-us-east-1";
    static final Duration WAIT = Duration.ofSeconds(60);
    static final List<String> RECORD_FILES = List.of("cloudtrail/test-console-login-json.log",
            "cloudtrail/beats__create-user-json.log", "cloudtrail/test-assume-role-aws-service-json.log",
            "cloudtrail/beats__awss3-testdata-aws-cloudtrail.first9records.ndjson");

    @TempDir
    Path tmp;

    CloudTrailLookupStandIn api;
    WebhookReceiver webhook;
    Path state;

    @BeforeEach
    void start() throws Exception {
        api = new CloudTrailLookupStandIn();
        webhook = new WebhookReceiver();
        state = tmp.resolve("state");
    }

    @AfterEach
    void stop() {
        webhook.close();
        api.close();
    }

    // ---- the tests

    @Test
    void pagesOf50AreDeliveredOncePacedAtMostTwoRequestsASecondAndTheCheckpointFollowsDelivery() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<JsonNode> records = records("p", 123, now.minusSeconds(240), now.minusSeconds(20));
        records.forEach(r -> api.add(r, Instant.EPOCH));

        try (RunningTrailRouter trailrouter = start(now.minusSeconds(300), "PT10S")) {
            Eventually.within(WAIT, "123 events delivered", () -> deliveredIds().size() >= 123);
            Eventually.within(WAIT, "more polls after it", () -> api.requests().size() >= 12);
            PipelineMetrics metrics = metrics(trailrouter);

            assertEquals(ids(records), new HashSet<>(deliveredIds()));
            assertEquals(123, deliveredIds().size(), "each event once: the fresh and the settled window do not overlap here");
            var requests = api.requests();
            assertTrue(requests.stream().allMatch(r -> r.maxResults() == 50), "pages of 50 (the API's maximum)");
            assertEquals(List.of(50, 50, 23), requests.subList(0, 3).stream().map(CloudTrailLookupStandIn.Request::events).toList(),
                    "the first window in three pages");
            assertTrue(requests.get(1).nextToken() != null && requests.get(2).nextToken() != null, "paginated with NextToken");
            double perSecond = (requests.size() - 1) * 1000.0
                    / Duration.between(requests.get(0).at(), requests.get(requests.size() - 1).at()).toMillis();
            long minGap = Long.MAX_VALUE;
            long minThree = Long.MAX_VALUE; // from a request to the one two later: at least 1 s when ≤ 2 in any second
            for (int i = 1; i < requests.size(); i++) {
                minGap = Math.min(minGap, Duration.between(requests.get(i - 1).at(), requests.get(i).at()).toMillis());
                if (i >= 2) {
                    minThree = Math.min(minThree, Duration.between(requests.get(i - 2).at(), requests.get(i).at()).toMillis());
                }
            }
            System.out.printf("LookupEvents pacing: %d requests, %.2f requests/s, smallest gap %d ms, smallest span of "
                    + "3 requests %d ms%n", requests.size(), perSecond, minGap, minThree);
            assertTrue(perSecond <= 2.0, "at most 2 requests/s, measured " + perSecond);
            // measured where they arrive: the pacer spaces the sends 500 ms apart, the network adds a few ms either way
            assertTrue(minThree >= 950, "no second holds 3 requests; smallest span of 3: " + minThree + " ms");
            assertTrue(minGap >= 400, "evenly spaced (500 ms), smallest gap " + minGap + " ms");
            assertEquals(requests.size(), metrics.count("trailrouter.poller.api.calls", "poller", POLLER), 0.5,
                    "every call counted");
            Instant newest = Instant.parse(records.get(records.size() - 1).path("eventTime").asText());
            assertTrue(checkpoint()[1].isAfter(newest), "the fresh edge is past the newest delivered event");
            assertTrue(metrics.count("trailrouter.poller.pages", "poller", POLLER, "outcome", "done") >= 3);
        }
    }

    @Test
    void throttledCallsAreRetriedWithBackoffAndNothingIsMissed() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<JsonNode> records = records("t", 60, now.minusSeconds(100), now.minusSeconds(20));
        records.forEach(r -> api.add(r, Instant.EPOCH));
        api.throttle(n -> n == 0 || n == 1 || n == 3); // the first call twice, and the second page once

        try (RunningTrailRouter trailrouter = start(now.minusSeconds(120), "PT10S")) {
            Eventually.within(WAIT, "60 events delivered", () -> deliveredIds().size() >= 60);

            assertEquals(ids(records), new HashSet<>(deliveredIds()));
            assertEquals(3, metrics(trailrouter).count("trailrouter.poller.throttles", "poller", POLLER), 0.1);
            var requests = api.requests();
            assertEquals(400, requests.get(0).status());
            assertEquals(200, requests.get(2).status(), "retried after the throttling");
            assertTrue(Duration.between(requests.get(1).at(), requests.get(2).at()).toMillis() >= 900,
                    "the second retry waited longer (backoff 1 s and more)");
            assertEquals(requests.get(3).nextToken(), requests.get(4).nextToken(), "the throttled page asked for again");
        }
    }

    @Test
    void aFailingReceiverHoldsTheCheckpointBeforeItsEventsAndOnceItRecoversTheyAreDelivered() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        AtomicBoolean failing = new AtomicBoolean(true);
        webhook.respondWith(n -> Answer.of(failing.get() ? 500 : 200));
        List<JsonNode> records = records("f", 30, now.minusSeconds(60), now.minusSeconds(20));
        records.forEach(r -> api.add(r, Instant.EPOCH));
        Instant oldest = Instant.parse(records.get(0).path("eventTime").asText());

        try (RunningTrailRouter trailrouter = start(now.minusSeconds(90), "PT5S"); LogLines logs = LogLines.capture()) {
            Eventually.within(WAIT, "two failed deliveries", () -> webhook.requests().size() >= 2);
            Eventually.throughout(Duration.ofSeconds(4), "the checkpoint stays before the undelivered events",
                    () -> !Files.exists(checkpointFile()) || !checkpoint()[0].isAfter(oldest));
            assertEquals(0, deliveredIds().size());
            assertEquals(1, logs.containing("poller=" + POLLER + " failed").size(), "one line for the outage: " + logs.all());
            assertFalse(health(trailrouter).isEmpty() || health(trailrouter).get(0).getState() == HealthCheck.State.UP,
                    "the health check says the last poll failed");

            failing.set(false);
            Eventually.within(WAIT, "30 events delivered", () -> deliveredIds().size() >= 30);
            assertEquals(ids(records), new HashSet<>(deliveredIds()), "nothing lost");
            Eventually.within(WAIT, "the checkpoint past them",
                    () -> Files.exists(checkpointFile()) && checkpoint()[1].isAfter(now.minusSeconds(20)));
            Eventually.within(WAIT, "one line for the recovery",
                    () -> logs.containing("poller=" + POLLER + " recovered").size() == 1);
            Eventually.within(WAIT, "healthy again", () -> health(trailrouter).get(0).getState() == HealthCheck.State.UP);
        }
    }

    @Test
    void theCheckpointWaitsForEveryPageOfAWindowNotJustTheFirstOnes() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<JsonNode> records = records("w", 120, now.minusSeconds(180), now.minusSeconds(30));
        records.forEach(r -> api.add(r, Instant.EPOCH));
        // pages of 50 in batches of 20: pages 1 and 2 are requests 0-2 and 3-5; page 3 (the 20 oldest, newest first)
        // is request 6. While failing, the receiver refuses every request from the 7th on
        AtomicBoolean failing = new AtomicBoolean(true);
        webhook.respondWith(n -> Answer.of(failing.get() && n >= 6 ? 500 : 200));

        try (RunningTrailRouter trailrouter = start(now.minusSeconds(200), "PT10S")) {
            Eventually.within(WAIT, "pages 1 and 2 delivered", () -> new HashSet<>(deliveredIds()).size() >= 100);
            Eventually.throughout(Duration.ofSeconds(4), "no checkpoint while page 3 fails",
                    () -> !Files.exists(checkpointFile()));
            assertEquals(ids(records.subList(20, 120)), new HashSet<>(deliveredIds()), "pages 1 and 2 only");

            failing.set(false);
            Eventually.within(WAIT, "all 120 delivered", () -> new HashSet<>(deliveredIds()).containsAll(ids(records)));
            Eventually.within(WAIT, "the checkpoint past the window", () -> checkpoint()[0].isAfter(now.minusSeconds(30)));
        }
    }

    @Test
    void aRestartResumesFromTheCheckpointNotFromStartTime() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<JsonNode> first = records("r1", 40, now.minusSeconds(100), now.minusSeconds(30));
        first.forEach(r -> api.add(r, Instant.EPOCH));
        Instant[] kept;
        try (RunningTrailRouter trailrouter = start(now.minusSeconds(120), "PT10S")) {
            Eventually.within(WAIT, "40 events delivered", () -> deliveredIds().size() >= 40);
            Eventually.within(WAIT, "the checkpoint past them", () -> checkpoint()[0].isAfter(now.minusSeconds(30)));
        }
        kept = checkpoint();
        int before = webhook.accepted().size();
        int requestsBefore = api.requests().size();
        List<JsonNode> second = records("r2", 20, kept[1].plusSeconds(1), kept[1].plusSeconds(3));
        second.forEach(r -> api.add(r, Instant.EPOCH));
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), kept[1].plusSeconds(4)).toMillis()));

        // started again with a start-time far back: the checkpoint wins
        try (RunningTrailRouter trailrouter = start(Instant.parse("2020-01-01T00:00:00Z"), "PT10S")) {
            Eventually.within(WAIT, "the 20 new events delivered",
                    () -> ContractSupportIds.ids(webhook.accepted().subList(before, webhook.accepted().size()))
                            .containsAll(ids(second)));
            var firstAfterRestart = api.requests().get(requestsBefore);
            assertEquals(kept[0], firstAfterRestart.start(), "resumed at the checkpoint's settled edge");
            Set<String> redelivered = ContractSupportIds.ids(webhook.accepted().subList(before, webhook.accepted().size()));
            redelivered.retainAll(ids(first));
            assertEquals(Set.of(), redelivered, "nothing before the checkpoint delivered again");
            var afterRestart = api.requests().subList(requestsBefore, api.requests().size());
            assertTrue(afterRestart.stream().noneMatch(r -> r.start().isBefore(kept[0])), "nothing before it read again");
        }
    }

    @Test
    void anEventThatAppearsLateInsideTheTrailingWindowIsPickedUp() throws Exception {
        Instant now = Instant.now();
        api.add(records("on-time", 1, now.minusSeconds(5), now.minusSeconds(5)).get(0), Instant.EPOCH);
        try (RunningTrailRouter trailrouter = start(now.minusSeconds(10), "PT6S")) {
            Eventually.within(WAIT, "the on-time event", () -> deliveredIds().size() >= 1);
            Instant late = Instant.now().minusSeconds(2).truncatedTo(ChronoUnit.SECONDS);
            Eventually.within(WAIT, "a fresh window past its time read before it shows", () ->
                    api.requests().stream().anyMatch(r -> !r.start().isAfter(late) && r.end().isAfter(late)));
            JsonNode record = records("late", 1, late, late).get(0);
            Instant shows = Instant.now();
            api.add(record, shows); // LookupEvents shows it only now, for a time the fresh window has passed

            Eventually.within(WAIT, "the late event delivered", () -> deliveredIds().contains(record.path("eventID").asText()));
            assertTrue(api.requests().stream().anyMatch(r -> r.at().isBefore(shows) && !r.start().isAfter(late)
                    && !r.end().isBefore(late)), "its time was read before it showed: the trailing window found it");
        }
    }

    @Test
    void anUnreadableCheckpointStopsThePollerWithOneLineAndItIsNeverRestartedFromStartTime() throws Exception {
        Files.createDirectories(state);
        Files.writeString(checkpointFile(), "2026-11-30 garbage");
        api.add(records("u", 1, Instant.now().minusSeconds(30), Instant.now().minusSeconds(30)).get(0), Instant.EPOCH);
        try (LogLines logs = LogLines.capture();
             RunningTrailRouter trailrouter = start(Instant.now().minusSeconds(60), "PT10S")) {
            Eventually.within(WAIT, "the stop line", () -> !logs.containing("poller=" + POLLER + " stopped").isEmpty());
            Thread.sleep(3000);

            var lines = logs.containing("poller=" + POLLER + " stopped");
            assertEquals(1, lines.size(), logs.all().toString());
            assertTrue(lines.get(0).message().contains("checkpoint '" + POLLER + "' cannot be read"), lines.get(0).message());
            assertFalse(lines.get(0).withStackTrace());
            assertEquals(0, api.requests().size(), "no call: it did not restart from start-time");
            assertEquals(0, webhook.requests().size());
            assertEquals("2026-11-30 garbage", Files.readString(checkpointFile()), "the checkpoint left as it was");
            assertEquals(HealthCheck.State.DOWN, health(trailrouter).get(0).getState());
            assertTrue(health(trailrouter).get(0).getMessage().orElse("").startsWith("stopped: "));
        }
    }

    @Test
    void aMalformedRecordIsDeadLetteredWithItsReasonAndThePagesOtherEventsAreDelivered() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<JsonNode> records = records("m", 10, now.minusSeconds(50), now.minusSeconds(20));
        records.forEach(r -> api.add(r, Instant.EPOCH));
        // a real response's event whose CloudTrailEvent string is cut short
        ObjectNode bad = (ObjectNode) Fixtures.json("cloudtrail_lookup/aws_aws-cli__lookup-events.rst__Output.json")
                .path("Events").path(0).deepCopy();
        String cut = bad.path("CloudTrailEvent").asText().substring(0, 120);
        bad.put("CloudTrailEvent", cut);
        api.addApiEvent(bad, now.minusSeconds(30), Instant.EPOCH);

        try (RunningTrailRouter trailrouter = start(now.minusSeconds(60), "PT5S")) {
            Eventually.within(WAIT, "10 events delivered", () -> deliveredIds().size() >= 10);
            Path letter = state.resolve("dead-letters").resolve(POLLER).resolve(bad.path("EventId").asText() + ".json");
            Eventually.within(WAIT, "the dead letter", () -> Files.exists(letter));
            Eventually.within(WAIT, "the checkpoint past the page", () -> checkpoint()[0].isAfter(now.minusSeconds(30)));

            assertEquals(ids(records), new HashSet<>(deliveredIds()));
            JsonNode written = Fixtures.JSON.readTree(letter.toFile());
            assertTrue(written.path("reason").asText().startsWith("CloudTrailEvent is not JSON"), written.toString());
            assertEquals(POLLER, written.path("poller").asText());
            JsonNode raw = Fixtures.JSON.readTree(written.path("record").asText());
            assertEquals(bad.path("EventId").asText(), raw.path("EventId").asText());
            assertEquals(cut, raw.path("CloudTrailEvent").asText(), "the record as the API returned it");
            assertEquals(1, metrics(trailrouter).count("trailrouter.poller.pages", "poller", POLLER, "outcome",
                    "dead-lettered"), 0.1);
        }
    }

    /**
     * Two instances on the DynamoDB checkpoint (moto's DynamoDB, the table as the Terraform module makes it): another
     * instance writes this poller's checkpoint after the poller last read it. The poller's next write is refused (its
     * version is stale); the window is retried after the backoff, and the poller reads the checkpoint again first and
     * goes on from it. Before, it never read it again: DynamoDbCheckpoints had forgotten the version, every later write
     * was refused (the item exists), and the poller failed the same window at every backoff, readiness DOWN, until it
     * was restarted. The same happened after a write whose answer was lost.
     */
    @Test
    void aCheckpointMovedByAnotherInstanceIsReadAgainAndThePollerGoesOn() throws Exception {
        String table = "lookup-checkpoints-" + MotoDynamoDbStoresTest.TABLES.incrementAndGet();
        try (DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(Emulators.moto().endpoint())
                .region(Region.US_EAST_1).credentialsProvider(() -> AwsBasicCredentials.create("testing", "testing")).build()) {
            MotoDynamoDbStoresTest.createTable(dynamo, table);
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            List<JsonNode> first = records("o1", 10, now.minusSeconds(60), now.minusSeconds(20));
            first.forEach(r -> api.add(r, Instant.EPOCH));
            DynamoDbCheckpoints other = new DynamoDbCheckpoints(dynamo, table, "lookup-test", java.time.Clock.systemUTC(), null);

            try (RunningTrailRouter trailrouter = start(now.minusSeconds(90), "PT5S", Map.of(
                    "trailrouter.state.store", "dynamodb", "trailrouter.state.dynamodb.table", table,
                    "trailrouter.state.namespace", "lookup-test",
                    "trailrouter.state.dynamodb.endpoint", Emulators.moto().endpoint().toString()))) {
                Eventually.within(WAIT, "10 events delivered", () -> deliveredIds().size() >= 10);
                Eventually.within(WAIT, "the poller's checkpoint in the table", () -> other.read(POLLER).isPresent());

                // another instance writes it: the same value, a new version (again if the poller wrote in between)
                Eventually.within(WAIT, "another instance wrote the checkpoint", () -> {
                    try {
                        other.write(POLLER, other.read(POLLER).orElseThrow());
                        return true;
                    } catch (dev.trailrouter.state.StateStoreException raced) {
                        return false;
                    }
                });
                Instant moved = Instant.now();
                PipelineMetrics metrics = metrics(trailrouter);
                Eventually.within(WAIT, "the poller's write refused once",
                        () -> metrics.count("trailrouter.poller.windows", "poller", POLLER, "outcome", "failed") >= 1);
                Eventually.within(WAIT, "the poller writes its checkpoint again, past the move", () ->
                        fresh(other.read(POLLER).orElseThrow()).isAfter(moved.plusSeconds(2)));
                List<JsonNode> second = records("o2", 5, Instant.now().minusSeconds(2), Instant.now().minusSeconds(1));
                second.forEach(r -> api.add(r, Instant.EPOCH));
                Eventually.within(WAIT, "events after the move delivered", () -> deliveredIds().containsAll(ids(second)));
                Eventually.within(WAIT, "healthy", () -> health(trailrouter).get(0).getState() == HealthCheck.State.UP);
                assertEquals(1, metrics.count("trailrouter.poller.windows", "poller", POLLER, "outcome", "failed"), 0.1,
                        "one refused write, then it went on");
            }
        }
    }

    /** The fresh edge of a checkpoint value. */
    static Instant fresh(String value) {
        Matcher m = CHECKPOINT.matcher(value);
        assertTrue(m.matches(), "checkpoint format: " + value);
        return Instant.parse(m.group(2));
    }

    // ---- helpers

    RunningTrailRouter start(Instant startTime, String trailingWindow) throws Exception {
        return start(startTime, trailingWindow, Map.of());
    }

    RunningTrailRouter start(Instant startTime, String trailingWindow, Map<String, String> more) throws Exception {
        Path routes = routes();
        RunningTrailRouter.Builder builder = RunningTrailRouter.with();
        more.forEach(builder::property);
        return builder
                .routesDir(routes)
                .property("trailrouter.cloudtrail-lookup.regions", "us-east-1")
                .property("trailrouter.cloudtrail-lookup.start-time", startTime.toString())
                .property("trailrouter.cloudtrail-lookup.period", "1")
                .property("trailrouter.cloudtrail-lookup.trailing-window", trailingWindow)
                .property("trailrouter.state.dir", state.toString())
                .start(new StandIn(api.endpoint()));
    }

    Path routes() throws Exception {
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
                        value: '20'
                      - name: maxRetries
                        value: '0'
                """.formatted(webhook.url()));
        return dir.getParent();
    }

    /** n real records (cycling through the fixtures), each with its own eventID, times spread over [from, to]. */
    static List<JsonNode> records(String tag, int n, Instant from, Instant to) throws Exception {
        List<JsonNode> samples = new ArrayList<>();
        for (String file : RECORD_FILES) {
            for (String line : Fixtures.text(file).split("\n")) {
                if (!line.isBlank()) {
                    samples.add(Fixtures.JSON.readTree(line));
                }
            }
        }
        List<JsonNode> out = new ArrayList<>();
        long span = Duration.between(from, to).toMillis();
        for (int i = 0; i < n; i++) {
            ObjectNode record = (ObjectNode) samples.get(i % samples.size()).deepCopy();
            record.put("eventID", tag + "-" + i);
            Instant at = from.plusMillis(n == 1 ? 0 : span * i / (n - 1)).truncatedTo(ChronoUnit.SECONDS);
            record.put("eventTime", at.toString());
            out.add(record);
        }
        return out;
    }

    static Set<String> ids(List<JsonNode> records) {
        Set<String> ids = new HashSet<>();
        records.forEach(r -> ids.add(r.path("eventID").asText()));
        return ids;
    }

    List<String> deliveredIds() {
        List<String> ids = new ArrayList<>();
        ContractSupport.events(webhook.accepted()).forEach(e -> ids.add(e.path("id").asText()));
        return ids;
    }

    Path checkpointFile() {
        return state.resolve(POLLER + ".checkpoint");
    }

    private static final Pattern CHECKPOINT = Pattern.compile("\\{\"settled\":\"([^\"]+)\",\"fresh\":\"([^\"]+)\"}");

    /** The checkpoint's settled and fresh edges, read from its file. */
    Instant[] checkpoint() {
        try {
            if (!Files.exists(checkpointFile())) {
                return new Instant[] {Instant.EPOCH, Instant.EPOCH};
            }
            Matcher m = CHECKPOINT.matcher(Files.readString(checkpointFile()));
            assertTrue(m.matches(), "checkpoint format");
            return new Instant[] {Instant.parse(m.group(1)), Instant.parse(m.group(2))};
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static PipelineMetrics metrics(RunningTrailRouter trailrouter) {
        return trailrouter.context().getRegistry().findSingleByType(PipelineMetrics.class);
    }

    /** The poller's health check, called as /observe/health calls it. */
    static List<HealthCheck.Result> health(RunningTrailRouter trailrouter) {
        return org.apache.camel.health.HealthCheckRegistry.get(trailrouter.context()).getCheck("poller-" + POLLER)
                .map(check -> List.of(check.call())).orElse(List.of());
    }

    /** The stand-in as the endpoint of every AWS client (there is no other AWS call without a queue). */
    record StandIn(URI endpoint) implements AwsEmulator {
        @Override
        public String name() {
            return "lookup-stand-in";
        }

        @Override
        public boolean fifoRedeliveryInOrder() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    /** Event ids of webhook requests. */
    static final class ContractSupportIds {
        static Set<String> ids(List<WebhookReceiver.Request> requests) {
            Set<String> ids = new HashSet<>();
            ContractSupport.events(requests).forEach(e -> ids.add(e.path("id").asText()));
            return ids;
        }
    }
}
