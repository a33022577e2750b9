package dev.trailrouter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import dev.trailrouter.demo.DemoSamples;
import dev.trailrouter.demo.WebhookReceiver;
import dev.trailrouter.observe.PipelineMetrics;
import dev.trailrouter.support.Fixtures;
import dev.trailrouter.support.RecordingProxy;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Durable dedup end to end: the real Main, moto_server's SQS, SNS, S3 and DynamoDB, a real HTTP receiver. The events
 * are the 30 real CloudTrail records of the bundled integrations sample
 * ({@code demo/cloudtrail/111122223333_CloudTrail_us-east-2_20200101T0000Z_integrations.json}, see its SOURCES.md),
 * repeated with distinct {@code eventID}s into one 100-record CloudTrail log object.
 */
class MotoDedupTest extends ContractSupport {

    static final int EVENTS = 100;

    @Override
    protected AwsEmulator aws() {
        return Emulators.moto();
    }

    /** A CloudTrail log object of {@code count} real records, each with its own eventID {@code <prefix>-<i>}. */
    static byte[] cloudTrailObject(String prefix, int count) throws Exception {
        JsonNode file = Fixtures.JSON.readTree(DemoSamples.json(DemoSamples.FILES.get(1)));
        ArrayNode source = (ArrayNode) file.get("Records");
        ArrayNode records = Fixtures.JSON.createArrayNode();
        for (int i = 0; i < count; i++) {
            ObjectNode record = source.get(i % source.size()).deepCopy();
            record.put("eventID", prefix + "-" + i);
            records.add(record);
        }
        ObjectNode out = Fixtures.JSON.createObjectNode();
        out.set("Records", records);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Fixtures.JSON.writeValue(bytes, out);
        return DemoSamples.gzip(bytes.toByteArray());
    }

    /** Per event id, how many times the receiver accepted it. */
    static Map<String, Integer> deliveriesPerId(WebhookReceiver webhook) {
        Map<String, Integer> counts = new TreeMap<>();
        for (JsonNode event : events(webhook.accepted())) {
            counts.merge(event.path("id").asText(), 1, Integer::sum);
        }
        return counts;
    }

    static PipelineMetrics metrics(RunningTrailRouter app) {
        return app.context().getRegistry().lookupByNameAndType("pipelineMetrics", PipelineMetrics.class);
    }

    /**
     * The same CloudTrail object notified on two queues at once (S3 → SNS → the first; a copy of the notification on
     * the second), both consumed concurrently: with {@code store=none} every event arrives twice (so the test can
     * fail), with the file store once, and the second copy is counted as suppressed.
     */
    @Test
    void theSameObjectNotifiedOnTwoQueuesReachesTheDestinationOnce() throws Exception {
        for (String store : new String[] {"none", "file"}) {
            webhook.close();
            webhook = new WebhookReceiver();
            newChain(30, 5);
            String second = chain.sqs().createQueue(b -> b.queueName("dedup-second-" + CHAINS.incrementAndGet())).queueUrl();
            Path routes = routesWithWebhook(webhook.url().toString(), 2, 50, 200);
            try (RunningTrailRouter app = RunningTrailRouter.with().queue("first", chain.queueUrl).queue("second", second)
                    .routesDir(routes).property("trailrouter.state.store", store)
                    .property("trailrouter.queue.second.dead-letter-queue-url", chain.deadLetterQueueUrl)
                    .property("trailrouter.state.dir", tmp.resolve("state-" + store)).start(aws())) {
                String key = "AWSLogs/111122223333/CloudTrail/us-east-2/2020/01/01/111122223333_CloudTrail_us-east-2_20200101T0000Z_" + store + ".json.gz";
                chain.put(key, cloudTrailObject(store, EVENTS));
                chain.sqs().sendMessage(b -> b.queueUrl(second).messageBody(notificationFor(chain.bucket, key)));
                int expected = "none".equals(store) ? 2 : 1;
                Eventually.within(WAIT, "both messages done with store=" + store, () ->
                        chain.messagesIn(chain.queueUrl) == 0 && chain.messagesIn(second) == 0
                                && deliveriesPerId(webhook).size() == EVENTS);
                Thread.sleep(1000);
                Map<String, Integer> counts = deliveriesPerId(webhook);
                assertEquals(EVENTS, counts.size(), "every event delivered, store=" + store);
                assertTrue(counts.values().stream().allMatch(n -> n == expected),
                        "store=" + store + ": every event delivered " + expected + " time(s): " + counts);
                double suppressed = metrics(app).count("trailrouter.duplicates.suppressed", "destination", "test");
                assertEquals("none".equals(store) ? 0 : EVENTS, (int) suppressed, "suppressed, store=" + store);
            }
        }
    }

