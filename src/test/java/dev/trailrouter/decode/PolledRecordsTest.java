package dev.trailrouter.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import dev.trailrouter.event.Event;
import dev.trailrouter.event.Origin;
import dev.trailrouter.support.Fixtures;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;

/**
 * The API pollers' records become the same Events as the same records read from a CloudTrail log file in S3.
 * Reads the CloudTrail records of fixtures/cloudtrail/ (test-console-login-json.log, beats__create-user-json.log,
 * test-assume-role-aws-service-json.log, beats__awss3-testdata-aws-cloudtrail.first9records.ndjson) and the LookupEvents
 * responses of fixtures/cloudtrail_lookup/.
 */
class PolledRecordsTest {

    private static final ObjectMapper JSON = JsonLimits.objectMapper();
    private static final Origin PAGE = Origin.ofMessage("cloudtrail-lookup-us-east-1", "page-1");
    private static final List<String> RECORD_FILES = List.of("cloudtrail/test-console-login-json.log",
            "cloudtrail/beats__create-user-json.log", "cloudtrail/test-assume-role-aws-service-json.log",
            "cloudtrail/beats__awss3-testdata-aws-cloudtrail.first9records.ndjson");

    static List<JsonNode> fixtureRecords() throws Exception {
        List<JsonNode> records = new ArrayList<>();
        for (String file : RECORD_FILES) {
            for (String line : Fixtures.text(file).split("\n")) {
                if (!line.isBlank()) {
                    records.add(JSON.readTree(line));
                }
            }
        }
        return records;
    }

    /** A LookupEvents event as the SDK unmarshals it: the record is its CloudTrailEvent string. */
    static software.amazon.awssdk.services.cloudtrail.model.Event apiEvent(JsonNode record) {
        return software.amazon.awssdk.services.cloudtrail.model.Event.builder()
                .eventId(record.path("eventID").asText(null)).eventName(record.path("eventName").asText())
                .eventSource(record.path("eventSource").asText())
                .eventTime(Instant.parse(record.path("eventTime").asText()))
                .cloudTrailEvent(record.toString()).build();
    }

    /** Everything but the origin, which says which intake read it. */
    static Event withoutOrigin(Event e) {
        return new Event(e.id(), e.time(), e.kind(), e.account(), e.region(), e.service(), e.name(), e.actor(),
                e.sourceIp(), e.readOnly(), null, e.detail());
    }

    @Test
    void aLookupEventsRecordIsTheSameEventAsTheSameRecordInAnS3LogFile() throws Exception {
        List<JsonNode> records = fixtureRecords();
        assertTrue(records.size() >= 14, "records read: " + records.size());
        // the S3 path: one CloudTrail log file holding the records, read by the live object reader
        var file = JSON.createObjectNode();
        file.putArray("Records").addAll(records);
        List<Event> fromS3 = new ArrayList<>();
        try (EventBatches batches = ObjectStreams.batches(new ByteArrayInputStream(
                file.toString().getBytes(StandardCharsets.UTF_8)), Long.MAX_VALUE, 100)) {
            batches.forEachRemaining(fromS3::addAll);
        }
        List<software.amazon.awssdk.services.cloudtrail.model.Event> api = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            var event = apiEvent(records.get(i));
            api.add(event.eventId() == null ? event.toBuilder().eventId("api-" + i).build() : event); // AWS always sends one
        }
        PolledRecords.Page page = new PolledRecords(JSON).lookupEvents(api, PAGE);

