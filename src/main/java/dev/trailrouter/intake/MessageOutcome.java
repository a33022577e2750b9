package dev.trailrouter.intake;

import dev.trailrouter.decode.*;
import dev.trailrouter.observe.LogSafe;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.trailrouter.observe.PipelineMetrics;

import static dev.trailrouter.observe.LogFields.field;
import static dev.trailrouter.observe.LogFields.only;

/**
 * The end of one SQS message's exchange, whatever the path: one log line and one outcome counter. A completed
 * exchange means the aws2-sqs consumer deletes the message (after dead-lettering, when it was rejected); a failed
 * one — a delivery that ran out of retries, a transient S3 error, or a dead-letter write that failed — leaves it in
 * the queue for SQS to deliver again.
 */
final class MessageOutcome extends SynchronizationAdapter {

    private static final Logger LOG = LoggerFactory.getLogger("dev.trailrouter.intake");

    private final String queue;
    private final boolean fifo;
    private final PipelineMetrics metrics;
    private final int destinations;
    private final long started = System.nanoTime();

    MessageOutcome(String queue, boolean fifo, PipelineMetrics metrics, int destinations) {
        this.queue = queue;
        this.destinations = destinations;
        this.fifo = fifo;
        this.metrics = metrics;
        metrics.message(queue, "received");
    }

    /**
     * Camel extends a message's visibility only once its exchange has started; the others of the same receive wait
     * unextended. Says so when a message waited more than half its visibility timeout, because another consumer
     * may then have received it too (a duplicate delivery, never a loss).
     */
    void checkWaitInBatch(Exchange exchange, int visibilityTimeoutSeconds) {
        long waitedMillis = System.currentTimeMillis() - exchange.getClock().getCreated();
        if (waitedMillis > visibilityTimeoutSeconds * 500L) {
            metrics.message(queue, "started-late");
            LOG.warn("queue={} message={} waited {} ms behind other messages of its receive (visibility timeout {} s): "
                    + "lower trailrouter.queue.{}.max-messages-per-poll or raise its visibility-timeout",
                    queue, messageId(exchange), waitedMillis, visibilityTimeoutSeconds, queue);
        }
    }

    @Override
    public void onComplete(Exchange exchange) {
        metrics.message(queue, "deleted");
        LOG.info("{} {} {} {} {} {} done", field("queue", queue), field("messageId", "message", messageId(exchange)),
                field("shape", shape(exchange)), field("events", events(exchange)), field("destinations", destinations),
                field("millis", millis()), only("outcome", "done"));
    }

    @Override
    public void onFailure(Exchange exchange) {
        metrics.message(queue, "failed");
        if (fifo) {
            FifoGroups.failed(exchange);
        }
        Throwable root = exchange.getException();
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        LOG.warn("{} {} {} {} {} failed, not deleted (SQS delivers it again after the visibility timeout): {}",
                field("queue", queue), field("messageId", "message", messageId(exchange)), field("shape", shape(exchange)),
                field("events", events(exchange)), field("millis", millis()),
                LogSafe.oneLine(root == null ? "unknown" : root.getClass().getSimpleName() + ": " + root.getMessage()),
                only("outcome", "failed"));
    }

    private long millis() {
        return (System.nanoTime() - started) / 1_000_000;
    }

    private static Object messageId(Exchange exchange) {
        return exchange.getIn().getHeader(Sqs2Constants.MESSAGE_ID);
    }

    private static Object shape(Exchange exchange) {
        Object shape = exchange.getProperty(EnvelopeStage.SHAPE);
        return shape == null ? "-" : shape;
    }

    private static long events(Exchange exchange) {
        AtomicLong count = exchange.getProperty(IntakeRoutes.EVENTS, AtomicLong.class);
        return count == null ? 0 : count.get();
    }
}
