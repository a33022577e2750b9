package dev.trailrouter.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.trailrouter.demo.DemoSamples;
import dev.trailrouter.event.Event;
import dev.trailrouter.decode.RejectedInputException;
import dev.trailrouter.support.Fixtures;

/** Uses the bundled CloudTrail log files, which hold real records (src/main/resources/demo/cloudtrail/SOURCES.md). */
class CloudTrailLogReaderTest {

    private static final long NO_CAP = Long.MAX_VALUE;
    private static final String INTEGRATIONS = DemoSamples.FILES.get(1); // 30 records

    private static List<Event> readAll(byte[] stored, long cap, int batchSize, List<Integer> sizes) throws Exception {
        List<Event> events = new ArrayList<>();
        try (EventBatches batches = ObjectStreams.batches(stored, cap, batchSize)) {
            while (batches.hasNext()) {
                List<Event> batch = batches.next();
                sizes.add(batch.size());
                events.addAll(batch);
            }
        }
        return events;
    }

    @Test
    void readsGzipRecognisedByMagicBytesNotByName() throws Exception {
        byte[] plain = DemoSamples.json(INTEGRATIONS);
        assertEquals(30, readAll(DemoSamples.gzip(plain), NO_CAP, 100, new ArrayList<>()).size());
        assertEquals(30, readAll(plain, NO_CAP, 100, new ArrayList<>()).size());
    }

    @Test
    void anEmptyObjectIsRejectedButAnEmptyRecordsArrayIsZeroEvents() throws Exception {
        for (byte[] empty : List.of(new byte[0], DemoSamples.gzip(new byte[0]), DemoSamples.gzip(" \n\r\n".getBytes()))) {
            RejectedInputException e = assertThrows(RejectedInputException.class,
                    () -> readAll(empty, NO_CAP, 100, new ArrayList<>()));
            assertEquals("empty-object", e.reason(), e.getMessage());
        }
        byte[] noRecords = "{\"Records\":[]}".getBytes(StandardCharsets.UTF_8);
        assertEquals(0, readAll(DemoSamples.gzip(noRecords), NO_CAP, 100, new ArrayList<>()).size(), "a log file of no calls");
        assertEquals(0, readAll(noRecords, NO_CAP, 100, new ArrayList<>()).size());
    }

    @Test
    void aHugeStringFieldIsBadInputNotATransientFailure() throws Exception {
        long started = System.nanoTime();
        RejectedInputException e = assertThrows(RejectedInputException.class, () -> {
            try (EventBatches batches = ObjectStreams.batches(ObjectStreams.oneRecordWithAStringOf(50L * 1024 * 1024), NO_CAP, 100)) {
                while (batches.hasNext()) {
                    batches.next();
                }
            }
        });
        assertEquals("record-too-large", e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("String value length"), e.getMessage());
        assertTrue(System.nanoTime() - started < 5_000_000_000L, "rejected at the limit, without reading 50 MB");
    }

    @Test
    void theJsonLimitsLeaveRoomForTheLargestRealRecords() throws Exception {
        // 1 MiB of text in one field: more than a CloudTrail record (about 100 KB of responseElements), an EventBridge
        // event (256 KiB) or a CloudWatch Logs event (1 MiB) can hold
        try (EventBatches batches = ObjectStreams.batches(ObjectStreams.oneRecordWithAStringOf(1024 * 1024), NO_CAP, 100)) {
            List<Event> events = batches.next();
            assertEquals(1024 * 1024, events.get(0).detail().path("responseElements").path("blob").asText().length());
        }
        String deep = "[".repeat(JsonLimits.MAX_NESTING_DEPTH + 1) + "]".repeat(JsonLimits.MAX_NESTING_DEPTH + 1);
        RejectedInputException e = assertThrows(RejectedInputException.class,
                () -> readAll(("{\"Records\":[{\"eventName\":\"Deep\",\"requestParameters\":" + deep + "}]}").getBytes(),
                        NO_CAP, 100, new ArrayList<>()));
        assertEquals("record-too-large", e.reason(), e.getMessage());
    }

    @Test
    void handsOutEventsInBatchesOfTheConfiguredSize() throws Exception {
        List<Integer> sizes = new ArrayList<>();
        readAll(DemoSamples.gzip(DemoSamples.json(INTEGRATIONS)), NO_CAP, 7, sizes);
        assertEquals(List.of(7, 7, 7, 7, 2), sizes);
    }

