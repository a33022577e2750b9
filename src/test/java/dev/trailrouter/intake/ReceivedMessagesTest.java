package dev.trailrouter.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.trailrouter.observe.PipelineMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

class ReceivedMessagesTest {

    /** Receipt handles each ChangeMessageVisibilityBatch handed back to the queue. */
    private final List<String> handedBack = new CopyOnWriteArrayList<>();
    private final FifoGroups fifo = new FifoGroups();
    private final ReceivedMessages received = new ReceivedMessages("q", "https://sqs.eu-west-1.amazonaws.com/1/q.fifo",
            new SqsClient() {
                @Override
                public ChangeMessageVisibilityBatchResponse changeMessageVisibilityBatch(ChangeMessageVisibilityBatchRequest request) {
                    List<ChangeMessageVisibilityBatchResultEntry> ok = new ArrayList<>();
                    for (ChangeMessageVisibilityBatchRequestEntry entry : request.entries()) {
                        handedBack.add(entry.receiptHandle());
                        ok.add(ChangeMessageVisibilityBatchResultEntry.builder().id(entry.id()).build());
                    }
                    return ChangeMessageVisibilityBatchResponse.builder().successful(ok).build();
                }

                @Override
                public String serviceName() {
                    return "sqs";
                }

                @Override
                public void close() {
                }
            }, new PipelineMetrics(new SimpleMeterRegistry()), fifo);

    private static Message message(String handle, String group) {
        return Message.builder().messageId("id-" + handle).receiptHandle(handle)
                .attributesWithStrings(Map.of(MessageSystemAttributeName.MESSAGE_GROUP_ID.toString(), group)).build();
    }

    @Test
    void aReleasedMessageIsNotStartedAndAStartedOneIsNotReleased() {
        received.received(List.of(message("a", "g1"), message("b", "g2")));
        assertTrue(received.start("a"));
        assertEquals(1, received.releaseUnstarted("stopping"));
        assertEquals(List.of("b"), handedBack);
        assertFalse(received.start("b"), "released: its route must not run here");
        assertEquals(0, received.releaseUnstarted("stopping again"), "nothing left to release");
    }

    /**
     * Each receive loop releases what is unstarted when it stops, so two releases can run at once. Here release B
     * has listed both messages and is held (on the FIFO groups' lock) after taking "a"; release A then takes "b" and
     * hands it back; B, going on, finds "b" gone. B used to take "b"'s release mark back then ("its route started
     * first"), and the consumer thread that had received "b" and was waiting for a place started it: a message handed
     * back to SQS, visible to every replica, was delivered here too. ("a" comes before "b" in the map: String hashes
     * 97 and 98, buckets 1 and 2.)
     */
    @Test
    void twoReleasesAtOnceLeaveATakenMessageReleased() throws Exception {
        received.received(List.of(message("a", "g1"), message("b", "g2")));
        AtomicInteger releasedByB = new AtomicInteger(-1);
        AtomicInteger releasedByA = new AtomicInteger(-1);
        Thread b;
        Thread a;
        synchronized (fifo) { // FifoGroups' methods are synchronized: a release calling fifo.finished waits here
            b = new Thread(() -> releasedByB.set(received.releaseUnstarted("loop B stopping")));
            b.start();
            awaitBlocked(b); // B took "a" and waits in fifo.finished; "b" is still in its list
            a = new Thread(() -> releasedByA.set(received.releaseUnstarted("loop A stopping")));
            a.start();
            awaitBlocked(a); // A took "b" (marked released) and waits in fifo.finished too
        }
        a.join(5_000);
        b.join(5_000);
        assertEquals(1, releasedByA.get());
        assertEquals(1, releasedByB.get());
        assertEquals(List.of("a", "b"), handedBack.stream().sorted().toList(), "each handed back once");
        assertFalse(received.start("b"), "handed back to SQS: its route must not run here");
        assertFalse(received.start("a"), "handed back to SQS: its route must not run here");
        assertEquals(0, fifo.groupsHeld(), "each group finished once");
    }

    private static void awaitBlocked(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (thread.getState() != Thread.State.BLOCKED) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(thread.getName() + " did not reach the FIFO groups' lock: " + thread.getState());
            }
            Thread.sleep(5);
        }
    }
}
