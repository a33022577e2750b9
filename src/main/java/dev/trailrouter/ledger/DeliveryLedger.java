package dev.trailrouter.ledger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.Exchange;

/**
 * The delivery account of one intake unit (an SQS message today; an SNS push, a poll window or a backfill object are
 * the same kind of unit), and the one place that decides its fate.
 *
 * <p>The intake that received the unit opens the ledger ({@link #open}); it travels with the unit's exchange as one
 * exchange variable, which every copy Camel makes (splits, the fan-out) shares. Decoding reports the events it read and
 * may reject the unit as bad input; each destination reports, per batch, that it accepted the events, dead-lettered
 * them, or failed without a dead-letter target; a destination that gathers events across units (a Slack burst group)
 * reports the group as deferred work. When the unit's route has run and its deferred work is settled, the intake asks
 * {@link #verdict()} and acts on it — for SQS: delete, leave for redelivery, or dead-letter and delete. Nothing else
 * decides; nothing else keeps per-unit delivery state.
 *
 * <p>Thread-safe: batches of one unit may be delivered on several threads, and deferred groups settle on others.
 */
public final class DeliveryLedger {

    /** The exchange variable that holds the unit's ledger. */
    public static final String VARIABLE = "trailrouterLedger";

    private final String source;
    private final String unitId;
    private final UnitKind kind;
    private final long openedNanos = System.nanoTime();
    private final AtomicLong events = new AtomicLong();
    private final Map<String, DestinationAccount> destinations = new ConcurrentHashMap<>();
    private final Map<CompletableFuture<Void>, String> deferred = new ConcurrentHashMap<>();
    private volatile String shape = "-";
    private volatile Object original;
    private volatile Verdict rejection;
    private volatile String stageFailure;

    private DeliveryLedger(String source, String unitId, UnitKind kind) {
        this.source = source;
        this.unitId = unitId;
        this.kind = kind;
    }

    /** A ledger not attached to an exchange (tests, or a unit that is not processed by a route). */
    public static DeliveryLedger create(String source, String unitId, UnitKind kind) {
        return new DeliveryLedger(source, unitId, kind);
    }

    /** Opens the unit's ledger on its exchange: the intake's first step. */
    public static DeliveryLedger open(Exchange exchange, String source, String unitId, UnitKind kind) {
        DeliveryLedger ledger = new DeliveryLedger(source, unitId, kind);
        exchange.setVariable(VARIABLE, ledger);
        return ledger;
    }

    /** The unit's ledger, or null when the exchange carries none. */
    public static DeliveryLedger of(Exchange exchange) {
        return exchange.getVariable(VARIABLE, DeliveryLedger.class);
    }

    /** Where the unit came from: the queue's name for an SQS message. */
    public String source() {
        return source;
    }

    /** The unit's own id: the SQS message id. */
    public String unitId() {
        return unitId;
    }

    public UnitKind kind() {
        return kind;
    }

    /** The unit as it was received (an SQS message's body): what a rejection writes to the dead-letter queue. */
    public void original(Object received) {
        this.original = received;
    }

    public Object original() {
        return original;
    }

    // ---- decoding reports

    /** What the unit turned out to be (for the outcome line), e.g. {@code sns/s3_notification}. */
    public void shape(String shape) {
        this.shape = shape;
    }

    public String shape() {
        return shape;
    }

    /** Events read from the unit so far. */
    public void decoded(int count) {
        events.addAndGet(count);
    }

    public long events() {
        return events.get();
    }

    /** Bad input: the unit goes to the dead-letter queue with this reason, whatever its destinations did. */
    public void reject(String reason, String detail) {
        rejection = Verdict.reject(reason, detail);
    }

    /** The rejected unit could not be written to the dead-letter queue: it stays where it is and is tried again. */
    public void rejectionNotWritten(String why) {
        rejection = null;
        stageFailure = why;
    }

    /** A failure outside the destinations (S3 throttled, access denied…): the unit is tried again later. */
    public void failedToProcess(String reason) {
        if (stageFailure == null) {
            stageFailure = reason;
        }
    }

    /**
     * Whether the unit will be tried again whatever happens next (a destination failed without a dead-letter target,
     * or processing failed): reading on would only produce duplicates, so decoding stops.
     */
    public boolean failing() {
        if (stageFailure != null || rejection != null) {
            return true;
        }
        for (DestinationAccount account : destinations.values()) {
            if (account.unresolved) {
                return true;
            }
        }
        for (CompletableFuture<Void> group : deferred.keySet()) {
            if (group.isCompletedExceptionally()) {
                return true;
            }
        }
        return false;
    }

    // ---- destination reports

    public void accepted(String destination, int count) {
        account(destination).accepted.addAndGet(count);
    }