        assertEquals(List.of(), page.malformed());
        assertEquals(records.size(), page.events().size());
        int withoutEventId = 0;
        for (int i = 0; i < records.size(); i++) {
            Event s3 = fromS3.get(i);
            Event polled = page.events().get(i);
            if (!records.get(i).hasNonNull("eventID")) {
                // a 2014 record without eventID: from S3 its id hashes bucket, key and position, which the API cannot
                // know; from the API it is the API's EventId, the same at every re-read of the window
                withoutEventId++;
                assertEquals("api-" + i, polled.id());
                polled = new Event(s3.id(), polled.time(), polled.kind(), polled.account(), polled.region(),
                        polled.service(), polled.name(), polled.actor(), polled.sourceIp(), polled.readOnly(),
                        polled.origin(), polled.detail());
            }
            assertEquals(withoutOrigin(s3), withoutOrigin(polled), "record " + i);
            assertEquals(PAGE.atIndex(i), page.events().get(i).origin());
        }
        assertEquals("3fcfb182-98f8-4744-bd45-10aEXAMPLE", page.events().get(0).id(), "CloudTrail's eventID is the id");
        assertTrue(withoutEventId > 0 && withoutEventId < records.size(), "both kinds were compared: " + withoutEventId);
    }

    @Test
    void theRealLookupEventsResponsesDecodeToCloudTrailEventsWithTheApisEventId() throws Exception {
        for (String sample : List.of(
                "aws-samples_amazon-eks-security-immersion-day__4.eks-pod-identity-usecases_index.en.md__AssumeRoleForPodIdentity_3d93c2b6.json",
                "aws-samples_amazon-eks-security-immersion-day__4.eks-pod-identity-usecases_index.en.md__AssumeRoleForPodIdentity_d647586b.json",
                "aws_aws-cli__lookup-events.rst__Output.json")) {
            JsonNode response = JSON.readTree(Fixtures.text("cloudtrail_lookup/" + sample));
            List<software.amazon.awssdk.services.cloudtrail.model.Event> events = new ArrayList<>();
            for (JsonNode e : response.path("Events")) {
                events.add(software.amazon.awssdk.services.cloudtrail.model.Event.builder().eventId(e.path("EventId").asText())
                        .eventName(e.path("EventName").asText()).cloudTrailEvent(e.path("CloudTrailEvent").asText()).build());
            }
            PolledRecords.Page page = new PolledRecords(JSON).lookupEvents(events, PAGE);
            assertEquals(1, page.events().size(), sample);
            Event event = page.events().get(0);
            assertEquals(response.path("Events").path(0).path("EventId").asText(), event.id(), sample);
            assertEquals(response.path("Events").path(0).path("EventName").asText(), event.name(), sample);
            assertEquals("cloudtrail", event.kind());
            assertEquals(JSON.readTree(response.path("Events").path(0).path("CloudTrailEvent").asText()), event.detail());
        }
    }

    @Test
    void aRecordThatIsNotACloudTrailRecordIsMalformedWithItsReasonAndTheRestOfThePageIsDecoded() throws Exception {
        JsonNode good = fixtureRecords().get(0);
        var builder = software.amazon.awssdk.services.cloudtrail.model.Event.builder().eventName("ConsoleLogin");
        List<software.amazon.awssdk.services.cloudtrail.model.Event> page = List.of(
                builder.eventId("bad-json").cloudTrailEvent("{\"eventVersion\":\"1.08\",").build(),
                apiEvent(good),
                builder.eventId("not-object").cloudTrailEvent("[1,2]").build(),
                builder.eventId("no-fields").cloudTrailEvent("{\"eventVersion\":\"1.08\",\"eventName\":\"x\"}").build(),
                builder.eventId("missing").cloudTrailEvent(null).build());

        PolledRecords.Page decoded = new PolledRecords(JSON).lookupEvents(page, PAGE);

        assertEquals(1, decoded.events().size());
        assertEquals(good.path("eventID").asText(), decoded.events().get(0).id());
        assertEquals(List.of("bad-json", "not-object", "no-fields", "missing"),
                decoded.malformed().stream().map(PolledRecords.Malformed::id).toList());
        assertTrue(decoded.malformed().get(0).reason().startsWith("CloudTrailEvent is not JSON"), decoded.malformed().get(0).reason());
        assertEquals("CloudTrailEvent is not a JSON object", decoded.malformed().get(1).reason());
        assertTrue(decoded.malformed().get(2).reason().contains("not a CloudTrail record"));
        assertEquals("CloudTrailEvent is missing", decoded.malformed().get(3).reason());
        JsonNode raw = JSON.readTree(decoded.malformed().get(0).record());
        assertEquals("bad-json", raw.path("EventId").asText(), "the dead letter holds the record as the API returned it");
        assertEquals("{\"eventVersion\":\"1.08\",", raw.path("CloudTrailEvent").asText());
    }

    @Test
    void aFilteredLogEventHoldingACloudTrailRecordIsTheSameEventAsFromS3AndOtherMessagesAreLogEvents() throws Exception {
        JsonNode record = fixtureRecords().get(0);
        List<FilteredLogEvent> page = List.of(
                FilteredLogEvent.builder().eventId("36000000000000000000000000000000000000000000000000000001")
                        .logStreamName("111122223333_CloudTrail_us-east-2").timestamp(1405525767000L)
                        .message(record.toString()).build(),
                FilteredLogEvent.builder().eventId("36000000000000000000000000000000000000000000000000000002")
                        .logStreamName("i-0abc").timestamp(1405525768000L).message("{not json but a log line").build());

        PolledRecords.Page decoded = new PolledRecords(JSON).filteredLogEvents(page, "aws-cloudtrail-logs", "111122223333",
                Origin.ofMessage("orgtrail-logs", "p1"));

        Event trail = decoded.events().get(0);
        assertEquals(withoutOrigin(dev.trailrouter.event.CloudTrailEvents.fromRecord(record, null)), withoutOrigin(trail));
        assertEquals("aws-cloudtrail-logs", trail.origin().logGroup());
        assertEquals("111122223333_CloudTrail_us-east-2", trail.origin().logStream());
        Event log = decoded.events().get(1);
        assertEquals("cloudwatch-log", log.kind());
        assertEquals("36000000000000000000000000000000000000000000000000000002", log.id());
        assertEquals("111122223333", log.account());
        assertEquals("{not json but a log line", log.detail().path("message").asText());
        assertNotNull(log.time());
    }
}
