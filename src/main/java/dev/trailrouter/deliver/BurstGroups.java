package dev.trailrouter.deliver;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.trailrouter.event.Event;

/**
 * Gathers the events of a burst, whichever SQS messages carry them, into groups of at most {@code maxEvents}, and
 * posts each group once: when it is full, or {@code windowMillis} after its first event arrived. Groups are posted
 * one after the other, in the order they were opened, on one thread of their own ({@code poster}).
 *
 * <p>{@link #add} returns, for each group the events went into, a future that completes when that group's post
 * returned (accepted, or dead-lettered by the destination's error handling) and fails when it failed. The SQS message
 * that carried the events waits for these futures before it is deleted (its {@link dev.trailrouter.ledger.DeliveryLedger} waits for them), so grouping never
 * deletes a message ahead of its events.
 *
 * <p>Memory stays bounded: at most {@code capacity} events wait to be posted; {@link #add} blocks the caller (the
 * intake thread) until the poster made room. That is the back-pressure a slow or rate-limited destination puts on
 * intake.
 */
final class BurstGroups {

    /** Posts one group; throws when it was neither accepted nor dead-lettered. */
    @FunctionalInterface
    interface Poster {
        void post(List<Event> group) throws Exception;
    }

    private final int maxEvents;
    private final long windowMillis;
    private final int capacity;
    private final Poster poster;
    private final ScheduledExecutorService thread;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition room = lock.newCondition();
    /** Events added and not yet posted (the open group and the closed ones waiting for the poster). */
    private int waiting;
    private Group open;

    BurstGroups(int maxEvents, long windowMillis, int capacity, Poster poster, ScheduledExecutorService thread) {
        if (maxEvents < 1 || capacity < maxEvents) {
            throw new IllegalArgumentException("maxEvents " + maxEvents + " and capacity " + capacity);
        }
        this.maxEvents = maxEvents;
        this.windowMillis = windowMillis;
        this.capacity = capacity;
        this.poster = poster;
        this.thread = thread;
    }

    /**
     * Adds events to the open group (opening groups as they fill), waiting while {@code capacity} events are already
     * waiting. Returns the futures of the groups the events went into, in order.
     */
    List<CompletableFuture<Void>> add(List<Event> events) throws InterruptedException {
        List<CompletableFuture<Void>> groups = new ArrayList<>(1);
        int next = 0;
        while (next < events.size()) {
            Group full = null;
            RejectedExecutionException rejected = null;
            lock.lockInterruptibly();
            try {
                while (waiting >= capacity) {
                    room.await();
                }
                if (open == null) {
                    Group group = new Group();
                    // throws when the context is stopping: nothing was taken, and the message fails undeleted
                    group.timer = thread.schedule(() -> closeWhenDue(group), windowMillis, TimeUnit.MILLISECONDS);
                    open = group;
                }
                int take = Math.min(Math.min(events.size() - next, maxEvents - open.events.size()), capacity - waiting);
                open.events.addAll(events.subList(next, next + take));
                next += take;
                waiting += take;
                if (groups.isEmpty() || groups.get(groups.size() - 1) != open.done) {
                    groups.add(open.done);
                }
                if (open.events.size() == maxEvents) {
                    full = open;
                    open = null;
                    full.timer.cancel(false);
                    try {
                        Group posted = full;
                        thread.execute(() -> post(posted));
                        full = null;
                    } catch (RejectedExecutionException stopping) {
                        waiting -= full.events.size();
                        room.signalAll();
                        rejected = stopping;
                    }
                }
            } finally {
                lock.unlock();
            }
            if (rejected != null) {
                full.done.completeExceptionally(rejected); // outside the lock: its messages fail undeleted
                throw rejected;
            }
        }
        return groups;
    }

    /** Events added and not yet posted. */
    int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    private void closeWhenDue(Group group) {
        lock.lock();
        try {
            if (open != group) {
                return; // it filled up and was posted already
            }
            open = null;
        } finally {
            lock.unlock();
        }
        post(group);
    }

    private void post(Group group) {
        Throwable failure = null;
        try {
            poster.post(group.events);
        } catch (Throwable e) {
            failure = e;
        }
        lock.lock();
        try {
            waiting -= group.events.size();
            room.signalAll();
        } finally {
            lock.unlock();
        }
        if (failure == null) {
            group.done.complete(null);
        } else {
            group.done.completeExceptionally(failure);
        }
    }

    private static final class Group {
        final List<Event> events = new ArrayList<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        /** The window's end; cancelled when the group fills up first (guarded by the lock). */
        Future<?> timer;
    }
}
