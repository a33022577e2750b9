package dev.trailrouter.deliver;

import static dev.trailrouter.observe.LogFields.field;
import static dev.trailrouter.observe.LogFields.only;

import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.trailrouter.event.Event;
import dev.trailrouter.observe.LogSafe;
import dev.trailrouter.observe.PipelineMetrics;

/** The failure side of {@link DestinationTemplate}: filtering, retry hooks, dead-lettering. */
public final class DestinationFailure {

    private static final Logger LOG = LoggerFactory.getLogger("dev.trailrouter.deliver");

    /** Destination name → reason, shared by every batch of one SQS message (set by the intake route). */
    public static final String FAILED_DESTINATIONS = "trailrouterFailedDestinations";
    /**
     * Set (an AtomicBoolean shared by all batches of one SQS message) when a destination failed without a dead-letter
     * target: the message will fail and come back, so reading the rest of it would only produce duplicates.
     */
    public static final String MESSAGE_FAILED = "trailrouterMessageFailed";
    /** Set by the replay route: a replayed dead letter that fails again stays where it is. */
    public static final String REPLAY = "trailrouterReplay";

    private DestinationFailure() {
    }

    /**
     * The delivery state one message's batches share (every copy Camel makes of the exchange points to the same
     * objects): which destinations failed for it, and whether the message as a whole will fail.
     */
    public static void beginMessage(Exchange exchange) {
        exchange.setProperty(FAILED_DESTINATIONS, new java.util.concurrent.ConcurrentHashMap<String, String>());
        exchange.setProperty(MESSAGE_FAILED, new java.util.concurrent.atomic.AtomicBoolean());
    }

    /** Set on a batch whose events already passed the destination's filter (a Slack burst group being posted). */
    static final String FILTERED = "trailrouterFiltered";

    /** Keeps the events this destination wants; fails fast when it already failed for this message. */
    static void filterAndCheck(Exchange exchange) {
        String destination = exchange.getProperty(DestinationTemplate.DESTINATION, String.class);
        String filter = exchange.getProperty(DestinationTemplate.FILTER, "", String.class);
        List<Event> kept = exchange.getProperty(FILTERED, false, Boolean.class) ? DestinationTemplate.events(exchange)
                : DeliveryRuntime.of(exchange).filter(destination, filter).apply(DestinationTemplate.events(exchange));
        exchange.getIn().setBody(kept);
        exchange.setProperty(DestinationTemplate.CHUNK, kept);
        Map<String, String> failed = failures(exchange);
        String earlier = failed == null ? null : failed.get(destination);
        if (earlier != null && !kept.isEmpty()) {
            throw new DestinationUnavailableException("failed earlier for this message: " + earlier);
        }
    }

    static boolean deadLetterConfigured(Exchange exchange) {
        return !exchange.getProperty(DestinationTemplate.DEAD_LETTER, "", String.class).isBlank()
                && !exchange.getProperty(REPLAY, false, Boolean.class)
                && !stopping(exchange);
    }

    /**
     * trailrouter itself is stopping (a thread interrupted, a pool that refuses work): nothing was wrong with the
     * destination or the events, so they are not dead-lettered; the message fails and SQS delivers it again.
     */
    static boolean stopping(Exchange exchange) {
        Throwable caught = DeliveryFailures.caught(exchange);
        return org.apache.camel.util.ObjectHelper.getException(InterruptedException.class, caught) != null
                || org.apache.camel.util.ObjectHelper.getException(
                        java.util.concurrent.RejectedExecutionException.class, caught) != null;
    }

    static void onFailedAttempt(Exchange exchange) {
        HttpRetryPolicy.applyRetryAfter(exchange, exchange.getProperty(DestinationTemplate.MAX_DELAY, 60000L, Long.class));
        Throwable e = exchange.getException();
        if (!(e instanceof DestinationUnavailableException)) {
            LOG.warn("{} attempt={} failed{}: {}", field("destination", exchange.getProperty(DestinationTemplate.DESTINATION)),
                    Math.max(1, exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class)),
                    DeliveryFailures.isRetryable(e) ? "" : " (not retryable)", reason(e));
        }
    }

    /** After the last attempt: record the failure for the message and dead-letter the batch when configured. */
    @SuppressWarnings("unchecked")
    static void handle(Exchange exchange) {
        String destination = exchange.getProperty(DestinationTemplate.DESTINATION, String.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = reason(cause);
        List<Event> events = exchange.getProperty(DestinationTemplate.CHUNK, List.class);
        int count = events == null ? 0 : events.size();
        Map<String, String> failed = failures(exchange);
        if (failed != null && !(cause instanceof DestinationUnavailableException)) {
            failed.putIfAbsent(destination, reason);
        }
        DeliveryRuntime runtime = DeliveryRuntime.of(exchange);
        runtime.seen(destination);
        // retries ran out (or it was down already and failed its one attempt). A rate limit is not "down": the next
        // batch keeps its full retries and honours Retry-After again, so throttling never costs a batch its retries
        if (!(cause instanceof DestinationUnavailableException) && DeliveryFailures.isRetryable(cause)
                && !DeliveryFailures.isRateLimited(cause)) {
            runtime.markDown(destination);
        }
        PipelineMetrics metrics = runtime.metrics;
        if (deadLetterConfigured(exchange)) {
            DeadLetterTarget target = runtime.deadLetters.forSpec(exchange.getProperty(DestinationTemplate.DEAD_LETTER, String.class));
            target.write(destination, reason, events == null ? List.of() : events);
            metrics.destinationEvents(destination, "dead-lettered", count);
            LOG.warn("{} {} dead-lettered to {}: {}", field("destination", destination), field("events", count),
                    target.describe(), reason, only("outcome", "dead-lettered"), only("reason", reason));
        } else {
            java.util.concurrent.atomic.AtomicBoolean messageFailed =
                    exchange.getProperty(MESSAGE_FAILED, java.util.concurrent.atomic.AtomicBoolean.class);
            if (messageFailed != null) {
                messageFailed.set(true);
            }
            metrics.destinationEvents(destination, "failed", count);
            LOG.warn("{} {} not delivered{}: {}", field("destination", destination), field("events", count),
                    exchange.getProperty(REPLAY, false, Boolean.class) ? " (replay: the dead letter stays)" : "", reason,
                    only("outcome", "failed"), only("reason", reason));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> failures(Exchange exchange) {
        return exchange.getProperty(FAILED_DESTINATIONS, Map.class);
    }

    static String reason(Throwable e) {
        if (e == null) {
            return "unknown";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root && !(root instanceof DestinationUnavailableException)) {
            root = root.getCause();
        }
        return LogSafe.oneLine(root.getClass().getSimpleName() + ": " + root.getMessage()); // oneLine redacts secrets too
    }

    /** A destination that failed for an earlier batch of the same message: permanent for the rest of it. */
    static final class DestinationUnavailableException extends RuntimeException {
        DestinationUnavailableException(String message) {
            super(message);
        }
    }
}
