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
}
