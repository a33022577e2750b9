package dev.trailrouter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trailrouter.demo.DemoSamples;
import dev.trailrouter.demo.MotoServer;
import dev.trailrouter.demo.S3NotificationChain;
import dev.trailrouter.demo.WebhookReceiver;
import dev.trailrouter.demo.WebhookReceiver.Answer;
import dev.trailrouter.intake.DeadLetterQueue;
import dev.trailrouter.observe.PipelineMetrics;
import dev.trailrouter.support.Fixtures;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** What the end-to-end contracts share: the emulator, a fresh chain per test, a webhook receiver, helpers. */
abstract class ContractSupport {

    static final AtomicInteger CHAINS = new AtomicInteger();
    static final Duration WAIT = Duration.ofSeconds(45);

    /** Keys as CloudTrail and integrators write them, with characters S3 notifications encode. */
    static final List<String> ODD_KEYS = List.of(
            "AWSLogs/o-a1b2c3/111122223333/CloudTrail/us-east-2/2014/07/16/team logs/111122223333_CloudTrail_us-east-2_a.json.gz",
            "AWSLogs/o-a1b2c3/111122223333/CloudTrail/us-east-2/2020/01/01/part=1+2/111122223333_CloudTrail_us-east-2_b.json.gz",
            "AWSLogs/o-a1b2c3/111122223333/CloudTrail/us-east-1/2021/01/01/x=y z+w/111122223333_CloudTrail_us-east-1_c.json.gz");

    protected abstract AwsEmulator aws();

    @TempDir
    Path tmp;

    WebhookReceiver webhook;
    S3NotificationChain chain;

    @BeforeEach
    void receiver() throws Exception {
        webhook = new WebhookReceiver();
    }

    @AfterEach
    void closeAll() {
        webhook.close();
        if (chain != null) {
            chain.close();
        }
    }

    S3NotificationChain newChain(int visibilitySeconds, int maxReceiveCount) {
        chain = S3NotificationChain.create(aws().endpoint(), "t" + CHAINS.incrementAndGet(), visibilitySeconds, maxReceiveCount);
        return chain;
    }

    /** A routes directory holding one webhook destination file with the given retry settings. */
    Path routesWithWebhook(String url, int maxRetries, int initialDelayMillis, int maxDelayMillis) throws Exception {
        return destination("webhook", "webhook", params("name", "test", "url", url, "batchSize", "20",
                "maxRetries", Integer.toString(maxRetries), "initialDelayMillis", Integer.toString(initialDelayMillis),
                "maxDelayMillis", Integer.toString(maxDelayMillis)));
    }

    /** A FIFO queue with a FIFO redrive DLQ (maxReceiveCount 5), as the cloudwatch-sqs module creates; extra attributes on top. */
    String fifoQueueWithDlq(String prefix, Map<QueueAttributeName, String> extra) {
        String dlq = chain.sqs().createQueue(b -> b.queueName(prefix + "-" + CHAINS.incrementAndGet() + "-dlq.fifo")
                .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();
        Map<QueueAttributeName, String> attributes = new java.util.HashMap<>(extra);
        attributes.put(QueueAttributeName.FIFO_QUEUE, "true");
        attributes.put(QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + queueArn(dlq) + "\",\"maxReceiveCount\":\"5\"}");
        return chain.sqs().createQueue(b -> b.queueName(prefix + "-" + CHAINS.incrementAndGet() + ".fifo")
                .attributes(attributes)).queueUrl();
    }

    static Map<String, String> params(String... keyValues) {
        Map<String, String> params = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            params.put(keyValues[i], keyValues[i + 1]);
        }
        return params;
    }

