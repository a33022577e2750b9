package dev.trailrouter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trailrouter.demo.DemoSamples;
import dev.trailrouter.demo.MotoServer;
import dev.trailrouter.demo.S3NotificationChain;
import dev.trailrouter.demo.WebhookReceiver;
import dev.trailrouter.observe.PipelineMetrics;
import dev.trailrouter.support.CloudTrailLookupStandIn;
import dev.trailrouter.support.Fixtures;
import dev.trailrouter.support.PackagedJar;

/**
 * The same CloudTrail records arriving by three intakes at once, on one host and one state directory: the trail's
 * S3 → SNS → SQS chain on moto_server (a live instance consuming the queue), the LookupEvents poller of that same
 * instance (against {@link CloudTrailLookupStandIn}, moto has no LookupEvents), and a {@code backfill} process (the
 * packaged jar) over the same bucket and window. Two webhook destinations, each a real HTTP receiver counting what it
 * accepted per event id. With dedup on (the file store, shared by the two processes) every event reaches each
 * destination once; the same run with {@code trailrouter.state.store=none} delivers each event once per intake, three
 * times, which shows the test can fail.
 *
 * <p>Records: the real records of fixtures/cloudtrail/ that {@link LookupPollerTest#records} reads
 * (test-console-login-json.log, beats__create-user-json.log, test-assume-role-aws-service-json.log,
 * beats__awss3-testdata-aws-cloudtrail.first9records.ndjson), each with its own eventID and an eventTime in the last
 * minutes (LookupEvents is about time), written ten to a CloudTrail log file keyed the way CloudTrail keys them.
 */
class OverlapIT {

