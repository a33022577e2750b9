package dev.trailrouter.deliver;

import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultRegistry;
import org.junit.jupiter.api.Test;

class DeliveryRuntimeTest {

    /**
     * Two units reaching a destination for the first time at the same moment (two queues carrying the same object
     * right after start-up) both ask for dedup: they must get the one {@link Dedup}, whose in-memory claims keep them
     * from delivering the same event twice. Each used to make its own when both asked before either had stored it,
     * and then both delivered (MotoDedupTest saw it once on a loaded machine). The registry holds the first lookup
     * until a second one starts, or 500 ms: without the lock the two lookups overlap and two Dedups are made.
     */
    @Test
    void unitsAskingForDedupAtTheSameMomentShareOne() throws Exception {
        CountDownLatch bothLooking = new CountDownLatch(2);
        DefaultRegistry registry = new DefaultRegistry() {
            @Override
            public <T> Set<T> findByType(Class<T> type) {
                bothLooking.countDown();
                try {
                    bothLooking.await(500, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.findByType(type);
            }
        };
        registry.bind("deliveredEvents", new DedupRoutesTest.MemoryStore());
        ExecutorService two = Executors.newFixedThreadPool(2);
        try (DefaultCamelContext context = new DefaultCamelContext(registry)) {
            DeliveryRuntime runtime = new DeliveryRuntime(context, null, null, null, null, null);
            Future<Optional<Dedup>> first = two.submit(runtime::dedup);
            Future<Optional<Dedup>> second = two.submit(runtime::dedup);
            assertSame(first.get(5, TimeUnit.SECONDS).orElseThrow(), second.get(5, TimeUnit.SECONDS).orElseThrow());
            assertSame(first.get().orElseThrow(), runtime.dedup().orElseThrow(), "and every later unit gets it too");
        } finally {
            two.shutdownNow();
        }
    }
}
