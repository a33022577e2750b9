package dev.trailrouter.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.SqsException;

/** Batched deletes against a scripted SQS client: what is sent together, what is tried again, what each message hears. */
class QueueDeletesTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService senders = Executors.newFixedThreadPool(2);
    private final List<List<String>> calls = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        timer.shutdownNow();
        senders.shutdownNow();
    }

    /** A client whose DeleteMessageBatch answers what {@code answer} says for each request (its handles in order). */
    private QueueDeletes deletes(Function<List<String>, DeleteMessageBatchResponse> answer) {
        SqsClient sqs = new SqsClient() {
            @Override
            public DeleteMessageBatchResponse deleteMessageBatch(DeleteMessageBatchRequest request) {
                List<String> handles = request.entries().stream().map(DeleteMessageBatchRequestEntry::receiptHandle).toList();
                calls.add(handles);
                return answer.apply(handles);
            }

            @Override
            public String serviceName() {
                return "sqs";
            }

            @Override
            public void close() {
            }
        };
        QueueDeletes deletes = new QueueDeletes(sqs, "https://sqs.eu-west-1.amazonaws.com/1/q", timer, senders);
        deletes.start();
        return deletes;
    }

    private static DeleteMessageBatchResponse allOk(List<String> handles) {
        List<DeleteMessageBatchResultEntry> ok = new ArrayList<>();
        for (int i = 0; i < handles.size(); i++) {
            ok.add(DeleteMessageBatchResultEntry.builder().id(Integer.toString(i)).build());
        }
        return DeleteMessageBatchResponse.builder().successful(ok).build();
    }

    private static QueueDeletes.Result result(CompletableFuture<QueueDeletes.Result> future) throws Exception {
        return future.get(5, TimeUnit.SECONDS);
    }

    @Test
    void tenAtOnceAreOneCallAndTheRestFollowAfterTheLinger() throws Exception {
        QueueDeletes deletes = deletes(QueueDeletesTest::allOk);
        List<CompletableFuture<QueueDeletes.Result>> results = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            results.add(deletes.delete("h" + i));
        }
        for (CompletableFuture<QueueDeletes.Result> r : results) {
            QueueDeletes.Result answer = result(r);
            assertTrue(answer.deleted(), answer.toString());
            assertEquals(1, answer.attempts());
        }
        assertEquals(3, calls.size(), calls.toString());
        assertEquals(List.of(10, 10, 5), calls.stream().map(List::size).sorted(java.util.Comparator.reverseOrder()).toList());
        List<String> sent = calls.stream().flatMap(List::stream).sorted().toList();
        assertEquals(25, sent.size());
        assertEquals(25, sent.stream().distinct().count(), "each handle sent once: " + sent);
    }

    @Test
    void aLoneDeleteWaitsNoLongerThanTheLinger() throws Exception {
        QueueDeletes deletes = deletes(QueueDeletesTest::allOk);
        long start = System.nanoTime();
        assertTrue(result(deletes.delete("only")).deleted());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis >= QueueDeletes.LINGER_MILLIS - 5, "sent after the linger, not at once: " + millis + " ms");
        assertEquals(List.of(List.of("only")), calls);
    }

    @Test
    void anEntrySqsFailedOnItsSideIsTriedOnceMoreAndASenderFaultIsNot() throws Exception {
        QueueDeletes deletes = deletes(handles -> {
            List<DeleteMessageBatchResultEntry> ok = new ArrayList<>();
            List<BatchResultErrorEntry> failed = new ArrayList<>();
            for (int i = 0; i < handles.size(); i++) {
                String h = handles.get(i);
                String id = Integer.toString(i);
                if (h.equals("flaky") && calls.size() == 1) {
                    failed.add(BatchResultErrorEntry.builder().id(id).code("InternalError").senderFault(false).message("try later").build());
                } else if (h.equals("gone")) {
                    failed.add(BatchResultErrorEntry.builder().id(id).code("ReceiptHandleIsInvalid").senderFault(true)
                            .message("The input receipt handle is invalid.").build());
                } else {
                    ok.add(DeleteMessageBatchResultEntry.builder().id(id).build());
                }
            }
            return DeleteMessageBatchResponse.builder().successful(ok).failed(failed).build();
        });
        CompletableFuture<QueueDeletes.Result> fine = deletes.delete("fine");
        CompletableFuture<QueueDeletes.Result> flaky = deletes.delete("flaky");
        CompletableFuture<QueueDeletes.Result> gone = deletes.delete("gone");

        assertEquals(new QueueDeletes.Result(null, 1), result(fine));
        assertEquals(new QueueDeletes.Result(null, 2), result(flaky), "a receiver-side failure is tried again, alone");
        QueueDeletes.Result refused = result(gone);
        assertFalse(refused.deleted());
        assertEquals(1, refused.attempts(), "a sender fault is not tried again");
        assertTrue(refused.reason().startsWith("ReceiptHandleIsInvalid"), refused.reason());
        assertEquals(List.of(List.of("fine", "flaky", "gone"), List.of("flaky")), calls);
    }

    @Test
    void aWholeCallThatFailsWithA5xxIsTriedOnceMoreAndA4xxIsNot() throws Exception {
        QueueDeletes deletes = deletes(handles -> {
            throw (SqsException) SqsException.builder().statusCode(500)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("InternalError").errorMessage("boom").build()).build();
        });
        QueueDeletes.Result answer = result(deletes.delete("a"));
        assertFalse(answer.deleted());
        assertEquals(2, answer.attempts());
        assertEquals(2, calls.size());

        calls.clear();
        QueueDeletes denied = deletes(handles -> {
            throw (SqsException) SqsException.builder().statusCode(403)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied").errorMessage("no").build()).build();
        });
        QueueDeletes.Result refused = result(denied.delete("b"));
        assertFalse(refused.deleted());
        assertEquals(1, refused.attempts());
        assertEquals(1, calls.size());
    }

    @Test
    void stoppingSendsWhatIsPendingAtOnce() throws Exception {
        QueueDeletes deletes = deletes(QueueDeletesTest::allOk);
        java.util.concurrent.CountDownLatch timerBusy = new java.util.concurrent.CountDownLatch(1);
        timer.execute(() -> {
            try {
                timerBusy.await(); // the linger timer cannot fire: only the stop can send them
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        CompletableFuture<QueueDeletes.Result> a = deletes.delete("a");
        CompletableFuture<QueueDeletes.Result> b = deletes.delete("b");
        Thread.sleep(QueueDeletes.LINGER_MILLIS * 2);
        assertFalse(a.isDone() || b.isDone(), "still lingering");
        deletes.stop();
        assertTrue(a.isDone() && b.isDone(), "answered by the time stop returns");
        timerBusy.countDown();
        assertTrue(result(a).deleted() && result(b).deleted());
        assertNull(result(a).reason());
    }
}
