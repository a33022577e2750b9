package dev.trailrouter.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trailrouter.TrailRouterBeans;
import dev.trailrouter.event.Event;
import dev.trailrouter.event.Origin;
import dev.trailrouter.ledger.DeliveryLedger;
import dev.trailrouter.ledger.UnitKind;
import dev.trailrouter.ledger.Verdict;
import dev.trailrouter.state.DeliveredEvents;
import dev.trailrouter.state.StateStoreException;

/**
 * Dedup inside the destination routes: the real webhook template and error handler, its {@code post} step replaced by
 * a receiver the test holds or releases per event, and an in-memory {@link DeliveredEvents} the test can take down.
 * Event ids are the test's own ({@code k1}, {@code b0-3}…): what is tested is which unit waits for which, and what
 * a store outage does to a unit's batches, not the payloads.
 */
class DedupRoutesTest extends CamelTestSupport {

    @TempDir
    static Path deadLetters;

    final MemoryStore store = new MemoryStore();
    /** Ids of every event posted, in order (a post is entered before the receiver answers). */
    final List<String> posted = new CopyOnWriteArrayList<>();
    /** Per event id: the post carrying it waits until this is counted down. */
    final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();
    /** Event ids the receiver refuses with a 400. */
    final Set<String> refused = ConcurrentHashMap.newKeySet();

    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        configuration.withUseAdviceWith(true);
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getPropertiesComponent().addInitialProperty("trailrouter.aws.region", "eu-west-1");
        context.getPropertiesComponent().addInitialProperty("trailrouter.state.store", "none");
        new TrailRouterBeans().configure(context);
        context.getRegistry().bind("deliveredEvents", store); // found by type, as the real stores are
        return context;
    }

    @Override
    protected RoutesBuilder[] createRouteBuilders() {
        return new RoutesBuilder[] {new WebhookTemplate(), new RouteBuilder() {
            @Override
            public void configure() {
                templatedRoute(WebhookTemplate.TEMPLATE).routeId("dest-hook")
                        .parameter("name", "hook").parameter("url", "http://127.0.0.1:9/hook")
                        .parameter("maxRetries", "0");
                templatedRoute(WebhookTemplate.TEMPLATE).routeId("dest-kept")
                        .parameter("name", "kept").parameter("url", "http://127.0.0.1:9/hook")
                        .parameter("deadLetter", "dir:" + deadLetters)
                        .parameter("maxRetries", "0");
            }
        }};
    }

    private void scriptPosts() throws Exception {
        for (String route : List.of("dest-hook", "dest-kept")) {
            AdviceWith.adviceWith(context, route, r -> r.weaveById("post").replace().process(exchange -> {
                @SuppressWarnings("unchecked")
                List<Event> chunk = exchange.getProperty(DestinationTemplate.CHUNK, List.class);
                for (Event event : chunk) {
                    posted.add(event.id());
                }
                if (chunk.stream().anyMatch(e -> refused.contains(e.id()))) {
                    throw new org.apache.camel.http.base.HttpOperationFailedException("http://127.0.0.1:9/hook", 400,
                            "status 400", null, Map.of(), "");
                }
                for (Event event : chunk) {
                    CountDownLatch hold = holds.get(event.id());
                    if (hold != null && !hold.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never released " + event.id());
                    }
                }
            }));
        }
        context.start();
    }

    private static Event event(String id) {
        return new Event(id, "2026-11-30T09:00:00Z", "cloudtrail", "111122223333", "eu-west-1", "iam",
                "CreateUser", "alice", "198.51.100.1", false, Origin.ofMessage("q", "m"), null);
    }

    /** One batch of one unit to one destination, as direct:deliver's recipient list sends it. */
    private Exchange send(String destination, DeliveryLedger ledger, String... ids) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getIn().setBody(Stream.of(ids).map(DedupRoutesTest::event).collect(Collectors.toCollection(ArrayList::new)));
        exchange.setVariable(DeliveryLedger.VARIABLE, ledger);
        template.send("direct:dest-" + destination, exchange);
        assertNull(exchange.getException(), "a destination reports to the ledger, it does not throw");
        return exchange;
    }

    private DeliveryLedger unit(String destination, String... ids) {
        DeliveryLedger ledger = DeliveryLedger.create("q", "m-" + System.nanoTime(), UnitKind.QUEUE_MESSAGE);
        send(destination, ledger, ids);
        return ledger;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(5);
        }
    }

    /**
     * Unit A posts k1 and holds its claim. Unit B brings k1 and k2: it takes k2, meets A's claim on k1, gives k2 back
     * and waits, without asking the store (a claim comes before the question). When A is done, B takes k2 on its next
     * pass and posts it. Unit C brings k2 and must wait for B. Before the fix B's next pass reused the claim whose
     * future had completed when B gave k2 back, so C "waited" on a finished future and asked the store in a loop until
     * B finished (thousands of asks in half a second; after 60 s it would have delivered k2 a second time). Now C does
     * not ask while B holds k2, and asks once when B is done.
     */
    @Test
    void aThirdUnitWaitsForTheClaimAUnitTookAfterWaitingInsteadOfAskingTheStoreInALoop() throws Exception {
        scriptPosts();
        holds.put("k1", new CountDownLatch(1));
        holds.put("k2", new CountDownLatch(1));
        ExecutorService units = Executors.newFixedThreadPool(3);
        try {
            Future<DeliveryLedger> a = units.submit(() -> unit("hook", "k1"));
            await("A posting k1", () -> posted.contains("k1"));
            int asksBeforeB = store.asks.get();
            Future<DeliveryLedger> b = units.submit(() -> unit("hook", "k1", "k2"));
            Thread.sleep(300);
            assertEquals(asksBeforeB, store.asks.get(), "B meets A's claim and waits for A without asking the store");
            holds.get("k1").countDown();
            assertTrue(a.get(20, TimeUnit.SECONDS).verdict().done());
            await("B posting k2", () -> posted.contains("k2"));

            int asksBeforeC = store.asks.get();
            Future<DeliveryLedger> c = units.submit(() -> unit("hook", "k2"));
            Thread.sleep(500);
            int asksWhileBHoldsK2 = store.asks.get() - asksBeforeC;
            holds.get("k2").countDown();

            assertTrue(b.get(20, TimeUnit.SECONDS).verdict().done());
            DeliveryLedger third = c.get(20, TimeUnit.SECONDS);
            System.out.printf("dedup store asks by a unit waiting 500 ms for another unit's claim: %d%n", asksWhileBHoldsK2);
            assertEquals(0, asksWhileBHoldsK2, "C waited for B's claim without asking the store");
            assertTrue(third.verdict().done());
            assertEquals(Map.of("hook", "accepted=1"), third.summary(), "k2 suppressed for C: B delivered it");
            assertEquals(List.of("k1", "k2"), posted, "each event posted once");
        } finally {
            holds.values().forEach(CountDownLatch::countDown);
            units.shutdownNow();
        }
    }

    /**
     * Unit A posts k1 and is held; unit B brings k1 too, and the store's answer to B is slow: computed at once, returned
     * only after A recorded k1 and ended its claim. When B asked the store before claiming, B got "not accepted", then
     * found k1 free and posted it a second time. Now B claims first: it meets A's claim, waits, and asks the store only
     * once A recorded k1, so B suppresses it.
     */
    @Test
    void aUnitFinishingBetweenAnotherUnitsQuestionAndItsClaimIsNotDeliveredTwice() throws Exception {
        scriptPosts();
        holds.put("k1", new CountDownLatch(1));
        ExecutorService units = Executors.newFixedThreadPool(2);
        try {
            Future<DeliveryLedger> a = units.submit(() -> unit("hook", "k1"));
            await("A posting k1", () -> posted.contains("k1"));
            store.stall = new CountDownLatch(1);
            Future<DeliveryLedger> b = units.submit(() -> unit("hook", "k1"));
            Thread.sleep(300); // B is now either waiting on A's claim, or inside its (stalled) question to the store
            holds.get("k1").countDown();
            assertTrue(a.get(20, TimeUnit.SECONDS).verdict().done());
            store.stall.countDown();
            DeliveryLedger second = b.get(20, TimeUnit.SECONDS);
            assertTrue(second.verdict().done());
            assertEquals(List.of("k1"), posted, "k1 posted once");
            assertEquals(Map.of("hook", "accepted=1"), second.summary(), "k1 suppressed for B: A delivered it");
        } finally {
            holds.values().forEach(CountDownLatch::countDown);
            if (store.stall != null) {
                store.stall.countDown();
            }
            units.shutdownNow();
        }
    }

    /**
     * A message of three batches, its destination with a dead-letter target, the dedup store down. Every batch fails
     * for the destination and none is dead-lettered: the message comes back whole. Before the fix the first batch
     * failed (the store), and the second and third were written to the dead letters as "gave up earlier" while the
     * message was retried and delivered them as well. With the store back, the retry delivers all three batches.
     */
    @Test
    void withTheStoreDownEveryBatchOfTheUnitFailsAndNoneIsDeadLettered() throws Exception {
        scriptPosts();
        store.down = true;
        DeliveryLedger ledger = DeliveryLedger.create("q", "m-1", UnitKind.QUEUE_MESSAGE);
        for (int batch = 0; batch < 3; batch++) {
            send("kept", ledger, "b" + batch + "-0", "b" + batch + "-1", "b" + batch + "-2");
        }

        Verdict verdict = ledger.verdict();
        assertEquals(Verdict.Decision.RETRY, verdict.decision());
        assertTrue(verdict.reason().contains("the dedup store cannot answer"), verdict.reason());
        assertEquals(Map.of("kept", "failed=9"), ledger.summary(), "no batch dead-lettered");
        assertEquals(List.of(), deadLetterFiles("b"), "nothing in the dead letters");
        assertEquals(List.of(), posted);

        store.down = false; // the message comes back
        DeliveryLedger retry = DeliveryLedger.create("q", "m-1", UnitKind.QUEUE_MESSAGE);
        for (int batch = 0; batch < 3; batch++) {
            send("kept", retry, "b" + batch + "-0", "b" + batch + "-1", "b" + batch + "-2");
        }
        assertTrue(retry.verdict().done());
        assertEquals(Map.of("kept", "accepted=9"), retry.summary());
        assertEquals(9, Set.copyOf(posted).size());
        assertEquals(List.of(), deadLetterFiles("b"));
    }

    /** A batch failed by its destination still dead-letters the unit's later batches (that rule is unchanged). */
    @Test
    void laterBatchesStillFollowAnEarlierBatchIntoTheDeadLetters() throws Exception {
        scriptPosts();
        refused.add("d0");
        DeliveryLedger ledger = DeliveryLedger.create("q", "m-2", UnitKind.QUEUE_MESSAGE);
        for (int batch = 0; batch < 2; batch++) {
            send("kept", ledger, "d" + batch);
        }
        assertTrue(ledger.verdict().done());
        assertEquals(Map.of("kept", "dead-lettered=2"), ledger.summary());
        assertEquals(1, deadLetterFiles("d0").size());
        assertEquals(1, deadLetterFiles("d1").size());
        assertEquals(List.of("d0"), posted, "the second batch followed without an attempt");
        assertFalse(store.recorded("kept").contains("cloudtrail:d0"), "a dead-lettered event is never recorded");
    }

    /** Dead-letter documents holding an event whose id starts with the prefix (the directory is the class's). */
    private static List<Path> deadLetterFiles(String idPrefix) throws Exception {
        try (Stream<Path> files = Files.walk(deadLetters)) {
            return files.filter(Files::isRegularFile).filter(f -> {
                try {
                    return Files.readString(f).contains("\"id\":\"" + idPrefix);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    /** Accepted ids per destination in memory; asks counted; can be taken down. */
    static final class MemoryStore implements DeliveredEvents {
        final Map<String, Set<String>> accepted = new ConcurrentHashMap<>();
        final AtomicInteger asks = new AtomicInteger();
        volatile boolean down;
        /** When set, an answer is computed at once and returned only once this is counted down (a slow store). */
        volatile CountDownLatch stall;

        @Override
        public Set<String> accepted(String destination, Collection<String> eventIds) {
            asks.incrementAndGet();
            if (down) {
                throw new StateStoreException("injected: the table cannot be reached");
            }
            Set<String> have = recorded(destination);
            Set<String> answer = eventIds.stream().filter(have::contains).collect(Collectors.toSet());
            CountDownLatch slow = stall;
            if (slow != null) {
                try {
                    slow.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return answer;
        }

        @Override
        public void record(String destination, Collection<String> eventIds) {
            if (down) {
                throw new StateStoreException("injected: the table cannot be reached");
            }
            accepted.computeIfAbsent(destination, d -> ConcurrentHashMap.newKeySet()).addAll(eventIds);
        }

        Set<String> recorded(String destination) {
            return accepted.getOrDefault(destination, Set.of());
        }
    }
}
