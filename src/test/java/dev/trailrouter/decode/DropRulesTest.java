package dev.trailrouter.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import dev.trailrouter.config.TrailRouterSettings;
import dev.trailrouter.demo.DemoSamples;
import dev.trailrouter.event.Event;
import dev.trailrouter.event.EventBridgeEvents;
import dev.trailrouter.event.Origin;
import dev.trailrouter.ledger.DeliveryLedger;
import dev.trailrouter.ledger.UnitKind;
import dev.trailrouter.observe.PipelineMetrics;
import dev.trailrouter.support.Fixtures;
import dev.trailrouter.support.Payloads;

/**
 * Intake drop rules on real records. The CloudTrail log file is the demo's
 * {@code 111122223333_CloudTrail_us-east-2_20200101T0000Z_integrations.json}: the 30 real records of elastic/integrations'
 * CloudTrail pipeline tests (shared/fixtures/cloudtrail/test-*.log, see its SOURCES.md), of which 3 are ConsoleLogin,
 * 3 have eventSource s3.amazonaws.com and 3 are readOnly: true (GetCallerIdentity, GetPasswordData,
 * ListDirectoryBuckets), no record being two of these.
 */
class DropRulesTest {

    private static final String INTEGRATIONS = "111122223333_CloudTrail_us-east-2_20200101T0000Z_integrations.json";
    private static final Origin AT = Origin.ofMessage("orgtrail", "m-1");

    static List<Event> integrationsRecords() throws Exception {
        return DocumentEvents.of(Fixtures.JSON.readTree(DemoSamples.json(INTEGRATIONS)), AT);
    }

    static TrailRouterSettings settings(String... keyValues) {
        DefaultCamelContext context = new DefaultCamelContext(); // built, never started: only its properties are read
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        context.getPropertiesComponent().setInitialProperties(properties);
        return new TrailRouterSettings(context);
    }

