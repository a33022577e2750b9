package dev.trailrouter.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

import dev.trailrouter.event.Event;
import dev.trailrouter.event.Origin;
import dev.trailrouter.decode.RejectedInputException;
import dev.trailrouter.support.Fixtures;
import dev.trailrouter.support.Payloads;

class CloudWatchPayloadsTest {

    private final CloudWatchPayloads payloads = new CloudWatchPayloads(Fixtures.JSON);
    private static final Origin AT = Origin.ofMessage("q", "m");

    @Test
    void lambdaEventWithGzipData() {
        // aws-lambda-dotnet logs-event sample
        JsonNode payload = payloads.decode(Fixtures.json("envelopes/aws_aws-lambda-dotnet__logs-event.json"));
        List<Event> events = payloads.events(payload, AT);
        assertEquals(payload.get("logEvents").size(), events.size());
        Event first = events.get(0);
        assertEquals("cloudwatch-log", first.kind());
        assertEquals(payload.get("logEvents").get(0).get("id").asText(), first.id());
        assertEquals(payload.get("logGroup").asText(), first.origin().logGroup());
        assertEquals(payload.get("logStream").asText(), first.origin().logStream());
        assertEquals(payload.get("logEvents").get(0), first.detail());
    }

    @Test
    void zlibDataAsSomeForwardersSendIt() {
        // aws-powertools sample whose data is zlib, not gzip
        JsonNode payload = payloads.decode(Fixtures.json("envelopes/aws-powertools_powertools-lambda-python__cloudWatchLogEventWithPolicyLevel.json"));
        assertEquals("DATA_MESSAGE", payload.get("messageType").asText());
    }

    @Test
    void realApplicationLogPayloadsDecodeFromForwarderMessagesAndBareBase64() throws Exception {
        for (JsonNode dataMessage : Payloads.cherwegDataMessages()) {
            JsonNode forwarded = Fixtures.JSON.readTree(Payloads.forwarderMessage(dataMessage));
            assertEquals(dataMessage, payloads.decode(forwarded));
            assertEquals(dataMessage, payloads.decode(TextNode.valueOf(Payloads.gzipBase64(dataMessage.toString()))));
            List<Event> events = payloads.events(dataMessage, AT);
            assertEquals(27, events.size());
            assertTrue(events.stream().allMatch(e -> e.kind().equals("cloudwatch-log")), "JSON app logs are not CloudTrail");
        }
    }

    @Test
    void cloudTrailRecordsInTheOrgTrailLogGroupBecomeCloudTrailEvents() {
        JsonNode payload = Payloads.cloudTrailDataMessage("111122223333_CloudTrail_us-east-2", "cloudtrail/test-console-login-json.log");
        List<Event> events = payloads.events(payloads.decode(payload), AT);
        assertEquals(3, events.size());
        Event first = events.get(0);
        assertEquals("cloudtrail", first.kind());
        assertEquals("3fcfb182-98f8-4744-bd45-10aEXAMPLE", first.id());
        assertEquals("ConsoleLogin", first.name());
        assertEquals("aws-cloudtrail-logs-111122223333", first.origin().logGroup());
    }

    /**
     * A log line holding a number no BigDecimal holds is a line of text like any other; the payload is not failed.
     * With trailrouter's own mapper (BigDecimal for floats, as in production: the fixtures' plain mapper reads it as
     * a double, Infinity, and would not show it).
     */
    @Test
    void aLogLineWithANumberNoTypeHoldsIsDeliveredAsText() {
        CloudWatchPayloads production = new CloudWatchPayloads(JsonLimits.objectMapper());
        JsonNode payload = production.decode(Fixtures.json("envelopes/aws_aws-lambda-dotnet__logs-event.json")).deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) payload.get("logEvents").get(0)).put("message", "{\"v\":1e2147483648}");
        List<Event> events = production.events(payload, AT);
        assertEquals(payload.get("logEvents").size(), events.size());
        assertEquals("cloudwatch-log", events.get(0).kind());
        assertEquals("{\"v\":1e2147483648}", events.get(0).detail().get("message").asText());
    }

    @Test
    void controlMessageIsRecognised() {
        JsonNode control = payloads.decode(Fixtures.json("envelopes/vectordotdev_vector__remap.yaml__cloudwatch_CONTROL_MESSAGE.json"));
        assertTrue(CloudWatchPayloads.isControl(control));
    }

    @Test
    void malformedPayloadsAreRejected() {
        assertEquals("malformed-cloudwatch-payload", assertThrows(RejectedInputException.class,
                () -> payloads.decode(TextNode.valueOf("bm90IGd6aXAgYXQgYWxsLCBqdXN0IHRleHQ="))).reason());
        assertEquals("malformed-cloudwatch-payload", assertThrows(RejectedInputException.class,
                () -> payloads.decode(Fixtures.JSON.readTree("{\"messageType\":\"SOMETHING\"}"))).reason());
        assertEquals("malformed-cloudwatch-payload", assertThrows(RejectedInputException.class,
                () -> payloads.decode(Fixtures.JSON.readTree("{\"messageType\":\"DATA_MESSAGE\"}"))).reason());
    }
}