    static final int EVENTS = 120;
    static final int PER_OBJECT = 10;
    static final String ACCOUNT = "111122223333";
    static final String REGION = "us-east-1";
    static final List<String> DESTINATIONS = List.of("siem", "other");
    private static final DateTimeFormatter KEY_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);

    @TempDir
    Path tmp;

    @Test
    void theSameRecordsBySqsByThePollerAndByABackfillReachEachDestinationOnce() throws Exception {
        try (MotoServer moto = MotoServer.start()) {
            Map<String, Map<String, Integer>> withDedup = run(moto, "file");
            for (String destination : DESTINATIONS) {
                Map<String, Integer> counts = withDedup.get(destination);
                assertEquals(EVENTS, counts.size(), destination + ": none lost with dedup: " + counts);
                assertTrue(counts.values().stream().allMatch(n -> n == 1),
                        destination + ": each event once with dedup: " + counts);
            }
            Map<String, Map<String, Integer>> without = run(moto, "none");
            for (String destination : DESTINATIONS) {
                Map<String, Integer> counts = without.get(destination);
                assertEquals(EVENTS, counts.size(), destination + ": none lost without dedup");
                assertTrue(counts.values().stream().allMatch(n -> n == 3),
                        destination + ": without dedup each event once per intake: " + counts);
            }
        }
    }

    /** One run of the three intakes with this store; per destination, per event id, how many times it was accepted. */
    private Map<String, Map<String, Integer>> run(MotoServer moto, String store) throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<JsonNode> records = LookupPollerTest.records("ov-" + store, EVENTS, now.minusSeconds(240),
                now.minusSeconds(60));
        Path state = tmp.resolve("state-" + store);
        try (S3NotificationChain chain = S3NotificationChain.create(moto.endpoint(), "overlap-" + store, 30, 5);
             CloudTrailLookupStandIn api = new CloudTrailLookupStandIn();
             WebhookReceiver siem = new WebhookReceiver(); WebhookReceiver other = new WebhookReceiver()) {
            Map<String, WebhookReceiver> receivers = Map.of("siem", siem, "other", other);
            // slow receivers: the three intakes' deliveries are in flight at the same time
            receivers.values().forEach(r -> r.respondWith(n -> WebhookReceiver.Answer.slow(200, 40)));
            Path routes = routes(receivers, store);
            for (int i = 0; i < EVENTS; i += PER_OBJECT) {
                List<JsonNode> part = records.subList(i, i + PER_OBJECT);
                Instant last = Instant.parse(part.get(PER_OBJECT - 1).path("eventTime").asText());
                Instant written = last.plus(1, ChronoUnit.MINUTES);
                chain.put("AWSLogs/" + ACCOUNT + "/CloudTrail/" + REGION + "/" + DAY.format(written) + "/" + ACCOUNT
                        + "_CloudTrail_" + REGION + "_" + KEY_TIME.format(written) + "_ov" + store + i + ".json.gz",
                        cloudTrailObject(part));
            }
            records.forEach(r -> api.add(r, Instant.EPOCH));
            Eventually.within(Duration.ofSeconds(30), "the notifications queued",
                    () -> chain.messagesIn(chain.queueUrl) >= EVENTS / PER_OBJECT); // and the s3:TestEvent

            Path backfillLog = tmp.resolve("backfill-" + store + ".log");
            ProcessBuilder backfill = PackagedJar.java(backfillLog, "-jar", PackagedJar.JAR.toAbsolutePath().toString(),
                    "backfill", "--bucket", chain.bucket, "--from", now.minusSeconds(300).toString(), "--to",
                    now.toString()).directory(tmp.toFile());
            Map<String, String> env = backfill.environment();
            env.put("AWS_ENDPOINT_URL", moto.endpoint().toString());
            env.put("AWS_REGION", REGION);
            env.put("AWS_ACCESS_KEY_ID", "testing");
            env.put("AWS_SECRET_ACCESS_KEY", "testing");
            env.put("TRAILROUTER_ROUTES_DIR", routes.toString());
            env.put("TRAILROUTER_STATE_STORE", store);
            env.put("TRAILROUTER_STATE_DIR", state.toString());
            Process process = backfill.start();
            try (RunningTrailRouter live = RunningTrailRouter.with().queue("orgtrail", chain.queueUrl).routesDir(routes)
                    .property("trailrouter.state.store", store)
                    .property("trailrouter.state.dir", state)
                    .property("trailrouter.cloudtrail-lookup.regions", REGION)
                    .property("trailrouter.cloudtrail-lookup.endpoint", api.endpoint())
                    .property("trailrouter.cloudtrail-lookup.start-time", now.minusSeconds(300).toString())
                    .property("trailrouter.cloudtrail-lookup.period", "1")
                    .property("trailrouter.cloudtrail-lookup.trailing-window", "PT10S")
                    .start(new Emulator(moto.endpoint()))) {
                assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the backfill ends; log " + backfillLog);
                assertEquals(0, process.exitValue(), Files.readString(backfillLog));
                Eventually.within(Duration.ofSeconds(45), "every event at both destinations, the queue empty, the "
                        + "poller's checkpoint past the records", () -> chain.messagesIn(chain.queueUrl) == 0
                        && receivers.values().stream().allMatch(r -> MotoDedupTest.deliveriesPerId(r).size() == EVENTS)
                        && Files.exists(state.resolve(LookupPollerTest.POLLER + ".checkpoint")));
                Thread.sleep(1500); // anything sent twice would have arrived by now
                PipelineMetrics metrics = LookupPollerTest.metrics(live);
                StringBuilder figures = new StringBuilder();
                for (String destination : DESTINATIONS) {
                    figures.append(String.format(" %s: %.0f suppressed by the live instance;", destination,
                            metrics.count("trailrouter.duplicates.suppressed", "destination", destination)));
                }
                System.out.printf("overlap store=%s: %d events by SQS, LookupEvents and backfill;%s backfill: %s%n",
                        store, EVENTS, figures, Files.readString(backfillLog).lines()
                                .filter(l -> l.contains("backfill complete")).findFirst().orElse("?"));
            } finally {
                process.destroyForcibly();
            }
            Map<String, Map<String, Integer>> out = new TreeMap<>();
            receivers.forEach((name, receiver) -> out.put(name, MotoDedupTest.deliveriesPerId(receiver)));
            Set<String> ids = LookupPollerTest.ids(records);
            out.values().forEach(counts -> assertEquals(ids, counts.keySet(), "exactly the records, store=" + store));
            return out;
        }
    }

    private Path routes(Map<String, WebhookReceiver> receivers, String store) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("routes-" + store + "/destinations"));
        for (var r : receivers.entrySet()) {
            Files.writeString(dir.resolve(r.getKey() + ".yaml"), """
                    - templatedRoute:
                        routeTemplateRef: webhook
                        routeId: dest-%s
                        parameters:
                          - { name: name, value: %s }
                          - { name: url, value: "%s" }
                          - { name: batchSize, value: "5" }
                    """.formatted(r.getKey(), r.getKey(), r.getValue().url()));
        }
        return dir.getParent();
    }

    private static byte[] cloudTrailObject(List<JsonNode> records) throws Exception {
        ArrayNode array = Fixtures.JSON.createArrayNode();
        records.forEach(r -> {
            ObjectNode record = r.deepCopy();
            record.put("recipientAccountId", ACCOUNT).put("awsRegion", REGION);
            array.add(record);
        });
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Fixtures.JSON.writeValue(bytes, Fixtures.JSON.createObjectNode().set("Records", array));
        return DemoSamples.gzip(bytes.toByteArray());
    }

    /** moto_server as every AWS client's endpoint of the live instance (the poller has its own endpoint). */
    record Emulator(URI endpoint) implements AwsEmulator {
        @Override
        public String name() {
            return "moto";
        }

        @Override
        public boolean fifoRedeliveryInOrder() {
            return false;
        }

        @Override
        public void close() {
        }
    }
}
