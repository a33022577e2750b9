package dev.trailrouter.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Readiness of one intake queue: can trailrouter read it right now (credentials, permissions, network, the queue
 * itself)? Asks SQS for the queue's attributes, at most every 15 seconds, and reports the backlog as details.
 */
public final class QueueReadiness extends AbstractHealthCheck {

    static final Duration CACHE = Duration.ofSeconds(15);

    private final SqsClient sqs;
    private final String url;
    private volatile Instant checkedAt = Instant.EPOCH;
    private volatile Map<String, Object> lastDetails;
    private volatile String lastError;

    private final boolean details;

    /** @param details whether callers may see the queue's URL and backlog (not when the port is open unauthenticated) */
    public QueueReadiness(String queue, SqsClient sqs, String url, boolean details) {
        super("trailrouter", "queue-" + queue);
        this.sqs = sqs;
        this.url = url;
        this.details = details;
    }

    @Override
    public boolean isLiveness() {
        return false; // an unreadable queue says the process cannot work, not that it should be restarted
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (Duration.between(checkedAt, Instant.now()).compareTo(CACHE) > 0) {
            try {
                var attributes = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
                lastDetails = Map.of(
                        "queue.url", url,
                        "messages.visible", attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "?"),
                        "messages.in.flight", attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "?"));
                lastError = null;
            } catch (RuntimeException e) {
                lastDetails = Map.of("queue.url", url);
                lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            checkedAt = Instant.now();
        }
        if (details) {
            builder.details(lastDetails);
        }
        if (lastError == null) {
            builder.up();
        } else {
            builder.message("cannot read the queue: " + lastError).down();
        }
    }
}
