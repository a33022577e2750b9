package dev.trailrouter.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.trailrouter.support.Fixtures;
import dev.trailrouter.support.Payloads;

/** EventBridge, Security Hub and GuardDuty normalisation, on real samples (src/test/resources/fixtures). */
class SourceEventsTest {

    private static final Origin AT = Origin.ofMessage("q", "m");

    @Test
    void cloudTrailThroughEventBridgeIsACloudTrailEvent() throws Exception {
        // cloud-custodian's CreateTags record, delivered as EventBridge delivers CloudTrail API calls
        JsonNode record = Fixtures.json("envelopes/cloud-custodian_cloud-custodian__event-cloud-trail-ec2-create-tags.json");
        List<Event> events = EventBridgeEvents.fromEnvelope(
                Payloads.eventBridge("aws.ec2", "AWS API Call via CloudTrail", record), AT);
        Event event = events.get(0);
        assertEquals("cloudtrail", event.kind());
        assertEquals("CreateTags", event.name());
        assertEquals("644160558196", event.account());
        assertEquals("us-west-2", event.region());
        assertEquals(false, event.readOnly());
        assertEquals(record, event.detail(), "the CloudTrail record, not the envelope");
    }

    /**
     * A finding without Region whose ProductArn has a blank partition: the SDK's Arn.tryFromString throws rather than
     * answering empty, which failed the whole message as if transient. The finding keeps no region.
     */
    @Test
    void aFindingWhoseProductArnIsNotAnArnHasNoRegion() throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode finding = (com.fasterxml.jackson.databind.node.ObjectNode)
                Fixtures.JSON.readTree(Fixtures.text("securityhub_findings/test-securityhub-findings.line1.log"));
        finding.remove("Region");
        finding.put("ProductArn", "arn::securityhub:us-east-1::product/aws/securityhub");
        Event event = FindingEvents.securityHub(finding, AT);
        assertNull(event.region());
        assertEquals(finding.get("Id").asText(), event.id());
        finding.put("ProductArn", "arn:aws:securityhub:eu-west-1::product/aws/securityhub");
        assertEquals("eu-west-1", FindingEvents.securityHub(finding, AT).region(), "a well-formed ARN still names it");
    }

    @Test
    void securityHubEventYieldsOneEventPerFinding() throws Exception {
        JsonNode finding = Fixtures.JSON.readTree(Fixtures.text("securityhub_findings/test-securityhub-findings.line1.log"));
        var detail = Fixtures.JSON.createObjectNode();
        detail.putArray("findings").add(finding).add(finding.deepCopy());
        List<Event> events = EventBridgeEvents.fromEnvelope(
                Payloads.eventBridge("aws.securityhub", "Security Hub Findings - Imported", detail), AT);
        assertEquals(2, events.size());
        Event event = events.get(0);
        assertEquals("securityhub", event.kind());
        assertEquals(finding.get("Id").asText(), event.id());
        assertEquals("111111111111", event.account());
        assertEquals(finding.get("Title").asText(), event.name());
        assertEquals(finding, event.detail());
        assertEquals(List.of(0L, 1L), events.stream().map(e -> e.origin().index()).toList());
    }

    @Test
    void guardDutyFindingThroughEventBridge() throws Exception {
        JsonNode finding = Fixtures.JSON.readTree(Payloads.lines("guardduty/test-guardduty.log").get(0));
        Event event = EventBridgeEvents.fromEnvelope(Payloads.eventBridge("aws.guardduty", "GuardDuty Finding", finding), AT).get(0);
        assertEquals("guardduty", event.kind());
        assertEquals("d6012345678912345678912349f831b8f", event.id());
        assertEquals("Trojan:EC2/BlackholeTraffic!DNS", event.name());
        assertEquals("123412341234", event.account());
        assertEquals("us-east-1", event.region());
        assertTrue(FindingEvents.isGuardDutyFinding(finding));
    }

    @Test
    void anyOtherEventBridgeEventIsKeptAsAGenericEvent() {
        JsonNode envelope = Fixtures.json("envelopes/aws-powertools_powertools-lambda-python__eventBridgeEvent.json");
        Event event = EventBridgeEvents.fromEnvelope(envelope, AT).get(0);
        assertEquals("eventbridge", event.kind());
        assertEquals(envelope.get("id").asText(), event.id());
        assertEquals(envelope.get("detail-type").asText(), event.name());
        assertEquals(envelope.get("source").asText(), event.service());
        assertEquals(envelope, event.detail(), "the whole envelope");
        assertNull(event.actor());
    }
}
