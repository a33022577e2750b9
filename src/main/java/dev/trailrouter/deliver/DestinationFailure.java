package dev.trailrouter.deliver;

import static dev.trailrouter.observe.LogFields.field;
import static dev.trailrouter.observe.LogFields.only;

import java.util.List;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.trailrouter.event.Event;
import dev.trailrouter.ledger.DeliveryLedger;
import dev.trailrouter.ledger.UnitKind;
import dev.trailrouter.observe.LogSafe;
import dev.trailrouter.observe.PipelineMetrics;

/** The failure side of {@link DestinationTemplate}: filtering, retry hooks, dead-lettering. */
public final class DestinationFailure {

    private static final Logger LOG = LoggerFactory.getLogger("dev.trailrouter.deliver");

    private DestinationFailure() {
    }

    /**
     * Keeps the events this destination wants and has not accepted yet (dedup); fails fast when it already failed for
     * this unit. A prefiltered unit (a burst group) skips both: its events were filtered, checked and claimed when the
     * group gathered them.
     */
    static void filterAndCheck(Exchange exchange) {
        Destination destination = Destination.of(exchange);
        DeliveryLedger ledger = DeliveryLedger.of(exchange);
        List<Event> kept = DestinationTemplate.events(exchange);
        if (ledger == null || !ledger.kind().prefiltered()) {
            kept = destination.filter().apply(kept);
            Dedup dedup = DeliveryRuntime.of(exchange).dedup().orElse(null);
            if (dedup != null && !kept.isEmpty() && (ledger == null || ledger.failureOf(destination.name()) == null)) {
                kept = dedup.unseen(exchange, destination, kept);
            }
        }
        exchange.getIn().setBody(kept);
        exchange.setProperty(DestinationTemplate.CHUNK, kept);
        if (!kept.isEmpty()) {
            checkEarlier(exchange);
        }
    }

    /**
     * Before each part of a batch (a chunk, an object, a request): once the destination gave up on events of this
     * unit, the rest go the same way, without a new attempt: to the dead letters when the earlier ones went there, or,
     * when the earlier ones failed outright (no dead-letter target, the dedup store down, a dead-letter write failed),
     * the unit comes back whole and these are failed too ({@link #deadLetterConfigured}).
     */
    static void checkEarlier(Exchange exchange) {
        DeliveryLedger ledger = DeliveryLedger.of(exchange);
        String earlier = ledger == null ? null : ledger.failureOf(Destination.of(exchange).name());
        if (earlier != null) {
            throw new DestinationUnavailableException("gave up earlier for this unit: " + earlier);
        }
    }

    static boolean deadLetterConfigured(Exchange exchange) {
        DeliveryLedger ledger = DeliveryLedger.of(exchange);
        Destination destination = Destination.of(exchange);
        return destination != null && !destination.deadLetter().isBlank()
                && (ledger == null || ledger.kind().deadLetters())
                && !stopping(exchange)
                && !comesBackAnyway(exchange, ledger, destination);
    }

    /**
     * A batch skipped because an earlier one of the same unit failed without being dead-lettered (the dedup store could
     * not answer, or a dead-letter write failed): the unit is tried again whatever happens to this batch, and the retry
     * delivers it. Dead-lettering it now would put events in the dead letters that the retry also delivers, so it
     * fails the same way instead.
     */
    private static boolean comesBackAnyway(Exchange exchange, DeliveryLedger ledger, Destination destination) {
        return ledger != null && destination != null
                && org.apache.camel.util.ObjectHelper.getException(DestinationUnavailableException.class,
                        DeliveryFailures.caught(exchange)) != null
                && ledger.unresolved(destination.name());
    }

