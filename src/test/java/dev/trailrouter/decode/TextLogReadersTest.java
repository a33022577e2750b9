package dev.trailrouter.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.trailrouter.demo.DemoSamples;
import dev.trailrouter.event.Event;
import dev.trailrouter.event.Origin;
import dev.trailrouter.decode.RejectedInputException;
import dev.trailrouter.support.Fixtures;
import dev.trailrouter.support.Payloads;

/**
 * Non-CloudTrail objects, from the real samples in src/test/resources/fixtures. The flow-log samples are record lines
 * only (elastic's pipeline tests feed lines); AWS writes a header line naming the fields first, so the tests add the
 * header of the documented format the lines are in.
 */
class TextLogReadersTest {

    static final String V2_HEADER = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";
    static final String V5_HEADER = V2_HEADER + " vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id"
            + " sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path";

    private static List<Event> read(String key, String content) throws Exception {
        Origin origin = Origin.ofMessage("q", "m").atObject("logs-bucket", key);
        List<Event> events = new ArrayList<>();
        try (EventBatches batches = ObjectStreams.batches(new ByteArrayInputStream(DemoSamples.gzip(
                content.getBytes(StandardCharsets.UTF_8))), Long.MAX_VALUE, 100, origin)) {
            batches.forEachRemaining(events::addAll);
        }
        return events;
    }

    @Test
    void vpcFlowLogVersion2() throws Exception {
        String key = "AWSLogs/123456789010/vpcflowlogs/eu-west-1/2016/10/31/123456789010_vpcflowlogs_eu-west-1_fl-1_20161031T1155Z_abc.log.gz";
        List<Event> events = read(key, V2_HEADER + "\n" + Fixtures.text("vpcflow/test-extra-samples.log"));
        assertEquals(Payloads.lines("vpcflow/test-extra-samples.log").size(), events.size());
        Event first = events.get(0);
        assertEquals("vpcflow", first.kind());
        assertEquals("123456789010", first.account());
        assertEquals("eu-west-1", first.region(), "from the key");
        assertEquals("ACCEPT", first.name());
        assertEquals("2001:db8:1234:a100:8d6e:3477:df66:f105", first.sourceIp());
        assertEquals("2016-10-31T11:35:08Z", first.time());
        assertEquals("22", first.detail().get("dstport").asText());
        assertEquals(2L, first.origin().index(), "line 2, after the header");
        Event noData = events.get(1);
        assertEquals("NODATA", noData.name());
        assertNull(noData.sourceIp());
        assertEquals("-", noData.detail().get("srcaddr").asText(), "values as written");
    }

    @Test
    void vpcFlowLogVersion5WithEveryField() throws Exception {
        List<Event> events = read("flow/v5.log.gz", V5_HEADER + "\n" + Fixtures.text("vpcflow/test-v5-all-fields.log"));
        Event event = events.get(0);
        assertEquals(29, event.detail().size());
        assertEquals("us-east-1", event.region(), "from the region field");
        assertEquals("REJECT", event.name());
        assertEquals("ingress", event.detail().get("flow-direction").asText());
    }

    @Test
    void customFlowLogFormat() throws Exception {
        List<Event> events = read("flow/custom.log.gz", "interface-id srcaddr action\neni-1235b8ca 10.0.1.5 ACCEPT\n");
        assertEquals("eni-1235b8ca", events.get(0).actor());
        assertEquals(3, events.get(0).detail().size());
    }

    /** A start past what an Instant holds: the record keeps no time (as "-"), it does not fail the object. */
    @Test
    void flowLogStartBeyondAnyInstantLeavesNoTime() throws Exception {
        String line = Payloads.lines("vpcflow/test-extra-samples.log").get(0);
        String[] fields = line.split(" ");
        fields[10] = "99999999999999999"; // start
        List<Event> events = read("flow/far.log.gz", V2_HEADER + "\n" + String.join(" ", fields) + "\n");
        assertEquals(1, events.size());
        assertNull(events.get(0).time());
        assertEquals("99999999999999999", events.get(0).detail().get("start").asText(), "the value as written");
    }

    @Test
    void flowLogLineThatDoesNotMatchItsHeaderIsRejected() {
        RejectedInputException e = assertThrows(RejectedInputException.class,
                () -> read("flow/bad.log.gz", V2_HEADER + "\n2 123 eni-1 ACCEPT\n"));
        assertEquals("malformed-object", e.reason());
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void cloudFrontStandardLog() throws Exception {
        String log = Fixtures.text("cloudfront_logs/test-cloudfront.log");
        List<Event> events = read("cloudfront/E2EXAMPLE.2019-12-04-21.abcdef12.gz", log);
        long requests = log.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).count();
        assertEquals(requests, events.size());
        Event first = events.get(0);
        assertEquals("cloudfront", first.kind());
        assertEquals("2019-12-04T21:02:31Z", first.time());
        assertEquals("89.160.20.112", first.sourceIp());
        assertEquals("GET", first.name());
        assertEquals("SOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==", first.id());
        assertTrue(first.detail().get("cs(User-Agent)").asText().startsWith("Mozilla/5.0%20"), "kept as written");
    }

    @Test
    void newlineDelimitedJsonOfFindingsAndRecords() throws Exception {
        List<Event> guardDuty = read("findings/guardduty.jsonl.gz", Fixtures.text("guardduty/test-guard_duty.first2lines.log"));
        assertEquals(2, guardDuty.size());
        assertTrue(guardDuty.stream().allMatch(e -> e.kind().equals("guardduty")));
        List<Event> securityHub = read("findings/sh.jsonl.gz", Fixtures.text("securityhub_findings/test-securityhub-findings.line1.log"));
        assertEquals("securityhub", securityHub.get(0).kind());
        List<Event> trail = read("export/trail.jsonl.gz", String.join("\n", Payloads.lines("cloudtrail/test-console-login-json.log")));
        assertEquals(3, trail.size());
        assertTrue(trail.stream().allMatch(e -> e.kind().equals("cloudtrail")));
        List<Event> other = read("export/app.jsonl.gz", "{\"level\":\"info\",\"msg\":\"started\"}\n{\"level\":\"warn\",\"msg\":\"slow\"}\n");
        assertEquals(List.of("json", "json"), other.stream().map(Event::kind).toList());
    }
}
