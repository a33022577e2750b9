package dev.trailrouter.state;

import java.util.Collection;
import java.util.Set;

/**
 * Durable dedup: which events each destination already accepted. An id is recorded for a destination only after the
 * unit's {@link dev.trailrouter.ledger.DeliveryLedger} learnt that destination accepted it, so at-least-once holds: an
 * event whose delivery was not confirmed is delivered again, and one that was is skipped whichever intake brings it
 * again (an SQS redelivery, a re-poll of a trailing window, a backfill overlapping the live queue).
 *
 * <p>Both calls take many ids at once, so a store answers a batch of events in a few requests. Both throw
 * {@link StateStoreException} when the store cannot answer: dedup is never skipped silently.
 */
public interface DeliveredEvents {

    /** Of these event ids, the ones {@code destination} already accepted. */
    Set<String> accepted(String destination, Collection<String> eventIds);

    /** Records that {@code destination} accepted these events. */
    void record(String destination, Collection<String> eventIds);

    /**
     * Claims these events (not accepted yet, as far as the caller saw) for delivery to {@code destination} by this
     * store's holder, so that another process sharing the store does not deliver them at the same moment; answers the
     * ones that cannot be claimed: accepted meanwhile, or claimed by another live holder (the caller waits for those
     * and asks again). A claim ends with {@link #record} (the events are then accepted) or {@link #release}, and with
     * its holder's process. Why: {@link #accepted} then delivery then {@link #record} is not atomic, and two processes
     * (the live consumer and a backfill on one state directory) reading the same object at the same moment would both
     * pass {@link #accepted} and both deliver.
     *
     * <p>The default claims nothing and refuses nothing: a store that cannot hold claims keeps that race (a
     * duplicate, never a loss; see docs/operations.md, "Dedup").
     */
    default Set<String> claim(String destination, Collection<String> eventIds) {
        return Set.of();
    }

    /** Ends this holder's claims on these events without recording them (their delivery failed or was given up). */
    default void release(String destination, Collection<String> eventIds) {
    }

    /**
     * How metrics and logs name this store: the {@code trailrouter.state.store} value that chose it ({@code file},
     * {@code dynamodb}, {@code #bean}), the same tag on requests and on failures.
     */
    default String storeName() {
        return getClass().getSimpleName();
    }
}