    /** The destination gave up on these events and wrote them to its dead-letter target. */
    public void deadLettered(String destination, int count, String reason) {
        DestinationAccount account = account(destination);
        account.deadLettered.addAndGet(count);
        account.gaveUp(reason);
    }

    /** The destination neither accepted nor dead-lettered these events: the unit must be tried again. */
    public void failed(String destination, int count, String reason) {
        DestinationAccount account = account(destination);
        account.failed.addAndGet(count);
        account.gaveUp(reason);
        account.unresolved = true;
    }

    /**
     * Why this destination already gave up on events of this unit (dead-lettered or failed), or null. Its later
     * batches of the unit go the same way without a new retry budget: the other destinations are not held up again.
     */
    public String failureOf(String destination) {
        DestinationAccount account = destinations.get(destination);
        return account == null ? null : account.failure;
    }

    /**
     * Whether this destination left events of this unit neither accepted nor dead-lettered ({@link #failed}): the unit
     * comes back for them whatever its later batches do, so those batches must not be dead-lettered (the retry would
     * deliver them as well) but fail the same way.
     */
    public boolean unresolved(String destination) {
        DestinationAccount account = destinations.get(destination);
        return account != null && account.unresolved;
    }

    /**
     * Events of this unit that a destination will deliver later, in a group with other units' events. The unit waits
     * for the group ({@link #settled()}); a group that fails counts as a failure of that destination for the unit.
     */
    public void deferred(String destination, int count, List<CompletableFuture<Void>> groups) {
        if (!kind.mayDefer()) {
            throw new IllegalStateException(kind + " units do not wait for deferred deliveries");
        }
        DestinationAccount account = account(destination);
        account.waiting.addAndGet(count);
        for (CompletableFuture<Void> group : groups) {
            deferred.putIfAbsent(group, destination);
        }
    }

    /** Completes when every deferred group of this unit is settled (at once when there is none). */
    public CompletableFuture<Void> settled() {
        if (deferred.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.allOf(deferred.keySet().toArray(CompletableFuture[]::new))
                .handle((ok, failure) -> null); // a failed group is in the accounts; settled means "nothing pending"
    }

    // ---- the decision

    /**
     * The unit's fate, once its route has run and {@link #settled()} completed: rejected (dead-letter with a reason),
     * retry (some destination, or processing, failed), or done (every destination accepted or dead-lettered every
     * event it wants).
     */
    public Verdict verdict() {
        if (rejection != null) {
            return rejection;
        }
        if (stageFailure != null) {
            return Verdict.retry(stageFailure);
        }
        for (Map.Entry<String, DestinationAccount> entry : new java.util.TreeMap<>(destinations).entrySet()) {
            if (entry.getValue().unresolved) {
                return Verdict.retry("destination " + entry.getKey() + ": " + entry.getValue().failure);
            }
        }
        // read from the groups themselves: a callback recording a group's failure could run after the one that
        // resumes the unit, and the verdict would miss it
        for (Map.Entry<CompletableFuture<Void>, String> group : deferred.entrySet()) {
            CompletableFuture<Void> future = group.getKey();
            if (!future.isDone()) {
                return Verdict.retry("destination " + group.getValue() + ": a group holding this unit's events is still pending");
            }
            if (future.isCompletedExceptionally()) {
                Throwable failure = unwrap(future.handle((ok, e) -> e).join());
                return Verdict.retry("destination " + group.getValue() + ": the group holding this unit's events failed: "
                        + failure.getMessage());
            }
        }
        return Verdict.DONE;
    }

    /** Per destination: accepted / dead-lettered / failed / deferred event counts, for the outcome line. */
    public Map<String, String> summary() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : new java.util.TreeSet<>(destinations.keySet())) {
            DestinationAccount a = destinations.get(name);
            List<String> parts = new ArrayList<>();
            add(parts, "accepted", a.accepted.get());
            add(parts, "dead-lettered", a.deadLettered.get());
            add(parts, "failed", a.failed.get());
            add(parts, "grouped", a.waiting.get());
            out.put(name, parts.isEmpty() ? "none" : String.join(",", parts));
        }
        return out;
    }

    public long millis() {
        return (System.nanoTime() - openedNanos) / 1_000_000;
    }

    private static void add(List<String> parts, String label, long n) {
        if (n > 0) {
            parts.add(label + "=" + n);
        }
    }

    private DestinationAccount account(String destination) {
        return destinations.computeIfAbsent(destination, d -> new DestinationAccount());
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static final class DestinationAccount {
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong deadLettered = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong waiting = new AtomicLong();
        /** The first reason the destination gave up on events of this unit. */
        volatile String failure;
        /** Some events were neither accepted nor dead-lettered. */
        volatile boolean unresolved;

        synchronized void gaveUp(String reason) {
            if (failure == null) {
                failure = reason;
            }
        }
    }
}