    static Map<String, Integer> dropCounts(DropRules rules, List<Event> events) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Event event : events) {
            counts.merge(String.valueOf(rules.drops(event)), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void dropsByEventNameBySourceAndReadOnlyEachOnlyWhatItNames() throws Exception {
        List<Event> events = integrationsRecords();
        assertEquals(30, events.size());
        DropRules rules = new IntakeDropRules(settings(
                "trailrouter.intake.drop-event-names", "ConsoleLogin, DoesNotExist",
                "trailrouter.intake.drop-event-sources", "s3.amazonaws.com",
                "trailrouter.intake.drop-read-only", "true"), List.of()).of("orgtrail");
        assertEquals(Map.of("drop-event-names", 3, "drop-event-sources", 3, "drop-read-only", 3, "null", 21),
                dropCounts(rules, events));
        for (Event event : events) {
            String rule = rules.drops(event);
            if ("drop-event-names".equals(rule)) {
                assertEquals("ConsoleLogin", event.name());
            } else if ("drop-event-sources".equals(rule)) {
                assertEquals("s3.amazonaws.com", event.service());
            } else if ("drop-read-only".equals(rule)) {
                assertEquals(Boolean.TRUE, event.readOnly(), event.name());
            } else {
                assertFalse(Boolean.TRUE.equals(event.readOnly()) || "ConsoleLogin".equals(event.name())
                        || "s3.amazonaws.com".equals(event.service()), "kept " + event.name());
            }
        }
    }

    @Test
    void withoutRulesNothingIsDropped() throws Exception {
        DropRules none = new IntakeDropRules(settings(), List.of("orgtrail")).of("orgtrail");
        assertTrue(none.dropsNothing());
        assertEquals(Map.of("null", 30), dropCounts(none, integrationsRecords()));
    }

    @Test
    void aCloudTrailCallThroughEventBridgeIsDroppedLikeOneFromS3ButAFindingNever() throws Exception {
        // cloud-custodian's CreateTags record (ec2.amazonaws.com) as EventBridge delivers it; a GuardDuty finding of
        // elastic/integrations' test-guardduty.log, whose service is guardduty.amazonaws.com
        DropRules rules = DropRules.read(settings("p.drop-event-sources", "ec2.amazonaws.com,guardduty.amazonaws.com",
                "p.drop-event-names", "CreateTags"), "p.", DropRules.NONE);
        JsonNode record = Fixtures.json("envelopes/cloud-custodian_cloud-custodian__event-cloud-trail-ec2-create-tags.json");
        Event viaEventBridge = EventBridgeEvents.fromEnvelope(
                Payloads.eventBridge("aws.ec2", "AWS API Call via CloudTrail", record), AT).get(0);
        assertEquals("drop-event-names", rules.drops(viaEventBridge));
        JsonNode finding = Fixtures.JSON.readTree(Payloads.lines("guardduty/test-guardduty.log").get(0));
        Event guardDuty = EventBridgeEvents.fromEnvelope(Payloads.eventBridge("aws.guardduty", "GuardDuty Finding", finding), AT).get(0);
        assertEquals("guardduty", guardDuty.kind());
        assertEquals("guardduty.amazonaws.com", guardDuty.service(), "the finding does name a dropped source");
        assertNull(rules.drops(guardDuty), "eventName/eventSource/readOnly are CloudTrail's: a finding is never dropped by them");
    }

    @Test
    void keyRulesSkipObjectsBeforeTheyAreFetched() {
        // CloudTrail's own key layout: a log file, an Insights file, a digest, in an org trail's bucket
        String log = "AWSLogs/o-a1b2c3/111122223333/CloudTrail/us-east-2/2020/01/01/111122223333_CloudTrail_us-east-2_20200101T0000Z_x.json.gz";
        String insight = "AWSLogs/o-a1b2c3/111122223333/CloudTrail-Insight/us-east-1/2019/11/14/111122223333_CloudTrail-Insight_us-east-1_y.json.gz";
        String otherRegion = "AWSLogs/o-a1b2c3/111122223333/CloudTrail/ap-south-1/2020/01/01/111122223333_CloudTrail_ap-south-1_z.json.gz";
        DropRules rules = DropRules.read(settings(
                "p.s3-key-include", "/CloudTrail(-Insight)?/",
                "p.s3-key-exclude", "/CloudTrail/ap-[a-z]+-\\d/"), "p.", DropRules.NONE);
        assertNull(rules.skipsObject(log));
        assertNull(rules.skipsObject(insight));
        assertEquals("s3-key-exclude", rules.skipsObject(otherRegion));
        assertEquals("s3-key-include", rules.skipsObject("AWSLogs/o-a1b2c3/111122223333/vpcflowlogs/us-east-1/2020/01/01/f.log.gz"));
        assertEquals("s3-key-include", rules.skipsObject("CloudTrail.json"), "found anywhere, not only at the start, but the slashes count");
    }

    @Test
    void aQueueOverridesTheDefaultsKeyByKeyAndAnEmptyValueClearsOne() throws Exception {
        IntakeDropRules rules = new IntakeDropRules(settings(
                "trailrouter.intake.drop-read-only", "true",
                "trailrouter.intake.drop-event-names", "ConsoleLogin",
                "trailrouter.queue.audit.drop-read-only", "false",
                "trailrouter.queue.quiet.drop-event-names", "",
                "trailrouter.queue.quiet.drop-event-sources", "s3.amazonaws.com"), List.of("audit", "quiet", "plain"));
        List<Event> events = integrationsRecords();
        assertEquals(Map.of("drop-event-names", 3, "null", 27), dropCounts(rules.of("audit"), events));
        assertEquals(Map.of("drop-event-sources", 3, "drop-read-only", 3, "null", 24), dropCounts(rules.of("quiet"), events));
        assertEquals(Map.of("drop-event-names", 3, "drop-read-only", 3, "null", 24), dropCounts(rules.of("plain"), events));
        assertEquals(rules.defaults(), rules.of("a-poller-that-never-defined-its-own"));
        DropRules poller = rules.define("mgmt-eu", "trailrouter.poller.mgmt-eu.");
        assertEquals(rules.defaults(), poller, "a new intake without keys of its own takes the defaults");
    }

    @Test
    void aBadValueIsOneLineNamingItsKey() {
        IllegalArgumentException regex = assertThrows(IllegalArgumentException.class, () -> new IntakeDropRules(
                settings("trailrouter.queue.orgtrail.s3-key-exclude", "CloudTrail-(Digest"), List.of("orgtrail")));
        assertTrue(regex.getMessage().startsWith("trailrouter.queue.orgtrail.s3-key-exclude is not a valid regular "
                + "expression: Unclosed group"), regex.getMessage());
        assertFalse(regex.getMessage().contains("\n"), "one line: " + regex.getMessage());

        IllegalArgumentException bool = assertThrows(IllegalArgumentException.class, () -> new IntakeDropRules(
                settings("trailrouter.intake.drop-read-only", "yes"), List.of()));
        assertEquals("trailrouter.intake.drop-read-only must be true or false, got 'yes'", bool.getMessage());

        IllegalArgumentException names = assertThrows(IllegalArgumentException.class, () -> new IntakeDropRules(
                settings("trailrouter.intake.drop-event-names", "GetObject ListObjects"), List.of()));
        assertTrue(names.getMessage().startsWith("trailrouter.intake.drop-event-names: 'GetObject ListObjects' is not"),
                names.getMessage());

        IllegalArgumentException source = assertThrows(IllegalArgumentException.class, () -> new IntakeDropRules(
                settings("trailrouter.queue.q.drop-event-sources", "s3"), List.of("q")));
        assertTrue(source.getMessage().startsWith("trailrouter.queue.q.drop-event-sources: 's3' is not a CloudTrail "
                + "eventSource"), source.getMessage());
    }

    /** The route every decode stage and new intake ends in: counts all, drops, delivers the rest in batches. */
    @Test
    void directEventsCountsEverythingDropsPerTheUnitsIntakeAndDeliversTheRestInBatches() throws Exception {
        List<List<Event>> delivered = new ArrayList<>();
        PipelineMetrics metrics = new PipelineMetrics(new SimpleMeterRegistry());
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Properties properties = new Properties();
            properties.setProperty("trailrouter.pipeline.batch-size", "10");
            properties.setProperty("trailrouter.queue.orgtrail.drop-read-only", "true");
            properties.setProperty("trailrouter.queue.orgtrail.drop-event-names", "ConsoleLogin");
            context.getPropertiesComponent().setInitialProperties(properties);
            context.getRegistry().bind("pipelineMetrics", metrics);
            context.getRegistry().bind(IntakeDropRules.BEAN,
                    new IntakeDropRules(new TrailRouterSettings(context), List.of("orgtrail")));
            context.addRoutes(new EventStage());
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:deliver").process(e -> delivered.add(new ArrayList<>(e.getIn().getBody(List.class))));
                }
            });
            context.start();

            Exchange exchange = new DefaultExchange(context);
            DeliveryLedger ledger = DeliveryLedger.open(exchange, "orgtrail", "m-1", UnitKind.QUEUE_MESSAGE);
            exchange.getIn().setBody(integrationsRecords());
            context.createProducerTemplate().send(EventStage.ENDPOINT, exchange);

            assertNull(exchange.getException());
            assertEquals(30, ledger.events(), "dropped events were read: the unit's count has them");
            assertEquals(List.of(10, 10, 4), delivered.stream().map(List::size).toList());
            assertTrue(delivered.stream().flatMap(List::stream).noneMatch(e -> "ConsoleLogin".equals(e.name())
                    || Boolean.TRUE.equals(e.readOnly())));
            assertEquals(Map.of("drop-event-names", 3L, "drop-read-only", 3L),
                    metrics.countsBy("trailrouter.events.dropped", "rule", "intake", "orgtrail"));
            assertEquals(30.0, metrics.count("trailrouter.events", "kind", "cloudtrail"));

            // an intake with no rules of its own (a poller named mgmt) gets the defaults: none here
            delivered.clear();
            Exchange other = new DefaultExchange(context);
            DeliveryLedger.open(other, "mgmt", "w-1", UnitKind.POLL_WINDOW);
            other.getIn().setBody(integrationsRecords());
            context.createProducerTemplate().send(EventStage.ENDPOINT, other);
            assertEquals(30, delivered.stream().mapToInt(List::size).sum());

            // everything dropped: nothing reaches deliver, and the unit has nothing pending
            delivered.clear();
            Exchange all = new DefaultExchange(context);
            DeliveryLedger allLedger = DeliveryLedger.open(all, "orgtrail", "m-2", UnitKind.QUEUE_MESSAGE);
            all.getIn().setBody(integrationsRecords().stream().filter(e -> "ConsoleLogin".equals(e.name())).toList());
            context.createProducerTemplate().send(EventStage.ENDPOINT, all);
            assertTrue(delivered.isEmpty());
            assertEquals(dev.trailrouter.ledger.Verdict.DONE, allLedger.verdict());
        }
    }
}
