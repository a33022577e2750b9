package dev.trailrouter.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.trailrouter.demo.DemoSamples;
import dev.trailrouter.event.CloudTrailEvents;
import dev.trailrouter.event.Event;
import dev.trailrouter.event.RawJson;

/**
 * A CloudTrail log file's records read as their bytes ({@link RecordSlicer}) give the same Events as records built
 * into trees and normalised by {@link CloudTrailEvents#fromRecord} (how every record was read before): same fields and
 * ids, equal, same hash and text, and the same JSON byte for byte in every way trailrouter writes an Event (the webhook's
 * and archive's bytes, SNS's string, the CLI's pretty print, a tree). Inputs: every CloudTrail sample in
 * {@code src/test/resources/fixtures/cloudtrail/} (README.md there names their sources) and the three demo log files
 * (src/main/resources/demo/cloudtrail/SOURCES.md), each record's text as the sample wrote it; then hand-written records
 * for what the samples lack (float and large numbers, escapes, characters outside the BMP, repeated names).
 */
class RecordSlicerTest {

    private static final ObjectMapper JSON = ObjectStreams.JSON;
    private static final ObjectMapper PRETTY = JSON.copy().enable(SerializationFeature.INDENT_OUTPUT);

    @Test
    void everySampleRecordGivesTheSameEventAsItsTree() throws Exception {
        List<String> records = new ArrayList<>();
        try (var files = Files.list(Path.of("src/test/resources/fixtures/cloudtrail"))) {
            for (Path file : files.sorted().toList()) {
                records.addAll(recordTexts(Files.readString(file)));
            }
        }
        for (String demo : DemoSamples.FILES) {
            records.addAll(recordTexts(new String(DemoSamples.json(demo), StandardCharsets.UTF_8)));
        }
        assertTrue(records.size() >= 100, "the samples hold " + records.size() + " records");
        assertSameEvents(records);
    }

