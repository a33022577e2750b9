package dev.trailrouter.it;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Assertions;

/** Polls a condition until it holds or the time is up; the test fails with the description then. */
final class Eventually {

    private Eventually() {
    }

    static void within(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        if (!condition.getAsBoolean()) {
            Assertions.fail("not within " + timeout + ": " + what);
        }
    }

    /** Holds for the whole period (checked every 100 ms). */
    static void throughout(Duration period, String what, BooleanSupplier condition) throws InterruptedException {
        Instant end = Instant.now().plus(period);
        while (Instant.now().isBefore(end)) {
            if (!condition.getAsBoolean()) {
                Assertions.fail("stopped holding: " + what);
            }
            Thread.sleep(100);
        }
    }
}