    /**
     * The DynamoDB store unreachable (every call to it dropped by a proxy) after start-up: the destination fails for
     * the message, which is not deleted and not delivered, and the failure is counted; when the store is back, the
     * redelivered message is delivered once, and the same object notified again is suppressed.
     */
    @Test
    void aStoreThatCannotAnswerKeepsTheMessageAndAfterRecoveryItIsDeliveredOnce() throws Exception {
        newChain(3, 20);
        String table = "trailrouter-dedup-" + CHAINS.incrementAndGet();
        try (DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(aws().endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(() -> AwsBasicCredentials.create("testing", "testing")).build();
             RecordingProxy proxy = new RecordingProxy(aws().endpoint())) {
            MotoDynamoDbStoresTest.createTable(dynamo, table);
            Path routes = routesWithWebhook(webhook.url().toString(), 2, 50, 200);
            try (RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes)
                    .property("trailrouter.state.store", "dynamodb")
                    .property("trailrouter.state.dynamodb.table", table)
                    .property("trailrouter.state.namespace", "moto-dedup")
                    .property("trailrouter.state.dynamodb.endpoint", proxy.endpoint())
                    .property("trailrouter.intake.visibility-timeout", 3)
                    .start(aws())) {
                proxy.intercept(r -> r.header("X-Amz-Target").startsWith("DynamoDB_") ? RecordingProxy.Answer.DROP : null);
                String key = "AWSLogs/111122223333/CloudTrail/us-east-2/2020/01/01/111122223333_CloudTrail_us-east-2_20200101T0000Z_down.json.gz";
                chain.put(key, cloudTrailObject("down", EVENTS));
                PipelineMetrics metrics = metrics(app);
                Eventually.within(WAIT, "the store's failure counted", () ->
                        metrics.count("trailrouter.state.failures", "outcome", "unavailable") >= 1);
                assertEquals(0, webhook.requests().size(), "nothing delivered while the store cannot answer");
                assertEquals(1, chain.messagesIn(chain.queueUrl), "the message was not deleted");
                assertTrue(metrics.count("trailrouter.destination.events", "destination", "test", "outcome", "failed") >= EVENTS);

                proxy.intercept(r -> null); // the store is back
                Eventually.within(WAIT, "delivered after the store came back", () ->
                        deliveriesPerId(webhook).size() == EVENTS && chain.messagesIn(chain.queueUrl) == 0);
                chain.sqs().sendMessage(b -> b.queueUrl(chain.queueUrl).messageBody(notificationFor(chain.bucket, key)));
                Eventually.within(WAIT, "the second notification suppressed", () ->
                        metrics.count("trailrouter.duplicates.suppressed", "destination", "test") == EVENTS
                                && chain.messagesIn(chain.queueUrl) == 0);
                Map<String, Integer> counts = deliveriesPerId(webhook);
                assertEquals(EVENTS, counts.size());
                assertTrue(counts.values().stream().allMatch(n -> n == 1), "each delivered once: " + counts);
                assertTrue(metrics.count("trailrouter.state.requests", "store", "dynamodb", "op", "read") >= 2);
                assertTrue(metrics.count("trailrouter.state.requests", "store", "dynamodb", "op", "write") >= EVENTS / 25);
            }
        }
    }
}
