package dev.trailrouter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.trailrouter.support.Fixtures;
import dev.trailrouter.support.Payloads;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The CloudWatch Logs forwarder Lambda of terraform/modules/cloudwatch-sqs, run for real: Python executes
 * lambda/forwarder.py's handler with the invocation events CloudWatch Logs would send (real payload samples), against
 * the emulator's SQS; then trailrouter reads what it sent.
 */
class ForwarderLambdaTest extends ContractSupport {

    static final Path FORWARDER = Path.of("terraform/modules/cloudwatch-sqs/lambda/forwarder.py");

    @Override
    protected AwsEmulator aws() {
        return Emulators.moto();
    }

    /** Runs the handler once per event, in one Python process, as Lambda would call it. */
    List<String> invoke(String queueUrl, List<String> events) throws Exception {
        String runner = "import importlib.util, json, sys\n"
                + "spec = importlib.util.spec_from_file_location('forwarder', sys.argv[1])\n"
                + "forwarder = importlib.util.module_from_spec(spec); spec.loader.exec_module(forwarder)\n"
                + "for line in sys.stdin:\n"
                + "    print(json.dumps(forwarder.handler(json.loads(line), None)))\n";
        ProcessBuilder builder = new ProcessBuilder("python3", "-c", runner, FORWARDER.toString()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("QUEUE_URL", queueUrl);
        env.put("AWS_ENDPOINT_URL", aws().endpoint().toString());
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "testing");
        env.put("AWS_SECRET_ACCESS_KEY", "testing");
        Process python = builder.start();
        python.getOutputStream().write((String.join("\n", events) + "\n").getBytes(StandardCharsets.UTF_8));
        python.getOutputStream().close();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(python.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, python.exitValue(), output);
        return output.lines().toList();
    }

    String fifoQueue(String name) {
        String dlq = chain.sqs().createQueue(b -> b.queueName(name + "-dlq.fifo")
                .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();
        String dlqArn = chain.sqs().getQueueAttributes(b -> b.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        return chain.sqs().createQueue(b -> b.queueName(name + ".fifo").attributes(Map.of(
                QueueAttributeName.FIFO_QUEUE, "true",
                QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"4\"}")))
                .queueUrl();
    }

    /** The Lambda invocation event CloudWatch Logs sends for a payload. */
    static String invocation(JsonNode payload) {
        return Payloads.forwarderMessage(payload);
    }

    @Test
    void forwardsUnchangedWithTheLogStreamAsGroupAndDeduplicatesRetries() throws Exception {
        newChain(30, 5);
        String queue = fifoQueue("forwarder-" + CHAINS.incrementAndGet());
        JsonNode payload = Payloads.cherwegDataMessages().get(0);
        String event = invocation(payload);
        invoke(queue, List.of(event, event)); // a Lambda retry of the same invocation
        List<Message> messages = new ArrayList<>();
        Eventually.within(Duration.ofSeconds(10), "the message", () -> {
            messages.addAll(chain.sqs().receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10)
                    .messageSystemAttributeNamesWithStrings("All")).messages());
            return !messages.isEmpty();
        });
        assertEquals(1, messages.size(), "the retry was deduplicated");
        Message message = messages.get(0);
        assertEquals(Fixtures.JSON.readTree(event), Fixtures.JSON.readTree(message.body()), "the invocation event, unchanged");
        assertEquals(payload.get("logStream").asText(), message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID));
    }

    @Test
    void trailrouterDeliversWhatTheForwarderSent() throws Exception {
        newChain(30, 5);
        String queue = fifoQueue("forwarded-" + CHAINS.incrementAndGet());
        invoke(queue, List.of(
                invocation(Payloads.cloudTrailDataMessage("111122223333_CloudTrail_us-east-2", "cloudtrail/test-console-login-json.log")),
                invocation(Payloads.cherwegDataMessages().get(0)),
                invocation(Payloads.cherwegDataMessages().get(1))));
        Path routes = destination("all", "webhook", params("name", "all", "url", webhook.url().toString()));
        try (RunningTrailRouter app = RunningTrailRouter.with().queue("logs", queue).routesDir(routes).start(aws())) {
            Eventually.within(WAIT, "3 + 27 + 27 events", () -> deliveredEvents() == 57 && chain.messagesIn(queue) == 0);
            long cloudTrail = events(webhook.accepted()).stream().filter(e -> e.get("kind").asText().equals("cloudtrail")).count();
            assertEquals(3, cloudTrail, "the org trail log group's records are CloudTrail events");
        }
    }
}
