package dev.trailrouter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.trailrouter.demo.DemoSamples;
import dev.trailrouter.observe.PipelineMetrics;

/**
 * Intake drop rules end to end on moto: the bucket → SNS → SQS chain, the real Main, a real webhook receiver. The log
 * file is the demo's {@code …_integrations.json}, the 30 real CloudTrail records of elastic/integrations' pipeline
 * tests (shared/fixtures/cloudtrail/test-*.log): 3 ConsoleLogin, 3 from s3.amazonaws.com, 3 readOnly.
 */
class MotoDropRulesTest extends ContractSupport {

    @Override
    protected AwsEmulator aws() {
        return Emulators.moto();
    }

    @Test
    void droppedEventsAndSkippedObjectsAreNeverDeliveredNorDeadLetteredAreCountedAndTheMessagesAreDeleted() throws Exception {
        newChain(30, 5);
        Path routes = routesWithWebhook(webhook.url().toString(), 0, 100, 100);
        byte[] integrations = DemoSamples.gzip(DemoSamples.json("111122223333_CloudTrail_us-east-2_20200101T0000Z_integrations.json"));
        try (RunningTrailRouter app = RunningTrailRouter.with().queue("orgtrail", chain.queueUrl).routesDir(routes)
                .property("trailrouter.intake.drop-read-only", "true")
                .property("trailrouter.queue.orgtrail.drop-event-names", "ConsoleLogin")
                .property("trailrouter.queue.orgtrail.drop-event-sources", "s3.amazonaws.com")
                .property("trailrouter.queue.orgtrail.s3-key-exclude", "/CloudTrail/ap-[a-z]+-\\d/")
                .start(aws())) {
            chain.put("AWSLogs/o-a1b2c3/111122223333/CloudTrail/us-east-2/2020/01/01/111122223333_CloudTrail_us-east-2_20200101T0000Z_i.json.gz",
                    integrations);
            // the same records in a region the rules exclude by key: never fetched, so none of its 30 arrives
            chain.put("AWSLogs/o-a1b2c3/111122223333/CloudTrail/ap-south-1/2020/01/01/111122223333_CloudTrail_ap-south-1_20200101T0000Z_i.json.gz",
                    integrations);

            PipelineMetrics metrics = app.context().getRegistry().findSingleByType(PipelineMetrics.class);
            Eventually.within(WAIT, "21 events delivered and every message deleted", () -> deliveredEvents() >= 21
                    && chain.messagesIn(chain.queueUrl) == 0
                    && metrics.count("trailrouter.messages", "outcome", "deleted") == 3); // the s3:TestEvent and 2 notifications
            Eventually.throughout(Duration.ofSeconds(2), "nothing more arrives", () -> deliveredEvents() == 21);

            List<JsonNode> events = events(webhook.accepted());
            for (JsonNode event : events) {
                assertFalse(event.path("name").asText().equals("ConsoleLogin"), event.toString());
                assertFalse(event.path("service").asText().equals("s3.amazonaws.com"), event.toString());
                assertFalse(event.path("readOnly").asBoolean(false), event.toString());
                assertEquals("us-east-2", event.path("origin").path("key").asText().split("/")[4]);
            }
            assertEquals(Map.of("drop-event-names", 3L, "drop-event-sources", 3L, "drop-read-only", 3L),
                    metrics.countsBy("trailrouter.events.dropped", "rule", "intake", "orgtrail"));
            assertEquals(1.0, metrics.count("trailrouter.objects.skipped", "reason", "s3-key-exclude"));
            assertEquals(1.0, metrics.count("trailrouter.objects.fetched"), "the excluded object was not read");
            assertEquals(0, chain.messagesIn(chain.deadLetterQueueUrl), "dropping is not dead-lettering");
            assertEquals(0.0, metrics.count("trailrouter.destination.events", "outcome", "dead-lettered"));
        }
    }
}
