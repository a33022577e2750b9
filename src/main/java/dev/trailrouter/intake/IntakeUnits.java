package dev.trailrouter.intake;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;


import dev.trailrouter.decode.RejectedInputException;
import dev.trailrouter.ledger.DeliveryLedger;
import dev.trailrouter.observe.LogSafe;

/**
 * What every intake that sends its units through the routes itself (the pollers, the backfill, the SNS push) does
 * after the send: it turns the exchange's failure into the unit's ledger, and waits, bounded, for work a destination
 * deferred. One place, so the intakes cannot drift apart on either.
 */
public final class IntakeUnits {

    /** How long a unit waits for a destination's deferred group before its verdict says retry. */
    public static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(2);

    private IntakeUnits() {
    }

    /** The route's failure, if any: bad input rejects the unit, anything else fails it (unless it failed already). */
    public static void caught(DeliveryLedger ledger, Exception failure) {
        if (failure == null) {
            return;
        }
        RejectedInputException rejected = RejectedInputException.in(failure);
        if (rejected != null) {
            ledger.reject(rejected.reason(), rejected.getMessage());
        } else if (!ledger.failing()) {
            ledger.failedToProcess(LogSafe.rootCause(failure));
        }
    }

    /**
     * Waits at most {@code max} for the unit's deferred work (a Slack group holding some of its events); a group still
     * pending then makes the verdict a retry. {@code settled()} never fails: a failed group is in the verdict.
     */
    public static void awaitSettled(DeliveryLedger ledger, Duration max) {
        try {
            ledger.settled().get(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // the verdict reads the groups
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
