package dev.trailrouter.intake;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.camel.BatchConsumer;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.StatefulService;
import org.apache.camel.spi.PollingConsumerPollStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.trailrouter.observe.LogSafe;

/**
 * The aws2-sqs consumer's poll strategy for one queue ({@code pollStrategy=#pollStrategy-<queue>}): Camel calls it
 * after every receive, failed or not. It owns what is logged when the queue cannot be read: one WARN line when polls
 * start failing ("unreachable since …: reason"), one INFO line when a poll succeeds again ("reachable again after …"),
 * each failure's stack trace only at DEBUG. Camel's own line per failed poll (an ERROR with a stack trace, from
 * Sqs2Consumer) is dropped by {@link dev.trailrouter.observe.SqsPollErrorFilter}. Pacing the failed polls is Camel's
 * scheduled-consumer backoff (see {@link IntakeRoutes#consumerUri}); this class only reports.
 *
 * <p>After a receive while the route is stopping, it releases the messages of that receive the consumer did not start
 * ({@link ReceivedMessages}).
 */
final class QueuePolls implements PollingConsumerPollStrategy {

    private static final Logger LOG = LoggerFactory.getLogger("dev.trailrouter.intake");

    private final String queue;
    private final ReceivedMessages received;
    private final AtomicReference<Instant> unreachableSince = new AtomicReference<>();
    private final AtomicInteger failedPolls = new AtomicInteger();

    QueuePolls(String queue, ReceivedMessages received) {
        this.queue = queue;
        this.received = received;
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        return true;
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        if (stopping(consumer)) {
            // the consumer processed what it had started and dropped the rest of this receive: hand those back now
            received.releaseUnstarted("stopping");
        }
        Instant since = unreachableSince.getAndSet(null);
        if (since != null) {
            LOG.info("queue={} reachable again after {} s ({} failed polls): polling resumed", queue,
                    Duration.between(since, Instant.now()).toSeconds(), failedPolls.getAndSet(0));
        }
    }

    /** A failed poll: reported once per outage, never retried at once (Camel's backoff paces the next polls). */
    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
        LOG.debug("queue={} poll failed", queue, cause);
        if (stopping(consumer)) {
            received.releaseUnstarted("stopping");
            return false; // an interrupted poll is not an outage
        }
        failedPolls.incrementAndGet();
        Instant now = Instant.now();
        if (unreachableSince.compareAndSet(null, now)) {
            LOG.warn("queue={} unreachable since {}: {} (polls back off while it lasts; stack traces at DEBUG)", queue, now,
                    LogSafe.oneLine(dev.trailrouter.observe.LogSafe.rootCause(cause)));
        }
        return false;
    }

    /**
     * Whether the consumer takes no more messages of its receive: the route is stopping or suspending (Camel's
     * {@code isBatchAllowed()}, the very check that makes Sqs2Consumer drop the rest of a receive).
     */
    private static boolean stopping(Consumer consumer) {
        if (consumer instanceof BatchConsumer batch) {
            return !batch.isBatchAllowed();
        }
        return consumer instanceof StatefulService service && !service.isRunAllowed();
    }
}
