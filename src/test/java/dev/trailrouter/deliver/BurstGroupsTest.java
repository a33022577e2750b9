package dev.trailrouter.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.trailrouter.event.CloudTrailEvents;
import dev.trailrouter.event.Event;
import dev.trailrouter.event.Origin;
import dev.trailrouter.support.Fixtures;

class BurstGroupsTest {

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
    private final List<List<Event>> posted = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        thread.shutdownNow();
    }

    private static List<Event> events(String message, int count) throws Exception {
        String[] lines = Fixtures.text("cloudtrail/test-console-login-json.log").split("\n");
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(CloudTrailEvents.fromRecord(Fixtures.JSON.readTree(lines[i % lines.length]),
                    Origin.ofMessage("q", message).atIndex(i)));
        }
        return events;
    }

    @Test
    void eventsOfSeveralMessagesWithinTheWindowArePostedAsOneGroupAndOnlyThenComplete() throws Exception {
        CountDownLatch posting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BurstGroups groups = new BurstGroups(10, 1500, 40, group -> {
            posted.add(List.copyOf(group));
            posting.countDown();
            release.await();
        }, thread);
        List<Event> m1 = events("m1", 2);
        List<Event> m2 = events("m2", 1);
        List<Event> m3 = events("m3", 3);
        List<CompletableFuture<Void>> first = groups.add(m1);
        List<CompletableFuture<Void>> second = groups.add(m2);
        List<CompletableFuture<Void>> third = groups.add(m3);
        assertEquals(1, first.size());
        assertSame(first.get(0), second.get(0), "one group");
        assertSame(first.get(0), third.get(0), "one group");
        assertEquals(6, groups.waiting());

        assertTrue(posting.await(10, TimeUnit.SECONDS), "posted when the window closed");
        assertEquals(1, posted.size());
        assertEquals(6, posted.get(0).size());
        assertEquals(List.of("m1", "m1", "m2", "m3", "m3", "m3"),
                posted.get(0).stream().map(e -> e.origin().messageId()).toList(), "in arrival order");
        assertFalse(first.get(0).isDone(), "not done before the post returned");

        release.countDown();
        first.get(0).get(5, TimeUnit.SECONDS);
        assertEquals(0, groups.waiting());
    }

    @Test
    void aFullGroupIsPostedAtOnceAndTheRestOpensTheNextGroup() throws Exception {
        BurstGroups groups = new BurstGroups(4, 60_000, 16, group -> posted.add(List.copyOf(group)), thread);
        List<CompletableFuture<Void>> futures = groups.add(events("m1", 6));
        assertEquals(2, futures.size(), "the events span two groups");
        futures.get(0).get(5, TimeUnit.SECONDS); // posted long before the window
        assertEquals(1, posted.size());
        assertEquals(4, posted.get(0).size());
        assertFalse(futures.get(1).isDone(), "the second group waits for its window or for more events");
        List<CompletableFuture<Void>> more = groups.add(events("m2", 2));
        assertSame(futures.get(1), more.get(0));
        more.get(0).get(5, TimeUnit.SECONDS);
        assertEquals(List.of(4, 4), posted.stream().map(List::size).toList());
    }

    @Test
    void aFailedPostFailsTheGroupsFuture() throws Exception {
        IllegalStateException down = new IllegalStateException("500 after retries");
        BurstGroups groups = new BurstGroups(10, 50, 40, group -> {
            throw down;
        }, thread);
        CompletableFuture<Void> group = groups.add(events("m1", 3)).get(0);
        ExecutionException failed = assertThrows(ExecutionException.class, () -> group.get(5, TimeUnit.SECONDS));
        assertSame(down, failed.getCause());
        assertEquals(0, groups.waiting(), "room is made even when a post fails");
    }

    @Test
    void addWaitsWhileTheCapacityIsTakenUntilAPostMakesRoom() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        BurstGroups groups = new BurstGroups(2, 60_000, 4, group -> {
            posted.add(List.copyOf(group));
            release.await();
        }, thread);
        groups.add(events("m1", 4)); // two full groups: the first is being posted, the second waits behind it
        AtomicBoolean added = new AtomicBoolean();
        Thread intake = new Thread(() -> {
            try {
                groups.add(events("m2", 1));
                added.set(true);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        intake.start();
        intake.join(500);
        assertTrue(intake.isAlive(), "blocked: 4 events wait, the capacity");
        assertFalse(added.get());
        release.countDown();
        intake.join(5000);
        assertTrue(added.get(), "room was made by the posts");
    }

    @Test
    void onceThePosterStoppedAddFailsAndNoGroupIsLeftWaitingForever() throws Exception {
        BurstGroups groups = new BurstGroups(2, 60_000, 8, group -> posted.add(List.copyOf(group)), thread);
        List<CompletableFuture<Void>> open = groups.add(events("m1", 1));
        thread.shutdown(); // the context is stopping
        assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> groups.add(events("m2", 1)),
                "filling the open group needs the poster");
        assertTrue(open.get(0).isCompletedExceptionally(), "the group m1 waits for fails: m1 stays in the queue");
        assertEquals(0, groups.waiting());
        assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> groups.add(events("m3", 1)),
                "a new group needs the poster");
        assertEquals(0, groups.waiting());
    }

    @Test
    void theCamelPoolDeliveryRuntimeBuildsRefusesWorkOnceStoppedInsteadOfDroppingIt() throws Exception {
        try (var context = new org.apache.camel.impl.DefaultCamelContext()) {
            context.start();
            var manager = context.getExecutorServiceManager();
            ScheduledExecutorService camelThread = manager.newScheduledThreadPool(this, "BurstGroups-test",
                    DeliveryRuntime.rejectingWhenStopped("BurstGroups", 1));
            BurstGroups groups = new BurstGroups(2, 60_000, 8, group -> posted.add(List.copyOf(group)), camelThread);
            CompletableFuture<Void> open = groups.add(events("m1", 1)).get(0);
            manager.shutdownNow(camelThread);
            assertThrows(java.util.concurrent.RejectedExecutionException.class, () -> groups.add(events("m2", 1)));
            assertTrue(open.isCompletedExceptionally(), "not left waiting: Camel's default policy would drop the post");
        }
    }

    @Test
    void refusesACapacitySmallerThanAGroup() {
        assertThrows(IllegalArgumentException.class, () -> new BurstGroups(10, 100, 5, group -> { }, thread));
    }
}
