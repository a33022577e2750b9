package dev.trailrouter.it;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

import dev.trailrouter.demo.WebhookReceiver.Answer;

/**
 * A receiver's script for {@code kill -9} tests that count, per event id, what the receiver accepted. The receiver
 * records a request when it answers, and a process killed while a request is in flight never learns the answer; so a
 * request answered 200 to a dead client would count as accepted although no process could have known it, and its
 * resend after the restart would look like a duplicate dedup should have prevented (it cannot: the part was never
 * confirmed; docs/operations.md, "Dedup"). This script makes the moment of the kill exact, as {@link DedupKillIT}
 * does: it answers 200 (after {@code delayMillis}, a slow receiver) until request number {@code holdAt}, holds that
 * request until {@link #killed()} says the process is gone, and answers it and every other request of the killed
 * process 503 (the test then gives the receiver a new script for the restarted process). What {@code accepted()}
 * holds is then exactly what the killed process was told.
 */
final class KilledClientAnswers implements IntFunction<Answer> {

    private final int holdAt;
    private final long delayMillis;
    private final CountDownLatch holding = new CountDownLatch(1);
    private final CountDownLatch killed = new CountDownLatch(1);
    private final AtomicBoolean held = new AtomicBoolean();
    private volatile boolean dead;

    KilledClientAnswers(int holdAt, long delayMillis) {
        this.holdAt = holdAt;
        this.delayMillis = delayMillis;
    }

    @Override
    public Answer apply(int n) {
        if (!dead && n >= holdAt && held.compareAndSet(false, true)) {
            holding.countDown();
            try {
                killed.await(90, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Answer.of(503);
        }
        // a slow receiver; the answer is chosen after the pause, so a request still in it when the process is about
        // to be killed hears 503 (the receiver answers requests side by side)
        try {
            Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return dead ? Answer.of(503) : Answer.of(200);
    }

    /**
     * Whether request number {@code holdAt} arrived (and is being held) within {@code wait}; then half a second more,
     * so that the answer sent just before it (a process delivering several units at once has another request right
     * behind) reaches the process and is recorded. A kill between a 200 reaching the process and its record is the
     * window at-least-once cannot close (the part is sent again); the tests kill outside it, on a request whose
     * answer the process cannot have. From then on every answer is 503: the process is about to be killed, and a 200
     * that reached it while it died would count as accepted without its record.
     */
    boolean holding(Duration wait) throws InterruptedException {
        boolean arrived = holding.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (arrived) {
            Thread.sleep(500);
            dead = true;
        }
        return arrived;
    }

    /**
     * The process is gone: the held request and any other the dead process had sent are answered 503. Waits a second
     * for those to be answered.
     */
    void killed() throws InterruptedException {
        dead = true;
        killed.countDown();
        Thread.sleep(1000);
    }
}
