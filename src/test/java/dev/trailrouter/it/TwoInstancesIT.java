package dev.trailrouter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.trailrouter.demo.DemoSamples;
import dev.trailrouter.demo.MotoServer;
import dev.trailrouter.demo.S3NotificationChain;
import dev.trailrouter.support.Fixtures;
import dev.trailrouter.support.PackagedJar;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Two trailrouter processes ({@code java -jar target/trailrouter.jar}, "a" and "b") on one SQS queue of moto_server,
 * competing consumers as replicas are, with the shared dedup store: {@code trailrouter.state.store=dynamodb}, one
 * table on moto's DynamoDB, one namespace. Both deliver to one destination {@code siem} (the same name, so one dedup
 * history), a real HTTP receiver ({@link Receiver}) that answers after {@value #RTT_MILLIS} ms and records every event
 * it accepted, which instance sent it (each instance's route file gives it its own URL path) and the request's
 * {@code webhook-id}; so the test counts, per event, how many times it was accepted: 0 is a loss, 2 a duplicate.
 *
 * <p>Input, per batch: {@value #OBJECTS} CloudTrail log files of {@value #PER_OBJECT} records each, put in S3 and
 * notified S3 → SNS → SQS (the records are the real ones of fixtures/cloudtrail/ that {@link LookupPollerTest#records}
 * reads: test-console-login-json.log, beats__create-user-json.log, test-assume-role-aws-service-json.log,
 * beats__awss3-testdata-aws-cloudtrail.first9records.ndjson, each with its own eventID), plus {@value #EVENTBRIDGE}
 * plain EventBridge messages (fixtures/envelopes/aws-powertools_powertools-lambda-python__eventBridgeEvent.json, each
 * with its own envelope id). Webhook chunks of {@value #CHUNK}, signed (so each carries a {@code webhook-id}).
 *
 * <p>Queue settings: a visibility timeout of {@value #VISIBILITY_SECONDS} s, so that a killed instance's messages come
 * back to the other within the test; and {@value #MESSAGES_PER_POLL} messages per receive. Camel extends a message's
 * visibility once the consumer has handed it on; while the queue is at its {@code max-inflight} cap the rest of a
 * receive waits unextended (docs/configuration.md, "Choosing visibility-timeout"), and SQS would hand a message that
 * waited past its visibility timeout to the other instance as well; the DynamoDB store has no claims, so both could
 * deliver it at the same moment: a duplicate by configuration, which is not what this test is about. Four cold
 * messages fit in 10 s even one at a time, so the test holds whatever {@code trailrouter.intake.max-inflight} is;
 * it and {@code concurrent-consumers} are left at their defaults (each instance's {@code started-late} count is
 * printed).
 *
 * <p>The instances reach moto's SQS through {@link SerializedReceives} (moto hands one message to two long polls at
 * once now and then; SQS does not), and each batch is queued behind the receiver's gate ({@link Run#load}), so that it
 * is a backlog both instances deliver side by side.
 *
 * <p>Scenarios: both run to the end, then SIGTERM of one mid-run; SIGKILL of one mid-run at a moment outside the
 * record window; SIGKILL at an arbitrary moment mid-run, which measures the window the design leaves. Each
 * instance's log is kept in {@code target/two-instances/<n>-<scenario>/}.
 */
class TwoInstancesIT {

    static final int OBJECTS = 16;
    static final int PER_OBJECT = 40;
    static final int EVENTBRIDGE = 40;
    static final int EVENTS = OBJECTS * PER_OBJECT + EVENTBRIDGE;
    static final int CHUNK = 10;
    static final long RTT_MILLIS = 20;
    static final int VISIBILITY_SECONDS = 10;
    static final int MESSAGES_PER_POLL = 4;
    /** After a SIGKILL: when the records the dead process had sent are written, and none of its messages came back yet. */
    static final long SETTLED_MILLIS = 3000;
    static final String DESTINATION = "siem";
    static final String NAMESPACE = "twoinst";
    static final String ACCOUNT = "111122223333";
    static final String REGION = "us-east-1";
    /** A Standard Webhooks secret (base64 of a test key): signing on, so every request carries a webhook-id. */
    static final String SIGNING_SECRET = "whsec_dHdvLWluc3RhbmNlcy10ZXN0LWtleS0wMQ==";
    static final Path LOGS = Path.of("target", "two-instances");
    private static final AtomicInteger RUNS = new AtomicInteger();

    static MotoServer moto;
    static SerializedReceives sqs;
    static DynamoDbClient dynamo;

    @BeforeAll
    static void emulator() throws Exception {
        if (Files.isDirectory(LOGS)) { // the last run's logs: each scenario's directory is made afresh
            try (var old = Files.walk(LOGS)) {
                for (Path path : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        moto = MotoServer.start();
        sqs = new SerializedReceives(moto.endpoint());
        dynamo = DynamoDbClient.builder().endpointOverride(moto.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(() -> AwsBasicCredentials.create("testing", "testing")).build();
    }

    @AfterAll
    static void stopEmulator() {
        if (sqs != null) {
            sqs.close();
        }
        if (dynamo != null) {
            dynamo.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    // ---- the scenarios

    /**
     * Scenario 1, then a scale-down on the same two processes (one JVM start fewer). First both run to the end: every
     * event accepted once, both delivered some (the split is printed), and no message reached both (nothing
     * suppressed). Then a second batch, and SIGTERM to a while it is delivering: SIGTERM is what Kubernetes sends a
     * replica it scales down (SIGKILL only after the grace period). Camel Main stops gracefully: the message being
     * processed finishes (delivered, recorded, deleted) and the received messages that had not started are released
     * at once for the other replica. So 0 duplicates without any help from dedup: b never gets a message a had started
     * (b suppressed nothing).
     */
    @Test
    void bothRunToTheEndEveryEventOnceBothDeliverThenSigtermOfOneMidRunLosesNothingAndDeliversNothingTwice()
            throws Exception {
        try (Run run = new Run("both-then-sigterm")) {
            run.startBoth();
            Instant loaded = run.load("x");
            run.awaitEverythingDelivered();
            Duration took = Duration.between(loaded, Instant.now());
            Map<String, Integer> perInstance = run.receiver.eventsPerInstance();
            double suppressedA = run.a.metric("trailrouter_duplicates_suppressed_total", "destination", DESTINATION);
            double suppressedB = run.b.metric("trailrouter_duplicates_suppressed_total", "destination", DESTINATION);
            double lateA = run.a.metric("trailrouter_messages_total", "outcome", "started-late");
            double lateB = run.b.metric("trailrouter_messages_total", "outcome", "started-late");
            double deletedA = run.a.metric("trailrouter_messages_total", "outcome", "deleted");
            double deletedB = run.b.metric("trailrouter_messages_total", "outcome", "deleted");
            System.out.printf("two instances to the end: %d events in %d messages delivered in %d ms; split a=%d "
                            + "events/%.0f messages, b=%d events/%.0f messages; suppressed a=%.0f b=%.0f; started-late "
                            + "a=%.0f b=%.0f%n", EVENTS, OBJECTS + EVENTBRIDGE, took.toMillis(),
                    perInstance.getOrDefault("a", 0), deletedA, perInstance.getOrDefault("b", 0), deletedB,
                    suppressedA, suppressedB, lateA, lateB);
            run.assertNoneLostNoneTwice("(started-late a=" + lateA + " b=" + lateB + ")");
            assertTrue(perInstance.getOrDefault("a", 0) > 0 && perInstance.getOrDefault("b", 0) > 0,
                    "both instances delivered some: " + perInstance);
            assertEquals(EVENTS, perInstance.values().stream().mapToInt(Integer::intValue).sum(), "the split adds up");
            assertEquals(0, suppressedA + suppressedB, "no message reached both instances: nothing to suppress");
            assertTrue(sqs.receives.get() > 0, "the instances received through the serialising proxy");

            int before = run.receiver.acceptedEvents();
            run.load("y");
            run.awaitMidRun("a", true, before);
            int partial = run.receiver.partialObjects("a").size();
            Instant stop = Instant.now();
            run.a.process().destroy(); // SIGTERM
            assertTrue(run.a.process().waitFor(60, TimeUnit.SECONDS), "a stops on SIGTERM; log " + run.a.log());
            Duration stopping = Duration.between(stop, Instant.now());
            run.awaitEverythingDelivered();
            double suppressedAfter = run.b.metric("trailrouter_duplicates_suppressed_total", "destination", DESTINATION);
            run.stopSurvivors();
            String released = Files.readString(run.a.log()).lines().filter(l -> l.contains(" released "))
                    .map(l -> l.replaceAll(".*queue=\\S+ released (\\d+) .*", "$1")).collect(Collectors.joining("+"));
            System.out.printf("SIGTERM of a mid-run (%d file(s) half-delivered at the signal): stopped in %d ms, "
                            + "released %s received message(s); split of both batches %s; suppressed by b: %.0f%n",
                    partial, stopping.toMillis(), released.isEmpty() ? "0" : released, run.receiver.eventsPerInstance(),
                    suppressedAfter);
            assertTrue(partial > 0, "a had a message in flight at the signal");
            run.assertNoneLostNoneTwice("after the SIGTERM");
            assertTrue(Files.readString(run.a.log()).contains("is shutdown"), "a stopped gracefully; log " + run.a.log());
            assertEquals(0, suppressedAfter, "a finished every message it had started: none came back to b");
        }
    }

    /**
     * SIGKILL (no shutdown at all: an OOM kill, a node lost, the grace period run out) at a moment the test chooses
     * outside the record window: the receiver stops answering a (it holds a's requests, and answers them 503 once a is
     * dead: a never learnt of them), and the kill waits until every event the receiver had accepted from a is in the
     * DynamoDB table. a's unfinished messages come back to b after the visibility timeout; the events of them the
     * receiver had accepted are found in the table and not sent again (counted as suppressed by b), the rest are
     * delivered: 0 lost, 0 duplicates. Without the shared store the suppressed ones would be delivered a second time:
     * asserted here by b's suppressed count (at least the accepted events of a's half-delivered files); and tried once
     * by hand with {@code TRAILROUTER_STATE_STORE=none} (and no wait for records), which failed with the 10 accepted
     * events of the half-delivered file accepted twice.
     */
    @Test
    void sigkillOutsideTheRecordWindowLosesNothingAndTheSharedRecordsKeepTheRedeliveryFromDuplicating() throws Exception {
        try (Run run = new Run("sigkill-recorded")) {
            run.startBoth();
            run.load("x");
            run.awaitMidRun("a", true, 0);
            run.receiver.freeze("a");
            Eventually.within(Duration.ofSeconds(20), "a's next request held, and everything the receiver accepted from "
                    + "a recorded in the table; log " + run.a.log(), () -> run.receiver.held("a") >= 1
                    && run.receiver.inProgress("a") == run.receiver.held("a")
                    && run.recorded().containsAll(run.receiver.acceptedFrom("a")));
            Set<String> acceptedFromA = run.receiver.acceptedFrom("a");
            Map<String, Integer> halfDone = run.receiver.partialObjects("a");
            run.a.process().destroyForcibly(); // SIGKILL
            assertTrue(run.a.process().waitFor(30, TimeUnit.SECONDS));
            run.receiver.thaw(); // the held requests of the dead process: 503, never accepted
            run.awaitEverythingDelivered();
            double suppressedB = run.b.metric("trailrouter_duplicates_suppressed_total", "destination", DESTINATION);
            run.stopSurvivors();
            int halfDoneEvents = halfDone.values().stream().mapToInt(Integer::intValue).sum();
            System.out.printf("SIGKILL of a outside the record window: a had %d events accepted (all recorded), %d "
                            + "object(s) half-delivered (%d events); b suppressed %.0f; split %s%n", acceptedFromA.size(),
                    halfDone.size(), halfDoneEvents, suppressedB, run.receiver.eventsPerInstance());

            assertTrue(!halfDone.isEmpty(), "a was killed with a CloudTrail file half-delivered");
            run.assertNoneLostNoneTwice("");
            assertTrue(suppressedB >= halfDoneEvents, "b met the half-delivered files again and suppressed their "
                    + halfDoneEvents + " accepted events (suppressed " + suppressedB + ")");
        }
    }

    /**
     * SIGKILL at an arbitrary moment while a is delivering (the trigger: a third of the events accepted and a CloudTrail
     * file of a half-delivered; then 0 to 5 RTTs more at random). {@code deliver/Dedup} records a part's events
     * in DynamoDB right after the destination accepted that part and before the unit can be done, and the SQS delete
     * comes only after every destination settled; so an event the receiver accepted is either recorded before a's
     * message could be deleted, or a's message was not deleted and comes back to b. What the design cannot close is the
     * window between the receiver accepting a part and its record being written: a request in flight at the kill (the
     * receiver keeps it and answers a dead client), or an answer read but not yet recorded. Such a part is sent again by
     * b, with the same {@code webhook-id} (Standard Webhooks: the receiver can drop it by that id).
     *
     * <p>Asserted: 0 lost; every event accepted twice is one the receiver had accepted from a and the table did not hold
     * once a was dead (nothing recorded is sent again); every event accepted from a and still not in the table
     * {@value #SETTLED_MILLIS} ms after the kill was sent again (nothing unrecorded is skipped). Between the two, a
     * record request a sent just before it died may still be written by DynamoDB (it was on the wire): such events are
     * recorded after all and not sent again, so the two sets are compared with the duplicates between them rather than
     * equal to one of them. Every duplicate request repeats a {@code webhook-id} the receiver had already accepted.
     * Measured and printed: how many events were in that window. {@code -Dtwoinst.kill.runs=N} repeats the kill N times
     * (default 1) to measure how often a duplicate occurs; docs/operations.md ("Several replicas on one queue") gives
     * the figures.
     */
    @Test
    void sigkillAtAnArbitraryMomentLosesNothingAndDuplicatesOnlyAcceptedEventsNotYetRecorded() throws Exception {
        int runs = Integer.getInteger("twoinst.kill.runs", 1);
        int withDuplicates = 0;
        List<String> figures = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            try (Run run = new Run("sigkill-any")) {
                run.startBoth();
                run.load("x");
                run.awaitMidRun("a", false, 0);
                Thread.sleep(ThreadLocalRandom.current().nextLong(0, 5 * RTT_MILLIS + 1));
                Instant killedAt = Instant.now();
                run.a.process().destroyForcibly(); // SIGKILL
                assertTrue(run.a.process().waitFor(30, TimeUnit.SECONDS));
                // the receiver finishes what a had sent (a real receiver keeps what it got before it answers)
                Eventually.within(Duration.ofSeconds(10), "a's last requests answered", () -> run.receiver.inProgress("a") == 0);
                Set<String> acceptedFromA = run.receiver.acceptedFrom("a");
                int halfDoneEvents = run.receiver.partialObjects("a").values().stream().mapToInt(Integer::intValue).sum();
                Set<String> window = new TreeSet<>(acceptedFromA);
                window.removeAll(run.recorded()); // accepted, and not in the table once a was dead
                int answeredAfterKill = run.receiver.acceptedFromAfter("a", killedAt).size();
                // a record request a sent just before it died may still be written after that; none of a's started
                // messages can reach b before its visibility (extended every 5 s to 10 s) runs out, 5 s after the kill
                Thread.sleep(Math.max(0, Duration.between(Instant.now(), killedAt.plusMillis(SETTLED_MILLIS)).toMillis()));
                Set<String> unrecorded = new TreeSet<>(acceptedFromA);
                unrecorded.removeAll(run.recorded());
                run.awaitEverythingDelivered();
                double suppressedB = run.b.metric("trailrouter_duplicates_suppressed_total", "destination", DESTINATION);
                run.stopSurvivors();

                Map<String, Integer> counts = run.receiver.acceptedPerEvent();
                assertEquals(run.expected, counts.keySet(), "0 lost, nothing else delivered");
                Set<String> twice = counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                        .collect(Collectors.toCollection(TreeSet::new));
                assertTrue(counts.values().stream().allMatch(n -> n <= 2), "none more than twice: " + counts);
                assertTrue(window.containsAll(twice), "every duplicate is an event the receiver accepted from a and the table "
                        + "did not hold when a died: duplicates " + twice + ", not recorded then " + window);
                assertTrue(twice.containsAll(unrecorded), "every event accepted from a and still not recorded "
                        + SETTLED_MILLIS + " ms after the kill was sent again: not recorded " + unrecorded + ", duplicates "
                        + twice);
                List<String> repeatedIds = run.receiver.duplicateRequestsWithNewWebhookId();
                assertEquals(List.of(), repeatedIds, "every request carrying a duplicate repeats a webhook-id already accepted");
                assertTrue(suppressedB >= halfDoneEvents - window.size(), "the accepted and recorded events of a's "
                        + "half-delivered files came back to b and were suppressed: " + halfDoneEvents + " accepted, "
                        + window.size() + " not recorded, b suppressed " + suppressedB);
                if (!twice.isEmpty()) {
                    withDuplicates++;
                }
                figures.add(String.format("a accepted %d (%d answered after the kill; %d of half-delivered files), not "
                                + "recorded at its death %d, %d ms later %d, duplicates %d, b suppressed %.0f",
                        acceptedFromA.size(), answeredAfterKill, halfDoneEvents, window.size(), SETTLED_MILLIS,
                        unrecorded.size(), twice.size(), suppressedB));
            }
        }
        System.out.printf("SIGKILL of a at an arbitrary moment, %d run(s), %d with duplicates:%n  %s%n", runs,
                withDuplicates, String.join("\n  ", figures));
    }

    // ---- one scenario's world: queue, table, receiver, two processes

    /** A fresh queue chain, table and receiver, and the two instances' configuration; closes all of it. */
    static final class Run implements AutoCloseable {
        final String name;
        final S3NotificationChain chain;
        final String table;
        final Receiver receiver;
        final Path dir;
        final Set<String> expected = new TreeSet<>();
        Instance a;
        Instance b;

        Run(String scenario) throws Exception {
            int n = RUNS.incrementAndGet();
            name = "ti" + n;
            dir = Files.createDirectories(LOGS.resolve(n + "-" + scenario));
            chain = S3NotificationChain.create(moto.endpoint(), name, 30, 10);
            table = "trailrouter-dedup-" + name;
            MotoDynamoDbStoresTest.createTable(dynamo, table);
            receiver = new Receiver(RTT_MILLIS);
        }

        void startBoth() throws Exception {
            a = start("a");
            b = start("b");
            a.awaitReady();
            b.awaitReady();
        }

        /** One instance: the packaged jar on the queue, the shared table and namespace, its own URL path at the receiver. */
        Instance start(String id) throws Exception {
            Path routes = Files.createDirectories(dir.resolve("routes-" + id + "/destinations"));
            Files.writeString(routes.resolve(DESTINATION + ".yaml"), """
                    - templatedRoute:
                        routeTemplateRef: webhook
                        routeId: dest-%s
                        parameters:
                          - { name: name, value: %s }
                          - { name: url, value: "%s/%s" }
                          - { name: batchSize, value: "%d" }
                          - { name: secret, value: "env:TWOINST_SIGNING_SECRET" }
                    """.formatted(DESTINATION, DESTINATION, receiver.url(), id, CHUNK));
            Path log = dir.resolve(id + ".log");
            int management = MotoServer.freePort();
            ProcessBuilder builder = PackagedJar.java(log, "-jar", PackagedJar.JAR.toAbsolutePath().toString());
            PackagedJar.readQueueOnEmulator(builder, moto.endpoint(), "orgtrail", chain.queueUrl, management);
            Map<String, String> env = builder.environment();
            env.put("AWS_ENDPOINT_URL_SQS", sqs.endpoint().toString()); // the SDK's own variable: SQS only
            env.put("TRAILROUTER_ROUTES_DIR", routes.getParent().toString());
            env.put("TRAILROUTER_INTAKE_WAIT_TIME_SECONDS", "1");
            env.put("TRAILROUTER_QUEUE_ORGTRAIL_VISIBILITY_TIMEOUT", Integer.toString(VISIBILITY_SECONDS));
            env.put("TRAILROUTER_QUEUE_ORGTRAIL_MAX_MESSAGES_PER_POLL", Integer.toString(MESSAGES_PER_POLL));
            env.put("TRAILROUTER_STATE_STORE", "dynamodb");
            env.put("TRAILROUTER_STATE_NAMESPACE", NAMESPACE);
            env.put("TRAILROUTER_STATE_DYNAMODB_TABLE", table);
            env.put("TWOINST_SIGNING_SECRET", SIGNING_SECRET);
            return new Instance(id, builder.start(), log, management);
        }

        /**
         * Puts the CloudTrail files of this batch in S3 (notified to the queue) and sends its EventBridge messages, with
         * the receiver's gate closed meanwhile: moto brings the notifications one by one, slower than two instances
         * deliver them, so without the gate each file would be done before the next arrived and an instance would
         * seldom be caught with one half-delivered. Behind the gate the instances take messages as they come (up to
         * their {@code max-inflight}, visibility extended) and their deliveries wait; once everything is queued the
         * gate opens and the batch is a backlog delivered side by side. Returns when the gate opened.
         */
        Instant load(String batchTag) throws Exception {
            receiver.closeGate();
            try {
                return put(name + batchTag);
            } finally {
                receiver.openGate();
            }
        }

        private Instant put(String tag) throws Exception {
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            for (int o = 0; o < OBJECTS; o++) {
                List<JsonNode> records = LookupPollerTest.records(tag + "-o" + o, PER_OBJECT, now.minusSeconds(600),
                        now.minusSeconds(60));
                records.forEach(r -> expected.add("cloudtrail:" + r.path("eventID").asText()));
                chain.put("AWSLogs/" + ACCOUNT + "/CloudTrail/" + REGION + "/2026/11/30/" + ACCOUNT + "_CloudTrail_"
                        + REGION + "_20261130T1200Z_" + tag + "o" + o + ".json.gz", cloudTrailFile(records));
            }
            ObjectNode sample = (ObjectNode) Fixtures.json("envelopes/aws-powertools_powertools-lambda-python__eventBridgeEvent.json");
            List<SendMessageBatchRequestEntry> batch = new ArrayList<>();
            for (int e = 0; e < EVENTBRIDGE; e++) {
                ObjectNode event = sample.deepCopy();
                event.put("id", tag + "-eb-" + e);
                expected.add("eventbridge:" + tag + "-eb-" + e); // the kind the webhook body names, and the envelope id
                batch.add(SendMessageBatchRequestEntry.builder().id("e" + e).messageBody(event.toString()).build());
                if (batch.size() == 10) {
                    List<SendMessageBatchRequestEntry> entries = List.copyOf(batch);
                    chain.sqs().sendMessageBatch(r -> r.queueUrl(chain.queueUrl).entries(entries));
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                chain.sqs().sendMessageBatch(r -> r.queueUrl(chain.queueUrl).entries(batch));
            }
            Instant loaded = Instant.now();
            assertEquals(0, expected.size() % EVENTS, "every id new");
            return loaded;
        }

        /**
         * Waits until a third of the events were accepted and this instance is delivering: a CloudTrail file of it
         * half-delivered and, when {@code requestInFlight}, a request of it at the receiver.
         */
        void awaitMidRun(String id, boolean requestInFlight, int acceptedBefore) throws InterruptedException {
            Instant deadline = Instant.now().plusSeconds(60);
            while (Instant.now().isBefore(deadline)) {
                if (receiver.acceptedEvents() - acceptedBefore >= EVENTS / 3 && !receiver.partialObjects(id).isEmpty()
                        && (!requestInFlight || receiver.inProgress(id) > 0)) {
                    return;
                }
                Thread.sleep(2);
            }
            throw new AssertionError("instance " + id + " never delivering with a file half-done; split "
                    + receiver.eventsPerInstance() + "; log " + dir);
        }

        void awaitEverythingDelivered() throws InterruptedException {
            Eventually.within(Duration.ofSeconds(60), "every event accepted and the queue empty; logs in " + dir,
                    () -> receiver.acceptedPerEvent().keySet().containsAll(expected) && chain.messagesIn(chain.queueUrl) == 0);
            Thread.sleep(1500); // anything sent twice would have arrived by now
        }

        void assertNoneLostNoneTwice(String context) throws Exception {
            Map<String, Integer> counts = receiver.acceptedPerEvent();
            assertEquals(expected, counts.keySet(), "0 lost, nothing else delivered");
            Map<String, Integer> twice = new TreeMap<>(counts);
            twice.values().removeIf(n -> n == 1);
            assertEquals(Map.of(), twice, "0 delivered twice " + context + "; logs in " + dir);
            assertEquals(0, chain.messagesIn(chain.deadLetterQueueUrl), "nothing dead-lettered");
        }

        /** The dedup keys ({@code kind:id}) in the table for the destination: what was recorded as accepted. */
        Set<String> recorded() {
            String prefix = "event#" + NAMESPACE + "/" + DESTINATION + "/";
            Set<String> keys = new HashSet<>();
            for (Map<String, AttributeValue> item : dynamo.scanPaginator(r -> r.tableName(table).consistentRead(true)).items()) {
                String pk = item.get("pk").s();
                if (pk.startsWith(prefix)) {
                    keys.add(pk.substring(prefix.length()));
                }
            }
            return keys;
        }

        /** SIGTERM to the instances still running, and a wait for them to stop. */
        void stopSurvivors() throws InterruptedException {
            for (Instance instance : new Instance[] {a, b}) {
                if (instance != null && instance.process().isAlive()) {
                    instance.process().destroy();
                    assertTrue(instance.process().waitFor(60, TimeUnit.SECONDS), instance.id() + " stops on SIGTERM");
                }
            }
        }

        @Override
        public void close() {
            for (Instance instance : new Instance[] {a, b}) {
                if (instance != null) {
                    instance.process().destroyForcibly();
                }
            }
            receiver.close();
            chain.close();
        }
    }

    /** One running jar. */
    record Instance(String id, Process process, Path log, int management) {
        private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

        void awaitReady() throws InterruptedException {
            Eventually.within(Duration.ofSeconds(90), "instance " + id + " ready; log " + log, () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("instance " + id + " exited " + process.exitValue() + "; log " + log);
                }
                return get("/observe/health/ready") != null;
            });
        }

        /** The sum of a Prometheus counter's series whose labels include {@code label="value"}. */
        double metric(String name, String label, String value) {
            String body = get("/observe/metrics");
            if (body == null) {
                throw new AssertionError("instance " + id + " does not answer /observe/metrics; log " + log);
            }
            Pattern line = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
            Matcher m = line.matcher(body);
            double sum = 0;
            while (m.find()) {
                if (m.group(1).contains(label + "=\"" + value + "\"")) {
                    sum += Double.parseDouble(m.group(2));
                }
            }
            return sum;
        }

        /** The body of a 200 answer on the management port; null when it answers otherwise or not at all. */
        private String get(String path) {
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + management + path)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                return response.statusCode() == 200 ? response.body() : null;
            } catch (IOException e) {
                return null; // starting, or gone
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    static byte[] cloudTrailFile(List<JsonNode> records) throws IOException {
        ArrayNode array = Fixtures.JSON.createArrayNode();
        records.forEach(r -> array.add(((ObjectNode) r.deepCopy()).put("recipientAccountId", ACCOUNT).put("awsRegion", REGION)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Fixtures.JSON.writeValue(bytes, Fixtures.JSON.createObjectNode().set("Records", array));
        return DemoSamples.gzip(bytes.toByteArray());
    }

    // ---- SQS as SQS behaves

    /**
     * moto_server's SQS behind a lock on {@code ReceiveMessage}, for both instances. moto 5.2.1's
     * {@code receive_message} checks a message's visibility and marks it received without a lock, and a sent message
     * wakes every long poll waiting on the queue at once: two instances long-polling one queue then both receive the
     * same message, now and then (seen in 1 of about 6 runs here: one EventBridge message processed by both, its event
     * accepted twice). SQS hides a received message from other receives; a standard queue may still hand a message out
     * twice on rare occasions (at-least-once), and the DynamoDB store holds no claims, so that costs a duplicate
     * (docs/operations.md, "Several replicas on one queue"). Serialising the receives makes the emulator behave as SQS
     * normally does, so the duplicates this test counts are the kills', not moto's. Everything else is forwarded as is.
     */
    static final class SerializedReceives implements AutoCloseable {
        private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length", "expect",
                "upgrade", "transfer-encoding");
        private final HttpServer server;
        private final ExecutorService threads = Executors.newCachedThreadPool();
        private final HttpClient client = HttpClient.newHttpClient();
        private final java.util.concurrent.locks.ReentrantLock receiving = new java.util.concurrent.locks.ReentrantLock(true);
        private final URI target;
        final AtomicInteger receives = new AtomicInteger();

        SerializedReceives(URI target) throws IOException {
            this.target = target;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
            server.createContext("/", this::forward);
            server.setExecutor(threads);
            server.start();
        }

        URI endpoint() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        private void forward(HttpExchange exchange) throws IOException {
            try {
                byte[] body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = in.readAllBytes();
                }
                HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                        .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
                exchange.getRequestHeaders().forEach((name, values) -> {
                    if (!NOT_FORWARDED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                        values.forEach(v -> request.header(name, v));
                    }
                });
                boolean receive = "AmazonSQS.ReceiveMessage".equals(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
                HttpResponse<byte[]> response;
                if (receive) {
                    receives.incrementAndGet();
                    receiving.lock();
                    try {
                        response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                    } finally {
                        receiving.unlock();
                    }
                } else {
                    response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                }
                response.headers().map().forEach((name, values) -> {
                    if (!NOT_FORWARDED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                        values.forEach(v -> exchange.getResponseHeaders().add(name, v));
                    }
                });
                byte[] out = response.body();
                exchange.sendResponseHeaders(response.statusCode(), out.length == 0 ? -1 : out.length);
                exchange.getResponseBody().write(out);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.sendResponseHeaders(502, -1);
            } finally {
                exchange.close();
            }
        }

        @Override
        public void close() {
            server.stop(0);
            threads.shutdownNow();
        }
    }

    // ---- the receiver

    /**
     * A webhook receiver that answers each request after {@code rttMillis} (many at once, unlike the demo's
     * {@code WebhookReceiver}, which answers one request at a time), keeps what it accepted before answering (as a
     * real receiver commits before it answers), and knows the sender from the path ({@code /events/<instance>}).
     * {@link #freeze} holds an instance's further requests unanswered until {@link #thaw}, which answers them 503: the
     * instance never had an answer, so they were never accepted. {@link #closeGate} holds every request, unanswered,
     * until {@link #openGate} (then they are answered as usual).
     */
    static final class Receiver implements AutoCloseable {

        record Delivery(String instance, String webhookId, List<String> keys, Instant answeredAt) {
        }

        private final HttpServer server;
        private final ExecutorService threads = Executors.newCachedThreadPool();
        private final long rttMillis;
        private final List<Delivery> accepted = new CopyOnWriteArrayList<>();
        private final Map<String, AtomicInteger> inProgress = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> held = new ConcurrentHashMap<>();
        private final Set<String> frozen = ConcurrentHashMap.newKeySet();
        private final CountDownLatch thawed = new CountDownLatch(1);
        private volatile CountDownLatch gate = new CountDownLatch(0);

        Receiver(long rttMillis) throws IOException {
            this.rttMillis = rttMillis;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
            server.createContext("/", this::handle);
            server.setExecutor(threads);
            server.start();
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/events");
        }

        private void handle(HttpExchange exchange) throws IOException {
            String path = exchange.getRequestURI().getPath();
            String instance = path.substring(path.lastIndexOf('/') + 1);
            AtomicInteger busy = inProgress.computeIfAbsent(instance, k -> new AtomicInteger());
            busy.incrementAndGet();
            try {
                byte[] body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = in.readAllBytes();
                }
                gate.await(120, TimeUnit.SECONDS);
                Thread.sleep(rttMillis);
                if (frozen.contains(instance)) {
                    held.computeIfAbsent(instance, k -> new AtomicInteger()).incrementAndGet();
                    thawed.await(120, TimeUnit.SECONDS);
                    exchange.sendResponseHeaders(503, -1);
                    return;
                }
                List<String> keys = new ArrayList<>();
                for (JsonNode event : Fixtures.JSON.readTree(body)) {
                    keys.add(event.path("kind").asText() + ":" + event.path("id").asText());
                }
                accepted.add(new Delivery(instance, exchange.getRequestHeaders().getFirst("webhook-id"), keys, Instant.now()));
                exchange.sendResponseHeaders(200, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
                busy.decrementAndGet();
            }
        }

        /** Requests from now on wait (unanswered, still in progress) until {@link #openGate}. */
        void closeGate() {
            gate = new CountDownLatch(1);
        }

        void openGate() {
            gate.countDown();
        }

        void freeze(String instance) {
            frozen.add(instance);
        }

        void thaw() throws InterruptedException {
            thawed.countDown();
            Eventually.within(Duration.ofSeconds(10), "held requests answered",
                    () -> frozen.stream().allMatch(instance -> inProgress(instance) == 0));
        }

        int inProgress(String instance) {
            AtomicInteger n = inProgress.get(instance);
            return n == null ? 0 : n.get();
        }

        int held(String instance) {
            AtomicInteger n = held.get(instance);
            return n == null ? 0 : n.get();
        }

        /** Events accepted, every acceptance counted. */
        int acceptedEvents() {
            return accepted.stream().mapToInt(d -> d.keys().size()).sum();
        }

        /** Per event key, how many times it was accepted. */
        Map<String, Integer> acceptedPerEvent() {
            Map<String, Integer> counts = new TreeMap<>();
            accepted.forEach(d -> d.keys().forEach(k -> counts.merge(k, 1, Integer::sum)));
            return counts;
        }

        Set<String> acceptedFrom(String instance) {
            return accepted.stream().filter(d -> d.instance().equals(instance)).flatMap(d -> d.keys().stream())
                    .collect(Collectors.toCollection(TreeSet::new));
        }

        Set<String> acceptedFromAfter(String instance, Instant after) {
            return accepted.stream().filter(d -> d.instance().equals(instance) && d.answeredAt().isAfter(after))
                    .flatMap(d -> d.keys().stream()).collect(Collectors.toCollection(TreeSet::new));
        }

        /** Events accepted per instance (every acceptance counted). */
        Map<String, Integer> eventsPerInstance() {
            Map<String, Integer> split = new TreeMap<>();
            accepted.forEach(d -> split.merge(d.instance(), d.keys().size(), Integer::sum));
            return split;
        }

        /**
         * The CloudTrail files (by their eventID prefix) of which the receiver accepted some but not all events from
         * this instance, and how many. A file is one SQS message: one instance at a time delivers it.
         */
        Map<String, Integer> partialObjects(String instance) {
            Map<String, Integer> perObject = new TreeMap<>();
            for (String key : acceptedFrom(instance)) {
                if (key.startsWith("cloudtrail:")) {
                    perObject.merge(key.substring(0, key.lastIndexOf('-')), 1, Integer::sum);
                }
            }
            perObject.values().removeIf(n -> n >= PER_OBJECT);
            return perObject;
        }

        /**
         * The requests that carried an event accepted before, but under a webhook-id never accepted before: a
         * duplicate a receiver deduplicating by webhook-id would not catch. Empty when every repeat is a resent part.
         */
        List<String> duplicateRequestsWithNewWebhookId() {
            Set<String> seenKeys = new HashSet<>();
            Set<String> seenIds = new HashSet<>();
            List<String> out = new ArrayList<>();
            for (Delivery d : accepted) {
                boolean repeats = d.keys().stream().anyMatch(seenKeys::contains);
                if (repeats && !seenIds.contains(d.webhookId())) {
                    out.add(d.instance() + " " + d.webhookId() + " " + d.keys());
                }
                seenKeys.addAll(d.keys());
                seenIds.add(d.webhookId());
            }
            return out;
        }

        @Override
        public void close() {
            thawed.countDown();
            gate.countDown();
            server.stop(0);
            threads.shutdownNow();
        }
    }
}
