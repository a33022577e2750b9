package dev.trailrouter.deliver;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * The deliveries of one SQS message that finish after its route has run: its events' share of groups that a
 * destination posts later ({@link BurstGroups}). The intake route ends in {@link #await()}, so the message's exchange
 * completes — and the aws2-sqs consumer deletes the message — only once every such group was accepted or
 * dead-lettered. If one failed, the exchange fails and the message stays in the queue.
 *
 * <p>The wait is asynchronous: the consumer thread goes on with the next message of its receive while this one waits
 * (that is what lets one group gather the events of many messages), Camel keeps counting the message as in flight,
 * and the aws2-sqs consumer keeps extending its visibility.
 */
public final class DeferredDeliveries {

    public static final String PROPERTY = "trailrouterDeferredDeliveries";

    /** This message's groups, each with the destination it belongs to. */
    private final Map<CompletableFuture<Void>, String> pending = new ConcurrentHashMap<>();

    /** Set on a message's exchange by intake when its destinations may defer (not on FIFO queues: see docs). */
    public static void begin(Exchange exchange) {
        exchange.setProperty(PROPERTY, new DeferredDeliveries());
    }

    static DeferredDeliveries of(Exchange exchange) {
        return exchange.getProperty(PROPERTY, DeferredDeliveries.class);
    }

    /**
     * Records that this message's events went into these groups of {@code destination}. A failed group also counts as
     * a failure of the destination for the rest of the message, as a failed batch does ({@link DestinationFailure}).
     */
    @SuppressWarnings("unchecked")
    void add(Exchange exchange, String destination, List<CompletableFuture<Void>> groups) {
        Map<String, String> failedDestinations = exchange.getProperty(DestinationFailure.FAILED_DESTINATIONS, Map.class);
        AtomicBoolean messageFailed = exchange.getProperty(DestinationFailure.MESSAGE_FAILED, AtomicBoolean.class);
        for (CompletableFuture<Void> group : groups) {
            if (pending.putIfAbsent(group, destination) == null) {
                group.whenComplete((ok, failure) -> {
                    if (failure != null) {
                        if (failedDestinations != null) {
                            failedDestinations.putIfAbsent(destination, DestinationFailure.reason(unwrap(failure)));
                        }
                        if (messageFailed != null) {
                            messageFailed.set(true);
                        }
                    }
                });
            }
        }
    }

    /** The step that ends the intake route: waits, without holding the thread, for this message's deferred groups. */
    public static AsyncProcessorSupport await() {
        return new AsyncProcessorSupport() {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                DeferredDeliveries deferred = of(exchange);
                if (deferred == null || deferred.pending.isEmpty()) {
                    callback.done(true);
                    return true;
                }
                CompletableFuture<Void> all = CompletableFuture.allOf(deferred.pending.keySet().toArray(CompletableFuture[]::new));
                if (all.isDone()) {
                    deferred.settle(exchange);
                    callback.done(true);
                    return true;
                }
                Executor executor = DeliveryRuntime.of(exchange).settleExecutor();
                Runnable resume = () -> {
                    try {
                        deferred.settle(exchange);
                    } catch (Throwable e) {
                        exchange.setException(e);
                    } finally {
                        callback.done(false); // whatever happened: a lost callback would hold the message for ever
                    }
                };
                all.whenComplete((ok, failure) -> {
                    try {
                        executor.execute(resume);
                    } catch (RejectedExecutionException stopping) {
                        resume.run();
                    }
                });
                return false;
            }

            @Override
            public String toString() {
                return "awaitDeferredDeliveries";
            }
        };
    }

    /** All groups are done: the exchange fails when one of them failed. */
    private void settle(Exchange exchange) {
        for (Map.Entry<CompletableFuture<Void>, String> group : pending.entrySet()) {
            if (group.getKey().isCompletedExceptionally()) {
                Throwable failure = unwrap(group.getKey().handle((ok, e) -> e).join());
                exchange.setException(new DeferredDeliveryException(group.getValue(), failure));
                return;
            }
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /**
     * A group holding some of this message's events was neither accepted nor dead-lettered. It names the destination
     * and carries the group's reason in its message, without the cause (whose exception was logged with the group's
     * attempts), so the message's outcome line says which destination failed.
     */
    static final class DeferredDeliveryException extends RuntimeException {
        DeferredDeliveryException(String destination, Throwable cause) {
            super("destination " + destination + ": the group holding this message's events failed: "
                    + DestinationFailure.reason(cause));
        }
    }
}