    @Test
    void aWebhookBodyIsWrittenFromTheBytesWithoutBuildingATree() throws Exception {
        List<String> records = new ArrayList<>();
        for (String demo : DemoSamples.FILES) {
            records.addAll(recordTexts(new String(DemoSamples.json(demo), StandardCharsets.UTF_8)));
        }
        List<Event> copied = copied(records);
        List<Event> trees = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            trees.add(CloudTrailEvents.fromRecord(JSON.readTree(records.get(i)), ObjectStreams.ORIGIN.atIndex(i)));
        }
        assertArrayEquals(JSON.writeValueAsBytes(trees), JSON.writeValueAsBytes(copied)); // as WebhookTemplate writes
        int fromBytes = 0;
        for (int i = 0; i < copied.size(); i++) {
            if (RawJson.canonical(records.get(i).getBytes(StandardCharsets.UTF_8), JSON)) {
                assertNull(detailTreeIfBuilt(copied.get(i)), "written from its bytes: " + copied.get(i).id());
                fromBytes++;
            }
        }
        assertTrue(fromBytes >= copied.size() - 4, fromBytes + " of " + copied.size());
        // a record holding 2.0, which its tree writes as 2: the bytes keep 2.0 and the tree is written
        Event twoPointZero = copied(List.of(record("\"responseElements\":{\"average\":2.0}"))).get(0);
        assertTrue(new String(JSON.writeValueAsBytes(twoPointZero), StandardCharsets.UTF_8).contains("\"average\":2}"));
        assertTrue(twoPointZero.detail().path("responseElements").path("average").isBigDecimal());
    }

    @Test
    void bytesAreWrittenAsTheyCameOnlyWhenTheTreeWritesThemAlike() throws Exception {
        int canonical = 0;
        List<String> records = new ArrayList<>();
        for (String demo : DemoSamples.FILES) {
            records.addAll(recordTexts(new String(DemoSamples.json(demo), StandardCharsets.UTF_8)));
        }
        for (String record : records) {
            byte[] bytes = record.getBytes(StandardCharsets.UTF_8);
            boolean asWritten = java.util.Arrays.equals(bytes, JSON.writeValueAsBytes(JSON.readTree(bytes)));
            assertEquals(asWritten, RawJson.canonical(bytes, JSON), record);
            canonical += asWritten ? 1 : 0;
        }
        assertTrue(canonical >= records.size() - 4, canonical + " of " + records.size() + " as CloudTrail wrote them");
        for (String other : List.of("{\"a\": 1}", "{\"a\":\"\\/\"}", "{\"a\":\"\\u0041\"}", "{\"a\":1.50}", "{\"a\":2.0}",
                "{\"a\":-0}", "{\"a\":\"\uD83D\uDE00\"}", "{\"a\":\"\\u001f\"}")) {
            byte[] bytes = other.getBytes(StandardCharsets.UTF_8);
            assertTrue(!RawJson.canonical(bytes, JSON), other);
        }
        for (String same : List.of("{\"a\":\"\\\"\\\\\\n\\t\\r\\b\\f é €\"}", "{\"a\":[-1,0,12345678901234567890,true,null,{},1.5,-0.25,1E+2]}")) {
            byte[] bytes = same.getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(bytes, JSON.writeValueAsBytes(JSON.readTree(bytes)), same);
            assertTrue(RawJson.canonical(bytes, JSON), same);
        }
    }

    @Test
    void aStringOverTheLimitIsRefusedAsATreeWouldRefuseIt() throws Exception {
        String record = record("\"responseElements\":{\"blob\":\"" + "a".repeat(JsonLimits.MAX_STRING_CHARS + 1) + "\"}");
        RejectedInputException e = org.junit.jupiter.api.Assertions.assertThrows(RejectedInputException.class,
                () -> copied(List.of(record)));
        assertEquals("record-too-large", e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("String value length"), e.getMessage());
        String atTheLimit = record("\"responseElements\":{\"blob\":\"" + "a".repeat(JsonLimits.MAX_STRING_CHARS) + "\"}");
        assertEquals(JsonLimits.MAX_STRING_CHARS, copied(List.of(atTheLimit)).get(0).detail()
                .path("responseElements").path("blob").asText().length());
    }

    /**
     * A float no BigDecimal holds (its exponent past an int) in a field the slicer would only skip: refused at decode,
     * as bad input, rather than left for the tree a destination builds (which threw NumberFormatException there, taken
     * for a transient failure and retried).
     */
    @Test
    void aNumberNoBigDecimalHoldsIsBadInputAtDecode() {
        String record = record("\"responseElements\":{\"ratio\":1e2147483648}");
        RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> copied(List.of(record)));
        RejectedInputException rejected = RejectedInputException.in(e);
        assertTrue(rejected != null, "bad input: " + e);
        assertEquals("malformed-value", rejected.reason(), rejected.getMessage());
        assertTrue(copiedQuietly(record("\"responseElements\":{\"ratio\":1.5e300}")), "a large exponent a BigDecimal holds is fine");
    }

    private static boolean copiedQuietly(String record) {
        try {
            return copied(List.of(record)).size() == 1;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aRecordOverTheRecordLimitIsRefusedWholeAndNotKept() throws Exception {
        String string = "a".repeat(JsonLimits.MAX_STRING_CHARS); // each within the string limit, five over 16 MiB
        StringBuilder fields = new StringBuilder("\"responseElements\":{");
        for (int i = 0; i < 5; i++) {
            fields.append(i == 0 ? "" : ",").append("\"s").append(i).append("\":\"").append(string).append('"');
        }
        String record = record(fields.append('}').toString());
        RejectedInputException e = org.junit.jupiter.api.Assertions.assertThrows(RejectedInputException.class,
                () -> copied(List.of(record)));
        assertEquals("record-too-large", e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("holds a record of more than 16 MiB"), e.getMessage());
    }

    @Test
    void numbersEscapesAndCharactersOutsideTheBmpAreWrittenAsTheTreeWritesThem() throws Exception {
        assertSameEvents(List.of(
                record("\"requestParameters\":{\"a\":1.50,\"b\":1e2,\"c\":-0.0,\"d\":0.0,\"e\":12345678901234567890123,"
                        + "\"f\":-0,\"g\":9223372036854775807,\"h\":2147483648,\"i\":1.0E-10,\"j\":3.141592653589793238462643383279}"),
                record("\"requestParameters\":{\"s\":\"a\\/b \\u00e9 \\u0001 \\t\\n \\\" \\\\ é € \uD83D\uDE00 \\ud83d\\ude00 \\ud800 x\"}"),
                record("\"requestParameters\":{\"list\":[1,\"two\",null,true,false,[],{},[{\"deep\":[[[]]]}]],\"empty\":{}}"),
                bare("\"eventName\":123,\"awsRegion\":true,\"sourceIPAddress\":1.50,\"readOnly\":\"true\","
                        + "\"recipientAccountId\":12,\"eventTime\":1.0E+3"),
                bare("\"eventName\":\"\",\"awsRegion\":null,\"eventSource\":{\"x\":1},\"readOnly\":false,\"eventTime\":[]"),
                "{\"eventVersion\":\"1.08\",\"userIdentity\":\"not an object\",\"eventID\":\"x-1\"}",
                "{\"eventVersion\":\"1.08\",\"eventID\":\"x-2\",\"userIdentity\":{\"arn\":\"\",\"userName\":null,"
                        + "\"principalId\":{\"no\":1},\"invokedBy\":\"svc\",\"accountId\":7},\"readOnly\":true}",
                "{\"eventVersion\":\"1.08\",\"eventID\":\"x-3\",\"userIdentity\":{\"sessionContext\":{\"arn\":\"nested\"}},"
                        + "\"x\":{\"userIdentity\":{\"arn\":\"not top level\"},\"eventName\":\"not top level\"}}",
                "  {  \"eventVersion\" : \"1.08\" ,\n \"eventID\" : \"x-4\" , \"a\" : [ 1 , 2 ] }"));
    }

    @Test
    void aRepeatedNameIsMergedAsTheTreeMergesIt() throws Exception {
        assertSameEvents(List.of(
                record("\"eventName\":\"First\",\"eventName\":\"Second\""),
                record("\"requestParameters\":{\"k\":1,\"other\":2,\"k\":{\"replaced\":true}}"),
                record("\"userIdentity\":{\"arn\":\"a\"},\"userIdentity\":{\"userName\":\"b\"}"),
                record("\"requestParameters\":{" + manyFields(40) + ",\"f7\":\"again\"}"),
                record("\"requestParameters\":{" + manyFields(40) + "},\"responseElements\":{" + manyFields(40) + "}")),
                false);
        // no repeat: names alike in different objects, or in an object after a long one, are not repeats
        assertSameEvents(List.of(
                record("\"requestParameters\":{" + manyFields(40) + "},\"responseElements\":{" + manyFields(40) + "}"),
                record("\"a\":{\"b\":{\"eventName\":1},\"c\":{\"eventName\":2}},\"d\":[{\"x\":1},{\"x\":2}]")));
    }

    @Test
    void aRecordWithoutAnEventIdKeepsItsContentHash() throws Exception {
        List<String> records = new ArrayList<>();
        for (String text : recordTexts(new String(DemoSamples.json(DemoSamples.FILES.get(0)), StandardCharsets.UTF_8))) {
            ObjectNode tree = (ObjectNode) JSON.readTree(text);
            tree.remove("eventID");
            records.add(tree.toString());
        }
        List<Event> copied = assertSameEvents(records);
        assertTrue(copied.get(0).id().startsWith("sha256:"), copied.get(0).id());
    }

    @Test
    void detailIsParsedOnceAndIsThenTheTreeEveryCallerSees() throws Exception {
        Event event = copied(List.of(record("\"requestParameters\":{\"a\":1}"))).get(0);
        JsonNode first = event.detail();
        assertSame(first, event.detail());
        ((ObjectNode) first).put("changed", true); // a caller that changes the tree changes what is written, as before
        assertTrue(new String(JSON.writeValueAsBytes(event), StandardCharsets.UTF_8).contains("\"changed\":true"));
    }

    @Test
    void eventsWithDifferentRecordsAreNotEqual() throws Exception {
        List<Event> events = copied(List.of(record("\"requestParameters\":{\"a\":1}"), record("\"requestParameters\":{\"a\":2}")));
        Event a = events.get(0);
        Event b = events.get(1);
        Event sameFieldsAsA = Event.withDetailJson(b.id(), b.time(), b.kind(), b.account(), b.region(), b.service(),
                b.name(), b.actor(), b.sourceIp(), b.readOnly(), a.origin(), JSON.writeValueAsBytes(b.detail()), true, JSON);
        assertNotEquals(a, sameFieldsAsA, "only detail differs");
        Event sameAsA = Event.withDetailJson(a.id(), a.time(), a.kind(), a.account(), a.region(), a.service(),
                a.name(), a.actor(), a.sourceIp(), a.readOnly(), a.origin(), PRETTY.writeValueAsBytes(a.detail()), false, JSON);
        assertEquals(a, sameAsA, "other bytes, the same record");
        assertEquals(a.hashCode(), sameAsA.hashCode());
    }

    /** Reads the records through the pipeline's reader and by trees, compares them, returns the copied ones. */
    private static List<Event> assertSameEvents(List<String> records) throws Exception {
        return assertSameEvents(records, true);
    }

    private static List<Event> assertSameEvents(List<String> records, boolean asBytes) throws Exception {
        List<Event> copied = copied(records, asBytes);
        assertEquals(records.size(), copied.size());
        for (int i = 0; i < records.size(); i++) {
            JsonNode tree = JSON.readTree(records.get(i));
            Event expected = CloudTrailEvents.fromRecord(tree, ObjectStreams.ORIGIN.atIndex(i));
            Event actual = copied.get(i);
            String where = "record " + i + ": " + records.get(i);
            assertArrayEquals(JSON.writeValueAsBytes(expected), JSON.writeValueAsBytes(actual), where);
            assertEquals(JSON.writeValueAsString(List.of(expected)), JSON.writeValueAsString(List.of(actual)), where);
            assertEquals(PRETTY.writeValueAsString(expected), PRETTY.writeValueAsString(actual), where);
            assertEquals(JSON.valueToTree(expected), JSON.<JsonNode>valueToTree(actual), where);
            assertEquals(expected.id(), actual.id(), where);
            assertEquals(expected.actor(), actual.actor(), where);
            assertEquals(expected.readOnly(), actual.readOnly(), where);
            assertEquals(expected, actual, where);
            assertEquals(actual, expected, where);
            assertEquals(expected.hashCode(), actual.hashCode(), where);
            assertEquals(expected.toString(), actual.toString(), where);
            assertEquals(expected.detail(), actual.detail(), where);
            // once the tree was asked for, it is what is written: still the same bytes
            assertArrayEquals(JSON.writeValueAsBytes(expected), JSON.writeValueAsBytes(actual), where);
            // read back, as a dead-letter replay reads them
            assertEquals(JSON.readValue(JSON.writeValueAsBytes(expected), Event.class),
                    JSON.readValue(JSON.writeValueAsBytes(actual), Event.class), where);
        }
        return copied;
    }

    private static List<Event> copied(List<String> records) throws Exception {
        return copied(records, true);
    }

    /** @param asBytes whether each event must hold its record as bytes (no tree built while reading) */
    private static List<Event> copied(List<String> records, boolean asBytes) throws Exception {
        String file = "{\"Records\":[" + String.join(",", records) + "]}";
        List<Event> events = new ArrayList<>();
        try (EventBatches batches = ObjectStreams.batches(DemoSamples.gzip(file.getBytes(StandardCharsets.UTF_8)),
                Long.MAX_VALUE, 7)) {
            while (batches.hasNext()) {
                events.addAll(batches.next());
            }
        }
        for (Event event : events) {
            if (asBytes) {
                assertNull(detailTreeIfBuilt(event), "read as bytes, no tree until asked: " + event.id());
            }
        }
        return events;
    }

    /** The tree an event holds without building one (its private field), to show the reader built none. */
    private static Object detailTreeIfBuilt(Event event) throws Exception {
        var field = Event.class.getDeclaredField("detail");
        field.setAccessible(true);
        return field.get(event);
    }

    /**
     * The text of every CloudTrail record in a sample as the sample wrote it: a record (or several, one per line or
     * concatenated), a log file's {@code Records}, or the {@code event}s of a list of test events.
     */
    static List<String> recordTexts(String text) throws IOException {
        List<String> out = new ArrayList<>();
        try (JsonParser p = JSON.getFactory().createParser(text)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.START_OBJECT) {
                    collect(p, text, out);
                }
            }
        }
        return out;
    }

    /** The parser at an object: the record itself, or where to look for records in it. */
    private static void collect(JsonParser p, String text, List<String> out) throws IOException {
        int start = (int) p.currentTokenLocation().getCharOffset();
        JsonNode tree = JSON.readTree(p);
        int end = (int) p.currentLocation().getCharOffset();
        if (tree.has("eventVersion")) {
            out.add(text.substring(start, end));
        } else if (tree.path("Records").isArray()) {
            try (JsonParser inner = JSON.getFactory().createParser(text.substring(start, end))) {
                inner.nextToken();
                while (inner.nextToken() == JsonToken.FIELD_NAME) {
                    String name = inner.currentName();
                    JsonToken value = inner.nextToken();
                    if (name.equals("Records") && value == JsonToken.START_ARRAY) {
                        while (inner.nextToken() == JsonToken.START_OBJECT) {
                            collect(inner, text.substring(start, end), out);
                        }
                    } else {
                        inner.skipChildren();
                    }
                }
            }
        } else if (tree.path("test_events").isArray()) {
            for (JsonNode test : tree.path("test_events")) {
                if (test.path("event").has("eventVersion")) {
                    out.add(test.path("event").toString());
                }
            }
        }
    }

    private static String record(String fields) {
        return "{\"eventVersion\":\"1.08\",\"eventTime\":\"2024-01-01T00:00:00Z\",\"eventSource\":\"s3.amazonaws.com\","
                + "\"eventName\":\"GetObject\",\"eventID\":\"" + Integer.toHexString(fields.hashCode()) + "\"," + fields + "}";
    }

    private static String bare(String fields) {
        return "{\"eventVersion\":\"1.08\",\"eventID\":\"" + Integer.toHexString(fields.hashCode()) + "\"," + fields + "}";
    }

    private static String manyFields(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":").append(i);
        }
        return s.toString();
    }
}
