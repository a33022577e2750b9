package dev.trailrouter.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import dev.trailrouter.event.CloudTrailEvents;
import dev.trailrouter.event.Event;
import dev.trailrouter.event.FindingEvents;
import dev.trailrouter.event.Origin;
import dev.trailrouter.support.Fixtures;
import dev.trailrouter.support.Payloads;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;

class SnsTemplateTest {

    private static final Origin AT = Origin.ofMessage("q", "m");

    @Test
    void severityIsTheFindingsOwnOrTheCallsResult() throws Exception {
        JsonNode hub = Fixtures.JSON.readTree(Fixtures.text("securityhub_findings/test-securityhub-findings.line1.log"));
        assertEquals(hub.get("Severity").get("Label").asText().toLowerCase(), SnsTemplate.severity(FindingEvents.securityHub(hub, AT)));
        List<String> guardDuty = Payloads.lines("guardduty/test-guardduty.log");
        JsonNode high = Fixtures.JSON.readTree(guardDuty.get(1));
        JsonNode medium = Fixtures.JSON.readTree(guardDuty.get(0));
        assertEquals(8, high.get("severity").asInt());
        assertEquals("high", SnsTemplate.severity(FindingEvents.guardDuty(high, AT)));
        assertEquals(5, medium.get("severity").asInt());
        assertEquals("medium", SnsTemplate.severity(FindingEvents.guardDuty(medium, AT)));
        String[] logins = Fixtures.text("cloudtrail/test-console-login-json.log").split("\n");
        List<String> severities = new ArrayList<>();
        for (String line : logins) {
            JsonNode record = Fixtures.JSON.readTree(line);
            severities.add(SnsTemplate.severity(CloudTrailEvents.fromRecord(record, AT)));
            assertEquals(record.has("errorCode") ? "error" : "info", severities.get(severities.size() - 1));
        }
    }

    @Test
    void aBatchStaysUnderPublishBatchsTotalSizeLimit() throws Exception {
        JsonNode record = Fixtures.JSON.readTree(Fixtures.text("cloudtrail/test-console-login-json.log").split("\n")[0]);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ObjectNode big = record.deepCopy();
            big.put("eventID", "e" + i);
            big.putObject("requestParameters").put("policy", "é".repeat(40_000)); // 80 KB of UTF-8, 40k chars
            events.add(CloudTrailEvents.fromRecord(big, AT.atIndex(i)));
        }
        List<List<PublishBatchRequestEntry>> batches = SnsTemplate.batches(Fixtures.JSON, events, "arn:aws:sns:us-east-1:111122223333:t", false);
        int entries = 0;
        for (List<PublishBatchRequestEntry> batch : batches) {
            int bytes = batch.stream().mapToInt(e -> SnsTemplate.utf8Length(e.message())).sum();
            assertTrue(bytes <= SnsTemplate.MAX_BYTES, bytes + " bytes in one PublishBatch");
            assertTrue(batch.size() <= 10);
            entries += batch.size();
        }
        assertEquals(10, entries, "every event published, none shortened to its summary (each fits on its own)");
        assertTrue(batches.size() >= 4, "80 KB each: at most 2 per request");
    }
}