    /**
     * Whether the failure ends here: it was dead-lettered, or the unit's ledger recorded it (the unit's intake then
     * acts on the verdict). Without a ledger (a batch sent to the destination directly) it propagates to the sender.
     */
    static boolean handled(Exchange exchange) {
        return DeliveryLedger.of(exchange) != null || deadLetterConfigured(exchange);
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
        HttpRetryPolicy.applyRetryAfter(exchange, Destination.of(exchange).longValue("maxDelayMillis"));
        Throwable e = exchange.getException();
        if (!(e instanceof DestinationUnavailableException)) {
            LOG.warn("{} attempt={} failed{}: {}", field("destination", Destination.of(exchange).name()),
                    Math.max(1, exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class)),
                    DeliveryFailures.isRetryable(e) ? "" : " (not retryable)", reason(e));
        }
    }

    /** After the last attempt: dead-letter the batch when configured, and report the outcome to the unit's ledger. */
    @SuppressWarnings("unchecked")
    static void handle(Exchange exchange) {
        String destination = Destination.of(exchange).name();
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = reason(cause);
        List<Event> events = exchange.getProperty(DestinationTemplate.CHUNK, List.class);
        int count = events == null ? 0 : events.size();
        DeliveryLedger ledger = DeliveryLedger.of(exchange);
        DeliveryRuntime runtime = DeliveryRuntime.of(exchange);
        runtime.seen(destination);
        runtime.dedup().ifPresent(dedup -> dedup.gaveUp(exchange, destination, events));
        // retries ran out (or it was down already and failed its one attempt). A rate limit is not "down": the next
        // batch keeps its full retries and honours Retry-After again, so throttling never costs a batch its retries
        if (!(cause instanceof DestinationUnavailableException) && DeliveryFailures.isRetryable(cause)
                && !DeliveryFailures.isRateLimited(cause)) {
            runtime.markDown(destination);
        }
        PipelineMetrics metrics = runtime.metrics;
        if (deadLetterConfigured(exchange)) {
            Destination writer = Destination.of(exchange);
            DeadLetterTarget target = runtime.deadLetters.forSpec(writer.deadLetter(), writer.name(),
                    region -> runtime.credentials(writer, region));
            try {
                target.write(destination, reason, events == null ? List.of() : events);
            } catch (RuntimeException writeFailure) {
                // never thrown from here: Camel's fallback handler would log the batch's failure unmasked, and the
                // ledger would not know. The events are neither delivered nor dead-lettered: the unit comes back.
                if (ledger == null) {
                    throw writeFailure;
                }
                String why = "the dead-letter write to " + target.describe() + " failed (" + reason(writeFailure)
                        + ") after: " + reason;
                ledger.failed(destination, count, why);
                metrics.destinationEvents(destination, "failed", count);
                LOG.warn("destination={} events={} not delivered: {}", destination, count, why);
                return;
            }
            if (ledger != null) {
                ledger.deadLettered(destination, count, reason);
            }
            metrics.destinationEvents(destination, "dead-lettered", count);
            LOG.warn("{} {} dead-lettered to {}: {}", field("destination", destination), field("events", count),
                    target.describe(), reason, only("outcome", "dead-lettered"), only("reason", reason));
        } else {
            if (ledger != null) {
                ledger.failed(destination, count, reason);
            }
            metrics.destinationEvents(destination, "failed", count);
            LOG.warn("{} {} not delivered{}: {}", field("destination", destination), field("events", count),
                    ledger != null && ledger.kind() == UnitKind.REPLAY ? " (replay: the dead letter stays)" : "", reason,
                    only("outcome", "failed"), only("reason", reason));
        }
    }

    /**
     * A failure in one line, for logs, dead-letter documents and the ledger. An HTTP failure is its status and the
     * endpoint's origin only: camel-http's own message holds the whole URL, whose path or query may be a token.
     */
    static String reason(Throwable e) {
        if (e == null) {
            return "unknown";
        }
        var http = org.apache.camel.util.ObjectHelper.getException(
                org.apache.camel.http.base.HttpOperationFailedException.class, e);
        if (http != null) {
            return LogSafe.oneLine("HTTP " + http.getStatusCode() + " " + http.getStatusText() + " from "
                    + Destination.origin(http.getUri()));
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root && !(root instanceof DestinationUnavailableException)) {
            root = root.getCause();
        }
        return LogSafe.oneLine(root.getClass().getSimpleName() + ": " + root.getMessage()); // oneLine redacts secrets too
    }

    /** A destination that failed for an earlier batch of the same unit: permanent for the rest of it. */
    static final class DestinationUnavailableException extends RuntimeException {
        DestinationUnavailableException(String message) {
            super(message);
        }
    }
}
