package dev.trailrouter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trailrouter.demo.MotoServer;
import dev.trailrouter.demo.WebhookReceiver;
import dev.trailrouter.intake.backfill.BackfillRequest;
import dev.trailrouter.support.Fixtures;
import dev.trailrouter.support.PackagedJar;
import dev.trailrouter.support.Payloads;
import dev.trailrouter.support.RecordingProxy;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code java -jar target/trailrouter.jar backfill …} against the emulator's S3 holding a bucket laid out like an
 * organization trail: organization o-abc123defg, two accounts, two regions, five days (2026-10-31 to 2026-11-04), four
 * log files a day per account and region, digest files beside them, another organization's folder and an unrelated
 * folder, a note dropped into a day folder and a file with a CloudTrail name that is not a log. The records are the
 * nine real records of {@code cloudtrail/beats__awss3-testdata-aws-cloudtrail.first9records.ndjson}, each file's with
 * its own eventID, eventTime (1, 3 and 6 minutes before the file's key time), account and region. The window is
 * [2026-11-01T00:00Z, 2026-11-04T00:00Z): the 00:05 file of 11-01 holds a record of 10-31 and the 00:05 file of 11-04
 * one of 11-03, so the edges are exercised both ways.
 */
class BackfillIT {

    static final String BUCKET = "org-trail-logs";
    static final String PREFIX = "AWSLogs/o-abc123defg/";
    static final List<String> ACCOUNTS = List.of("111122223333", "444455556666");
    static final List<String> REGIONS = List.of("eu-west-1", "us-east-1");
    static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");
    static final Instant TO = Instant.parse("2026-11-04T00:00:00Z");
    static final String NOTE = PREFIX + "111122223333/CloudTrail/us-east-1/2026/11/02/notes.txt";
    static final String NOT_A_LOG = PREFIX + "444455556666/CloudTrail/eu-west-1/2026/11/03/"
            + "444455556666_CloudTrail_eu-west-1_20261103T1200Z_broken.json.gz";
    static final DateTimeFormatter KEY_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);

    static MotoServer moto;
    static S3Client s3;
    /** Event ids whose eventTime is in the window: exactly what a destination must receive. */
    static final Set<String> expected = new TreeSet<>();
    static final Map<String, String> objectOf = new HashMap<>();
    static int logFilesInWindow;

    @TempDir
    Path tmp;

    @BeforeAll
    static void layOutTheBucket() throws Exception {
        moto = MotoServer.start();
        s3 = S3Client.builder().endpointOverride(moto.endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .build();
        s3.createBucket(b -> b.bucket(BUCKET));
        List<String> records = Payloads.lines("cloudtrail/beats__awss3-testdata-aws-cloudtrail.first9records.ndjson");
        int n = 0;
        for (String account : ACCOUNTS) {
            for (String region : REGIONS) {
                for (LocalDate day = LocalDate.parse("2026-10-31"); !day.isAfter(LocalDate.parse("2026-11-04"));
                     day = day.plusDays(1)) {
                    for (String hhmm : List.of("00:05", "08:00", "16:00", "23:55")) {
                        Instant keyTime = Instant.parse(day + "T" + hhmm + ":00Z");
                        String id = Long.toString(keyTime.getEpochSecond(), 36) + account.substring(0, 4)
                                + region.replace("-", "");
                        String key = PREFIX + account + "/CloudTrail/" + region + "/"
                                + day.toString().replace('-', '/') + "/" + account + "_CloudTrail_" + region + "_"
                                + KEY_TIME.format(keyTime) + "_" + id + ".json.gz";
                        ArrayNode file = Fixtures.JSON.createArrayNode();
                        for (int minutesBefore : new int[] {1, 3, 6}) {
                            ObjectNode record = (ObjectNode) Fixtures.JSON.readTree(records.get(n++ % records.size()));
                            Instant time = keyTime.minusSeconds(60L * minutesBefore);
                            String eventId = "bf-" + account + "-" + region + "-" + time.getEpochSecond();
                            record.put("eventID", eventId).put("eventTime", time.toString())
                                    .put("recipientAccountId", account).put("awsRegion", region);
                            file.add(record);
                            objectOf.put(eventId, key);
                            if (!time.isBefore(FROM) && time.isBefore(TO)) {
                                expected.add(eventId);
                            }
                        }
                        if (!keyTime.isBefore(FROM) && keyTime.isBefore(TO.plus(Duration.ofMinutes(15)))) {
                            logFilesInWindow++;
                        }
                        put(key, gzip(Fixtures.JSON.createObjectNode().set("Records", file).toString()));
                        String digest = PREFIX + account + "/CloudTrail-Digest/" + region + "/"
                                + day.toString().replace('-', '/') + "/" + account + "_CloudTrail-Digest_" + region
                                + "_org-trail_" + region + "_" + KEY_TIME.format(keyTime).replace("Z", "00Z") + ".json.gz";
                        put(digest, gzip("{\"awsAccountId\":\"" + account + "\",\"logFiles\":[]}"));
                    }
                }
            }
        }
        put("AWSLogs/o-zzzzzzzzzz/999988887777/CloudTrail/us-east-1/2026/11/02/"
                + "999988887777_CloudTrail_us-east-1_20261102T1200Z_other.json.gz", gzip("{\"Records\":[]}"));
        put("exports/2026/11/02/report.csv", "a,b\n".getBytes(StandardCharsets.UTF_8));
        put(NOTE, "rotated the trail's KMS key today\n".getBytes(StandardCharsets.UTF_8));
        put(NOT_A_LOG, gzip("this is not a CloudTrail log file\n"));
        assertEquals(4 * 36, expected.size(), "the layout's arithmetic");
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    record Run(int exit, String output) {
    }

    private Path routes(URI siem, URI other, String extra) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("routes/destinations"));
        for (var d : Map.of("siem", siem, "other", other).entrySet()) {
            Files.writeString(dir.resolve(d.getKey() + ".yaml"), """
                    - templatedRoute:
                        routeTemplateRef: webhook
                        routeId: dest-%s
                        parameters:
                          - { name: name, value: %s }
                          - { name: url, value: "%s" }
                    %s""".formatted(d.getKey(), d.getKey(), d.getValue(), extra));
        }
        return dir.getParent();
    }

    private ProcessBuilder backfill(URI endpoint, Path routes, List<String> properties, String... args) {
        List<String> command = new ArrayList<>(properties);
        command.addAll(List.of("-jar", PackagedJar.JAR.toAbsolutePath().toString(), "backfill", "--bucket", BUCKET,
                "--prefix", PREFIX));
        List<String> given = List.of(args);
        if (!given.contains("--from")) {
            command.addAll(List.of("--from", "2026-11-01T00:00Z"));
        }
        if (!given.contains("--to")) {
            command.addAll(List.of("--to", "2026-11-04T00:00Z"));
        }
        command.addAll(given);
        ProcessBuilder builder = PackagedJar.java(tmp.resolve("out-" + System.nanoTime() + ".log"),
                command.toArray(String[]::new)).directory(tmp.toFile());
        Map<String, String> env = builder.environment();
        env.put("AWS_ENDPOINT_URL", endpoint.toString());
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "testing");
        env.put("AWS_SECRET_ACCESS_KEY", "testing");
        env.put("TRAILROUTER_ROUTES_DIR", routes.toString());
        env.put("TRAILROUTER_STATE_DIR", tmp.resolve("state").toString()); // the checkpoint the tests read
        return builder;
    }

    /** Dedup on, the file store in the run's state directory (PackagedJar turns it off by default). */
    private static ProcessBuilder withDedup(ProcessBuilder builder) {
        builder.environment().put("TRAILROUTER_STATE_STORE", "file");
        return builder;
    }

    private static Run finish(ProcessBuilder builder, Process process) throws Exception {
        boolean ended = process.waitFor(3, TimeUnit.MINUTES);
        if (!ended) {
            process.destroyForcibly();
        }
        String output = Files.readString(builder.redirectOutput().file().toPath());
        assertTrue(ended, "backfill ends by itself:\n" + output);
        return new Run(process.exitValue(), output);
    }

    private static Run run(ProcessBuilder builder) throws Exception {
        return finish(builder, builder.start());
    }

    /** The prefixes of the ListObjectsV2 calls the proxy saw. */
    private static List<String> listedPrefixes(RecordingProxy proxy) {
        List<String> prefixes = new ArrayList<>();
        for (RecordingProxy.Recorded r : proxy.requests) {
            if (r.method().equals("GET") && r.path().contains("list-type=2")) {
                String query = r.path().substring(r.path().indexOf('?') + 1);
                String prefix = "";
                for (String pair : query.split("&")) {
                    if (pair.startsWith("prefix=")) {
                        prefix = URLDecoder.decode(pair.substring(7), StandardCharsets.UTF_8);
                    }
                }
                prefixes.add(prefix);
            }
        }
        return prefixes;
    }

    private static Set<String> windowDayFolders() {
        Set<String> folders = new TreeSet<>();
        for (String account : ACCOUNTS) {
            for (String region : REGIONS) {
                for (String day : List.of("01", "02", "03", "04")) {
                    folders.add(PREFIX + account + "/CloudTrail/" + region + "/2026/11/" + day + "/");
                }
            }
        }
        return folders;
    }

    private static List<String> ids(WebhookReceiver receiver) {
        return ContractSupport.events(receiver.accepted()).stream().map(e -> e.path("id").asText()).toList();
    }

    @Test
    void aThreeDayWindowDeliversExactlyItsRecordsToTheChosenDestinationListingOnlyTheWindowsFolders() throws Exception {
        SqsClient sqs = SqsClient.builder().endpointOverride(moto.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .build();
        String dlq = sqs.createQueue(b -> b.queueName("backfill-rejected")).queueUrl();
        try (WebhookReceiver siem = new WebhookReceiver(); WebhookReceiver other = new WebhookReceiver();
             RecordingProxy proxy = new RecordingProxy(moto.endpoint())) {
            Path routes = routes(siem.url(), other.url(), "");
            List<String> properties = List.of("-Dtrailrouter.backfill.dead-letter-queue-url=" + dlq);
            Run run = run(backfill(proxy.endpoint(), routes, properties, "--destination", "siem"));
            assertEquals(0, run.exit(), run.output());

            List<String> delivered = ids(siem);
            assertEquals(expected, new TreeSet<>(delivered), "exactly the window's records");
            assertEquals(delivered.size(), new HashSet<>(delivered).size(), "each once");
            assertTrue(other.requests().isEmpty(), "--destination siem: nothing sent to 'other'");

            // listing: the organization's folder and each account's CloudTrail folder with a delimiter, then each
            // day folder of the window (11-04 too: its 00:05 files may hold records of 11-03); never the bucket,
            // the digests, another organization, or a day outside the window
            List<String> listed = listedPrefixes(proxy);
            Set<String> allowed = new TreeSet<>(windowDayFolders());
            allowed.add(PREFIX);
            ACCOUNTS.forEach(a -> allowed.add(PREFIX + a + "/CloudTrail/"));
            assertEquals(allowed, new TreeSet<>(listed), "listed prefixes");
            assertEquals(allowed.size(), listed.size(), "one call each (under 1,000 keys a folder): " + listed);
            List<String> fetched = proxy.requests.stream().filter(r -> r.method().equals("GET")
                    && !r.path().contains("list-type=2") && r.path().startsWith("/" + BUCKET + "/")).map(r -> URLDecoder
                    .decode(r.path().substring(BUCKET.length() + 2).replaceAll("\\?.*", ""), StandardCharsets.UTF_8))
                    .distinct().toList();
            assertEquals(logFilesInWindow + 1, fetched.size(), "the window's log files and the misnamed one: " + fetched);
            assertFalse(fetched.stream().anyMatch(k -> k.contains("Digest") || k.equals(NOTE)), fetched.toString());

            // the two bad objects went to the DLQ with their reasons; the rest was not held up
            var messages = sqs.receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(10).messageAttributeNames("All"))
                    .messages();
            Map<String, String> reasons = messages.stream().collect(Collectors.toMap(
                    m -> readTree(m.body()).path("key").asText(),
                    m -> m.messageAttributes().get("trailrouter-reason").stringValue()));
            assertEquals(Map.of(NOTE, "not-cloudtrail", NOT_A_LOG, "unrecognised-object"), reasons);

            String summary = run.output().lines().filter(l -> l.contains("backfill complete:")).findFirst().orElse("");
            assertTrue(summary.contains((logFilesInWindow + 2) + " objects, " + expected.size() + " events"), summary);
            assertTrue(summary.contains("2 rejected objects dead-lettered"), summary);
            assertTrue(summary.contains(allowed.size() + " listing calls over 16 day folders"), summary);

            // the same command again: complete already, nothing listed or delivered again
            int before = siem.requests().size();
            proxy.requests.clear();
            Run again = run(backfill(proxy.endpoint(), routes, properties, "--destination", "siem"));
            assertEquals(0, again.exit(), again.output());
            assertTrue(again.output().contains("backfill already complete"), again.output());
            assertEquals(before, siem.requests().size());
            assertEquals(List.of(), listedPrefixes(proxy));
        } finally {
            sqs.close();
        }
    }

    /**
     * kill -9 midway, then the same command again on the same state directory with dedup on (the file store): every
     * record of the window accepted exactly once. The objects settled after the checkpoint's last write are read again
     * by the resumed run, and the destination's dedup drops the events it had accepted; the object in flight at the
     * kill is held by the receiver and answered 503 ({@link KilledClientAnswers}), so the killed process never learnt
     * of it and it is delivered (once) by the resumed run.
     */
    @Test
    void killedMidwayAndResumedWithDedupLosesNothingAndDeliversNothingTwice() throws Exception {
        try (WebhookReceiver siem = new WebhookReceiver(); WebhookReceiver other = new WebhookReceiver();
             RecordingProxy proxy = new RecordingProxy(moto.endpoint())) {
            KilledClientAnswers answers = new KilledClientAnswers(logFilesInWindow / 3, 250);
            siem.respondWith(answers);
            Path routes = routes(siem.url(), other.url(), "");
            ProcessBuilder first = withDedup(backfill(proxy.endpoint(), routes, List.of(), "--destination", "siem",
                    "--concurrency", "2"));
            Process process = first.start();
            try {
                assertTrue(answers.holding(Duration.ofSeconds(90)), "a third of the objects delivered");
            } finally {
                process.destroyForcibly(); // SIGKILL: no shutdown hook, no last checkpoint
                assertTrue(process.waitFor(10, TimeUnit.SECONDS));
                answers.killed();
            }
            Set<String> acceptedBeforeKill = new HashSet<>(ids(siem));
            int deliveredBeforeKill = siem.accepted().size();
            assertTrue(deliveredBeforeKill < logFilesInWindow, "killed midway: " + deliveredBeforeKill);

            Path checkpoint;
            try (var files = Files.list(tmp.resolve("state"))) {
                checkpoint = files.filter(f -> f.toString().endsWith(".checkpoint")).findFirst().orElseThrow();
            }
            JsonNode saved = Fixtures.JSON.readTree(Files.readString(checkpoint));
            String watermark = saved.path("watermark").asText(null);
            assertNotNull(watermark, "the checkpoint moved before the kill: " + saved);
            assertFalse(saved.path("complete").asBoolean());

            siem.respondWith(n -> WebhookReceiver.Answer.of(200));
            proxy.requests.clear();
            Run resumed = run(withDedup(backfill(proxy.endpoint(), routes, List.of(), "--destination", "siem")));
            assertEquals(1, resumed.exit(), "complete, but two rejected objects reported: " + resumed.output());
            assertTrue(resumed.output().contains("resumes after " + watermark), resumed.output());
            assertTrue(resumed.output().contains("2 rejected objects (no dead-letter queue): "), resumed.output());
            assertTrue(resumed.output().contains(NOTE + " (not-cloudtrail)"), resumed.output());
            assertTrue(resumed.output().contains(NOT_A_LOG + " (unrecognised-object)"), resumed.output());

            List<String> delivered = ids(siem);
            assertEquals(expected, new TreeSet<>(delivered), "0 lost, nothing outside the window");
            Map<String, Long> counts = delivered.stream().collect(Collectors.groupingBy(id -> id, Collectors.counting()));
            Map<String, Long> twice = counts.entrySet().stream().filter(e -> e.getValue() > 1)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            assertEquals(Map.of(), twice, "0 duplicates with dedup on");
            // what the resumed run read again although it had been accepted before the kill (objects after the
            // watermark): without dedup these would have been delivered twice
            Set<String> readAgain = new TreeSet<>();
            for (RecordingProxy.Recorded r : proxy.requests) {
                if (r.method().equals("GET") && !r.path().contains("list-type=2")) {
                    String key = URLDecoder.decode(r.path().substring(BUCKET.length() + 2).replaceAll("\\?.*", ""),
                            StandardCharsets.UTF_8);
                    objectOf.forEach((id, object) -> {
                        if (object.equals(key) && acceptedBeforeKill.contains(id)) {
                            readAgain.add(id);
                        }
                    });
                }
            }
            System.out.printf("backfill kill -9 after %d of %d objects' requests; resumed: %d events accepted once each, "
                    + "%d events accepted before the kill read again and dropped by dedup%n", deliveredBeforeKill,
                    logFilesInWindow, delivered.size(), readAgain.size());
            // the resumed run listed no day folder that was settled before the watermark's
            String watermarkFolder = watermark.substring(0, watermark.lastIndexOf('/') + 1);
            for (String prefix : listedPrefixes(proxy)) {
                if (windowDayFolders().contains(prefix)) {
                    assertTrue(prefix.compareTo(watermarkFolder) >= 0, prefix + " listed again, watermark " + watermark);
                }
            }
            assertTrue(proxy.requests.stream().anyMatch(r -> r.path().contains("start-after=")),
                    "the watermark's folder is listed from the watermark on");
        }
    }

    @Test
    void misuseExitsTwoWithTheReasonAndAnUnknownDestinationIsOneLineNamingTheDeclaredOnes() throws Exception {
        try (WebhookReceiver siem = new WebhookReceiver(); WebhookReceiver other = new WebhookReceiver()) {
            Path routes = routes(siem.url(), other.url(), "");
            Run backwards = run(backfill(moto.endpoint(), routes, List.of(), "--to", "2026-10-01T00:00Z"));
            assertEquals(2, backwards.exit(), backwards.output());
            assertTrue(backwards.output().contains(
                    "--from 2026-11-01T00:00:00Z must be before --to 2026-10-01T00:00:00Z"), backwards.output());
            Run notATime = run(backfill(moto.endpoint(), routes, List.of(), "--from", "yesterday"));
            assertEquals(2, notATime.exit(), notATime.output());
            assertTrue(notATime.output().contains("--from 'yesterday' is not an ISO-8601 time"), notATime.output());

            Run unknown = run(backfill(moto.endpoint(), routes, List.of(), "--destination", "siem,sime"));
            assertEquals(1, unknown.exit(), unknown.output());
            List<String> errors = unknown.output().lines().filter(l -> l.contains(" ERROR ")).toList();
            assertEquals(1, errors.size(), unknown.output());
            assertTrue(errors.get(0).endsWith("backfill not started: no destination named sime (declared: other, siem)"),
                    errors.get(0));
            assertTrue(siem.requests().isEmpty() && other.requests().isEmpty());
        }
    }

    @Test
    void anUnreadableCheckpointIsOneClearErrorAndNothingIsDelivered() throws Exception {
        try (WebhookReceiver siem = new WebhookReceiver(); WebhookReceiver other = new WebhookReceiver()) {
            Path routes = routes(siem.url(), other.url(), "");
            String name = new BackfillRequest(BUCKET, PREFIX, FROM, TO, Duration.ofMinutes(15), Set.of(), Set.of(),
                    Set.of("siem"), 4, 3).checkpointName();
            Files.createDirectories(tmp.resolve("state"));
            Files.writeString(tmp.resolve("state").resolve(name + ".checkpoint"), "{\"watermark\": \"AWSLogs/o-abc");
            Run run = run(backfill(moto.endpoint(), routes, List.of(), "--destination", "siem"));
            assertEquals(1, run.exit(), run.output());
            List<String> errors = run.output().lines().filter(l -> l.contains(" ERROR ")).toList();
            assertEquals(1, errors.size(), run.output());
            assertTrue(errors.get(0).contains("backfill not started: checkpoint '" + name + "' cannot be read"),
                    errors.get(0));
            assertFalse(run.output().contains("\tat "), run.output());
            assertTrue(siem.requests().isEmpty());
        }
    }

    @Test
    void aDestinationThatKeepsFailingIsRetriedWithBackoffThenTheRunStopsNonZeroWithTheCheckpointWhereItWas()
            throws Exception {
        try (WebhookReceiver siem = new WebhookReceiver(); WebhookReceiver other = new WebhookReceiver()) {
            siem.respondWith(n -> WebhookReceiver.Answer.of(503));
            Path routes = routes(siem.url(), other.url(), "      - { name: maxRetries, value: \"1\" }\n"
                    + "      - { name: initialDelayMillis, value: \"50\" }\n");
            Run run = run(backfill(moto.endpoint(), routes,
                    List.of("-Dtrailrouter.backfill.attempts=2"), "--destination", "siem", "--concurrency", "1"));
            assertEquals(1, run.exit(), run.output());
            assertTrue(run.output().contains("attempt 1 of 2 failed"), run.output());
            assertTrue(run.output().contains("failed after 2 attempt(s): destination siem"), run.output());
            assertTrue(run.output().contains("kept: the same command resumes"), run.output());
            Path checkpoint;
            try (var files = Files.list(tmp.resolve("state"))) {
                checkpoint = files.filter(f -> f.toString().endsWith(".checkpoint")).findFirst().orElseThrow();
            }
            JsonNode saved = Fixtures.JSON.readTree(Files.readString(checkpoint));
            assertTrue(saved.path("watermark").isNull(), "no object settled: " + saved);
            // the first attempt: the webhook's own try and its one retry; then the destination counts as down and
            // gives each unit one try (deliver/DeliveryFailures): the backfill's second attempt, after its backoff
            List<WebhookReceiver.Request> requests = siem.requests();
            assertEquals(3, requests.size(), run.output());
            assertTrue(Duration.between(requests.get(1).at(), requests.get(2).at()).toMillis() >= 900,
                    "the second attempt waited for the backoff: " + requests.stream().map(r -> r.at().toString()).toList());
        }
    }

    private static JsonNode readTree(String json) {
        try {
            return Fixtures.JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    private static void put(String key, byte[] body) {
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(body));
    }

    private static byte[] gzip(String text) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