    /** Writes routes/destinations/<file>.yaml declaring one destination (or replay) of the given type. */
    Path destination(String file, String type, Map<String, String> params) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("routes/destinations"));
        StringBuilder yaml = new StringBuilder("- templatedRoute:\n    routeTemplateRef: " + type + "\n");
        if (params.containsKey("name")) {
            yaml.append("    routeId: dest-").append(params.get("name")).append("\n");
        }
        yaml.append("    parameters:\n");
        params.forEach((k, v) -> yaml.append("      - name: ").append(k).append("\n        value: '")
                .append(v.replace("'", "''")).append("'\n"));
        Files.writeString(dir.resolve(file + ".yaml"), yaml.toString());
        return dir.getParent();
    }

    static List<JsonNode> events(List<WebhookReceiver.Request> requests) {
        List<JsonNode> events = new ArrayList<>();
        for (WebhookReceiver.Request request : requests) {
            try {
                Fixtures.JSON.readTree(request.body()).forEach(events::add);
            } catch (Exception e) {
                throw new AssertionError("webhook body is not a JSON array", e);
            }
        }
        return events;
    }

    int deliveredEvents() {
        return events(webhook.accepted()).size();
    }

    List<Message> drainDeadLetters(int expected) throws Exception {
        List<Message> messages = new ArrayList<>();
        Eventually.within(WAIT, expected + " messages in the DLQ", () -> {
            messages.addAll(chain.sqs().receiveMessage(b -> b.queueUrl(chain.deadLetterQueueUrl)
                    .maxNumberOfMessages(10).messageAttributeNames("All").waitTimeSeconds(1)).messages());
            return messages.size() >= expected;
        });
        return messages;
    }

    /** An EventBridge client for the emulator. */
    EventBridgeClient eventBridge() {
        return EventBridgeClient.builder().endpointOverride(aws().endpoint()).region(Region.of(S3NotificationChain.REGION))
                .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("testing", "testing"))
                .build();
    }

    String queueArn(String url) {
        return chain.sqs().getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /**
     * A rule sending every event of these sources to the queue, as the eventbridge-sqs module sets up. Closing it
     * removes it: rules live on the emulator's shared default bus, and every later PutEvents would also feed them.
     */
    AutoCloseable ruleToQueue(EventBridgeClient events, String queueUrl, String... sources) {
        String rule = "trailrouter-" + CHAINS.incrementAndGet();
        events.putRule(b -> b.name(rule).eventPattern("{\"source\":[\"" + String.join("\",\"", sources) + "\"]}"));
        events.putTargets(b -> b.rule(rule).targets(t -> t.id("queue").arn(queueArn(queueUrl))));
        return () -> {
            events.removeTargets(b -> b.rule(rule).ids("queue"));
            events.deleteRule(b -> b.name(rule));
        };
    }

    static PutEventsRequestEntry entry(String source, String detailType, JsonNode detail) {
        return PutEventsRequestEntry.builder().source(source).detailType(detailType).detail(detail.toString()).build();
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            all.append(c.getMessage()).append(" | ");
        }
        return all.toString();
    }

    /** The 30 real records of the integrations sample, repeated {@code times} times inside one Records array. */
    static byte[] repeatedRecords(int times) throws Exception {
        JsonNode file = Fixtures.JSON.readTree(DemoSamples.json(DemoSamples.FILES.get(1)));
        ArrayNode records = Fixtures.JSON.createArrayNode();
        for (int i = 0; i < times; i++) {
            records.addAll((ArrayNode) file.get("Records"));
        }
        ObjectNode out = Fixtures.JSON.createObjectNode();
        out.set("Records", records);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Fixtures.JSON.writeValue(bytes, out);
        return bytes.toByteArray();
    }

    /** An S3 event notification in the shape S3 sends (the SEKOIA-IO sample), pointing at another object. */
    static String notificationFor(String bucket, String key) {
        ObjectNode n = (ObjectNode) Fixtures.json(
                "envelopes/SEKOIA-IO_automation-library__test_records_trigger__SQSMessages0_s3-put-cloudtrail.json");
        ObjectNode s3 = (ObjectNode) n.path("Records").path(0).path("s3");
        ((ObjectNode) s3.path("bucket")).put("name", bucket);
        ((ObjectNode) s3.path("object")).put("key", key);
        return n.toString();
    }

}
