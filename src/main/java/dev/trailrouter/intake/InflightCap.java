package dev.trailrouter.intake;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * The first step of a queue's route: at most {@code max-inflight} of the queue's messages get past it at once. It runs
 * on the consumer's thread, which waits here for a place when the queue is at its cap — so it makes no receive while it
 * waits (back-pressure on SQS), and what the queue's messages hold in memory is bounded. A place is given back when the
 * message's exchange completes, whatever its outcome.
 *
 * <p>This is what Camel's Throttler does in its concurrent-requests mode, written out because that mode breaks every
 * route dump in Camel 4.17: {@code ThrottleDefinition.getTimePeriodMillis()} throws outside total-requests mode and the
 * XML and YAML writers call it, so JMX {@code dumpRoutesAsXml} and Hawtio's route view would fail for every context
 * with an intake queue.
 */
final class InflightCap implements Processor {

    private final int places;
    private final Semaphore free;

    InflightCap(int places) {
        this.places = places;
        this.free = new Semaphore(places);
    }

    @Override
    public void process(Exchange exchange) {
        try {
            free.acquire();
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            // not started: the message stays in the queue and is released (ReceivedMessages) or comes back
            throw new RejectedExecutionException("stopping while waiting for a place among the queue's messages in flight");
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                free.release();
            }
        });
    }

    @Override
    public String toString() {
        return "maxInflight(" + places + ")";
    }
}
