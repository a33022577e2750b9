package dev.trailrouter.intake;

import static dev.trailrouter.deliver.DeadLetterTargets.attribute;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.trailrouter.config.QueueSettings;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Where an intake queue's permanently bad messages go: the configured dead-letter queue, or else the DLQ named in the
 * queue's own redrive policy, so that messages rejected at once and messages that ran out of receives end up in the same
 * place. The original body is kept as it was received; the reason and origin travel as message attributes.
 *
 * <p>Start-up fails when a queue has neither: a permanent failure would otherwise have to be either deleted (silently
 * lost) or retried until the retention period ends.
 */
public final class DeadLetterQueue {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterQueue.class);

    public static final String ATTR_REASON = "trailrouter-reason";
    public static final String ATTR_DETAIL = "trailrouter-detail";
    public static final String ATTR_QUEUE = "trailrouter-source-queue";
    public static final String ATTR_MESSAGE_ID = "trailrouter-source-message-id";
    public static final String ATTR_FAILED_AT = "trailrouter-failed-at";

    private final SqsClient sqs;
    private final String url;

    DeadLetterQueue(SqsClient sqs, String url) {
        this.sqs = sqs;
        this.url = url;
    }

    /** A dead-letter queue given by its URL (the backfill's {@code dead-letter-queue-url}). */
    public static DeadLetterQueue at(SqsClient sqs, String url) {
        return new DeadLetterQueue(sqs, url);
    }

    public String url() {
        return url;
    }

    public static DeadLetterQueue resolve(SqsClient sqs, QueueSettings queue, ObjectMapper json) {
        Optional<String> configured = queue.deadLetterQueueUrl();
        if (configured.isPresent()) {
            return new DeadLetterQueue(sqs, configured.get());
        }
        GetQueueAttributesResponse attributes;
        try {
            attributes = sqs.getQueueAttributes(b -> b.queueUrl(queue.url()).attributeNames(QueueAttributeName.REDRIVE_POLICY));
        } catch (software.amazon.awssdk.core.exception.SdkException e) {
            throw new IllegalStateException("queue '" + queue.name() + "' (" + queue.url() + "): cannot read its redrive "
                    + "policy: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
        String policy = attributes.attributes().get(QueueAttributeName.REDRIVE_POLICY);
        if (policy == null || policy.isBlank()) {
            throw new IllegalStateException("queue '" + queue.name() + "' (" + queue.url() + ") has no redrive policy "
                    + "and trailrouter.queue." + queue.name() + ".dead-letter-queue-url is not set: bad input would "
                    + "have nowhere to go. Give the queue a DLQ (redrive policy) or set that key.");
        }
        try {
            JsonNode redrive = json.readTree(policy);
            var arn = software.amazon.awssdk.arns.Arn.fromString(redrive.path("deadLetterTargetArn").asText());
            String dlqUrl = sqs.getQueueUrl(b -> b.queueName(arn.resourceAsString())
                    .queueOwnerAWSAccountId(arn.accountId().orElse(null))).queueUrl();
            LOG.info("queue '{}': bad input goes to its redrive DLQ {}", queue.name(), dlqUrl);
            return new DeadLetterQueue(sqs, dlqUrl);
        } catch (Exception e) {
            throw new IllegalStateException("queue '" + queue.name() + "': cannot resolve the DLQ of its redrive policy "
                    + policy + ": " + e.getMessage(), e);
        }
    }

    /** Sends the message; any failure propagates, so the source message is not deleted and comes back later. */
    public void write(String body, String sourceQueue, String messageId, String groupId, String reason, String detail) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        attributes.put(ATTR_REASON, attribute(reason));
        attributes.put(ATTR_DETAIL, attribute(truncate(detail, 1024)));
        attributes.put(ATTR_QUEUE, attribute(sourceQueue));
        attributes.put(ATTR_MESSAGE_ID, attribute(messageId));
        attributes.put(ATTR_FAILED_AT, attribute(Instant.now().toString()));
        SendMessageRequest.Builder request = SendMessageRequest.builder()
                .queueUrl(url).messageBody(body).messageAttributes(attributes);
        if (url.endsWith(".fifo")) {
            request.messageGroupId(groupId != null ? groupId : "trailrouter-rejected")
                    .messageDeduplicationId(messageId);
        }
        sqs.sendMessage(request.build());
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
