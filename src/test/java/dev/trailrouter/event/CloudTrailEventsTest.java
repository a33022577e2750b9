package dev.trailrouter.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.trailrouter.support.Fixtures;

class CloudTrailEventsTest {

    private static final Origin AT = Origin.ofMessage("q", "m").atObject("b", "k");

    private static JsonNode firstLine(String fixture) throws Exception {
        return Fixtures.JSON.readTree(Fixtures.text(fixture).strip().split("\n")[0]);
    }

    @Test
    void serviceCallerIsTheActorWhenThereIsNoPrincipalArn() throws Exception {
        // elastic/integrations: AssumeRole called by the EC2 service
        Event event = CloudTrailEvents.fromRecord(firstLine("cloudtrail/test-assume-role-aws-service-json.log"), AT.atIndex(0));
        assertEquals("ec2.amazonaws.com", event.actor());
        assertEquals("AssumeRole", event.name());
        assertEquals("sts.amazonaws.com", event.service());
    }

    @Test
    void recordWithoutEventIdGetsAStableHashOfOriginAndContent() throws Exception {
        // elastic/beats create-user sample has no eventID
        JsonNode record = firstLine("cloudtrail/beats__create-user-json.log");
        assertNull(record.get("eventID"));
        Event a = CloudTrailEvents.fromRecord(record, AT.atIndex(3));
        Event again = CloudTrailEvents.fromRecord(record.deepCopy(), Origin.ofMessage("q", "redelivered").atObject("b", "k").atIndex(3));
        Event elsewhere = CloudTrailEvents.fromRecord(record, AT.atIndex(4));
        assertTrue(a.id().startsWith("sha256:"));
        assertEquals(a.id(), again.id());
        assertNotEquals(a.id(), elsewhere.id());
    }

    @Test
    void serialisesInTheDocumentedFieldOrder() throws Exception {
        Event event = CloudTrailEvents.fromRecord(firstLine("cloudtrail/test-console-login-json.log"), AT.atIndex(0));
        String json = Fixtures.JSON.writeValueAsString(event);
        assertTrue(json.startsWith("{\"id\":\"3fcfb182-98f8-4744-bd45-10aEXAMPLE\",\"time\":\"2014-07-16T15:49:27Z\","
                + "\"kind\":\"cloudtrail\""), json);
        assertTrue(json.contains("\"origin\":{\"queue\":\"q\",\"messageId\":\"m\",\"bucket\":\"b\",\"key\":\"k\",\"index\":0}"), json);
        assertTrue(json.endsWith(",\"detail\":" + firstLine("cloudtrail/test-console-login-json.log") + "}"), json);
    }
}