    @Test
    void eventDetailIsTheRecordUntouchedAndFieldsAreMapped() throws Exception {
        // elastic/integrations console-login sample: three records, one per line
        String[] lines = Fixtures.text("cloudtrail/test-console-login-json.log").strip().split("\n");
        byte[] file = ("{\"Records\":[" + String.join(",", lines) + "]}").getBytes(StandardCharsets.UTF_8);
        List<Event> events = readAll(DemoSamples.gzip(file), NO_CAP, 100, new ArrayList<>());
        assertEquals(3, events.size());
        Event first = events.get(0);
        assertEquals(Fixtures.JSON.readTree(lines[0]), first.detail());
        assertEquals("3fcfb182-98f8-4744-bd45-10aEXAMPLE", first.id());
        assertEquals("2014-07-16T15:49:27Z", first.time());
        assertEquals("cloudtrail", first.kind());
        assertEquals("111122223333", first.account());
        assertEquals("us-east-2", first.region());
        assertEquals("signin.amazonaws.com", first.service());
        assertEquals("ConsoleLogin", first.name());
        assertEquals("arn:aws:iam::111122223333:user/JohnDoe", first.actor());
        assertEquals("89.160.20.156", first.sourceIp());
        assertEquals("bucket", first.origin().bucket());
        assertEquals("AWSLogs/111122223333/CloudTrail/us-east-2/2014/07/16/f.json.gz", first.origin().key());
        assertEquals(List.of(0L, 1L, 2L), events.stream().map(e -> e.origin().index()).toList());
    }

    @Test
    void findsRecordsAfterOtherTopLevelFields() throws Exception {
        String line = Fixtures.text("cloudtrail/beats__create-user-json.log").strip();
        byte[] file = ("{\"Digest\":{\"a\":[1,{\"Records\":[]}]},\"Records\":[" + line + "],\"Trailer\":true}")
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(1, readAll(file, NO_CAP, 100, new ArrayList<>()).size());
    }

    @Test
    void emptyRecordsYieldsNoEvents() throws Exception {
        assertTrue(readAll(DemoSamples.gzip("{\"Records\":[]}".getBytes()), NO_CAP, 100, new ArrayList<>()).isEmpty());
    }

    @Test
    void contentWithoutRecordsIsRejectedBeforeAnyEvent() {
        RejectedInputException e = assertThrows(RejectedInputException.class,
                () -> ObjectStreams.batches(DemoSamples.gzip("{\"digestStartTime\":\"x\"}".getBytes()), NO_CAP, 100));
        assertEquals("not-cloudtrail", e.reason());
    }

    @Test
    void contentOfNoKnownFormatIsRejected() {
        byte[] text = "Dear operator,\nthis object is a letter, not a log.\n".getBytes(StandardCharsets.UTF_8);
        RejectedInputException e = assertThrows(RejectedInputException.class,
                () -> ObjectStreams.batches(DemoSamples.gzip(text), NO_CAP, 100));
        assertEquals("unrecognised-object", e.reason());
    }

    @Test
    void jsonThatIsNotJsonIsRejected() {
        RejectedInputException e = assertThrows(RejectedInputException.class,
                () -> readAll("{\"Records\": [ {\"eventVersion\": nope".getBytes(StandardCharsets.UTF_8), NO_CAP, 100, new ArrayList<>()));
        assertEquals("malformed-object", e.reason());
    }

    @Test
    void truncatedGzipIsRejected() {
        byte[] gz = DemoSamples.gzip(DemoSamples.json(INTEGRATIONS));
        byte[] truncated = Arrays.copyOf(gz, gz.length / 2);
        RejectedInputException e = assertThrows(RejectedInputException.class,
                () -> readAll(truncated, NO_CAP, 100, new ArrayList<>()));
        assertEquals("truncated-object", e.reason());
    }

    @Test
    void gzipWithBadChecksumIsRejectedEvenThoughEveryRecordParsed() {
        byte[] gz = DemoSamples.gzip(DemoSamples.json(INTEGRATIONS));
        gz[gz.length - 6] ^= 0x5a; // inside the CRC-32 of the trailer
        RejectedInputException e = assertThrows(RejectedInputException.class,
                () -> readAll(gz, NO_CAP, 100, new ArrayList<>()));
        assertEquals("corrupt-gzip", e.reason());
    }

    @Test
    void decompressedSizeOverTheCapIsRejected() {
        byte[] gz = DemoSamples.gzip(DemoSamples.json(INTEGRATIONS)); // 36 KB decompressed
        RejectedInputException e = assertThrows(RejectedInputException.class,
                () -> readAll(gz, 16 * 1024, 100, new ArrayList<>()));
        assertEquals("object-too-large", e.reason());
    }

    @Test
    void closingEarlyStopsIteration() throws Exception {
        EventBatches batches = ObjectStreams.batches(DemoSamples.gzip(DemoSamples.json(INTEGRATIONS)), NO_CAP, 5);
        assertTrue(batches.hasNext());
        assertEquals(5, batches.next().size());
        batches.close();
        assertFalse(batches.hasNext());
    }

    @Test
    void recordsThatAreNotObjectsAreRejected() {
        RejectedInputException e = assertThrows(RejectedInputException.class,
                () -> readAll("{\"Records\":[1,2]}".getBytes(), NO_CAP, 100, new ArrayList<>()));
        assertEquals("not-cloudtrail", e.reason());
    }
}
