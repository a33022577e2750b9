package dev.trailrouter.intake.poll;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Spaces API calls evenly: at most {@code perSecond} a second, one every {@code 1/perSecond} seconds, for every poller
 * that shares it (the pollers of one account and region: AWS counts LookupEvents' 2 requests/s there). Even spacing
 * rather than a burst allowance, because a burst is what the API throttles.
 */
final class RequestPacer {

    private final long intervalNanos;
    private long next = System.nanoTime();

    RequestPacer(double perSecond) {
        this.intervalNanos = (long) Math.ceil(TimeUnit.SECONDS.toNanos(1) / perSecond);
    }

    /** Waits for this caller's slot. */
    void acquire() throws InterruptedException {
        long slot;
        synchronized (this) {
            long now = System.nanoTime();
            slot = Math.max(now, next);
            next = slot + intervalNanos;
        }
        long wait;
        while ((wait = slot - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
            if (Thread.interrupted()) {
                throw new InterruptedException("stopping");
            }
        }
    }
}
