package dev.trailrouter.state;

import java.util.Optional;

/**
 * Durable progress of the intakes that have no queue to remember it for them (a LookupEvents or FilterLogEvents
 * poller, a backfill): one small value per name, written only after the unit of work it covers was settled by its
 * ledger. The same store family as {@link DeliveredEvents}: a file for one instance, a DynamoDB item for many.
 *
 * <p>Values are small (well under DynamoDB's 400 KB item limit); their format is the intake's.
 */
public interface Checkpoints {

    /**
     * The value saved under {@code name}, or empty when none was saved. A value that exists but cannot be read throws
     * {@link StateStoreException}: an intake never restarts from scratch because its checkpoint was unreadable.
     */
    Optional<String> read(String name);

    /** Saves the value; it is durable when this returns. */
    void write(String name, String value);
}
