package dev.trailrouter.intake;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.camel.support.service.ServiceSupport;

import dev.trailrouter.observe.LogSafe;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;

/**
 * Deletes one queue's messages, with the queue's own client: the one place that does, once a message's ledger said
 * done (or reject, after the DLQ write). The aws2-sqs consumer does not delete ({@code deleteAfterRead=false}).
 *
 * <p>Deletes are batched: {@code DeleteMessageBatch} with up to {@value #BATCH} receipt handles a call. A batch is sent
 * as soon as it is full, or {@value #LINGER_MILLIS} ms after its first message was handed in, so a busy queue costs
 * one call per ten messages and a quiet one delays a delete by at most that long — far inside the message's visibility
 * (Camel extends it until the exchange completes, then at least a fifth of the timeout remains). Each message still
 * gets its own {@link Result}: SQS answers per entry, and a failed entry fails only its message.
 *
 * <p>What is tried again, once, on top of the SDK's own retries: a whole call that failed with no answer, a 5xx or
 * throttling, and the entries SQS failed on its side (not the sender's fault). Anything else is that message's failure:
 * it stays in the queue and SQS delivers it again after its visibility timeout (at least once, never lost).
 *
 * <p>Batches are sent off the thread that completed the message, by a few sender threads, so several batches can be
 * in flight while the next one fills. Stopping sends what is pending, at once, before the queue's client closes.
 */
final class QueueDeletes extends ServiceSupport {

    /** The outcome of one delete: {@code reason} is null when the message was deleted. */
    record Result(String reason, int attempts) {
        boolean deleted() {
            return reason == null;
        }
    }

    static final int BATCH = 10;
    static final long LINGER_MILLIS = 50;

    private record Pending(String receiptHandle, CompletableFuture<Result> result) {
    }

    private final SqsClient sqs;
    private final String queueUrl;
    private final ScheduledExecutorService timer;
    private final ExecutorService senders;
    /** guarded by this */
    private List<Pending> pending = new ArrayList<>(BATCH);
    /** guarded by this */
    private ScheduledFuture<?> linger;

    QueueDeletes(SqsClient sqs, String queueUrl, ScheduledExecutorService timer, ExecutorService senders) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.timer = timer;
        this.senders = senders;
    }

    /** Hands one message in for deletion; the future completes once SQS answered for it (never exceptionally). */
    CompletableFuture<Result> delete(String receiptHandle) {
        if (receiptHandle == null) {
            return CompletableFuture.completedFuture(new Result("no receipt handle", 0));
        }
        Pending entry = new Pending(receiptHandle, new CompletableFuture<>());
        List<Pending> full = null;
        synchronized (this) {
            pending.add(entry);
            if (pending.size() >= BATCH) {
                full = take();
            } else if (pending.size() == 1) {
                try {
                    linger = timer.schedule(this::flush, LINGER_MILLIS, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException stopping) {
                    full = take(); // the timer is gone: nothing would send it later
                }
            }
        }
        if (full != null) {
            submit(full);
        }
        return entry.result();
    }

    /** Sends what is pending now (the linger elapsed, or the queue stops). */
    void flush() {
        List<Pending> batch;
        synchronized (this) {
            batch = take();
        }
        if (!batch.isEmpty()) {
            submit(batch);
        }
    }

    /** guarded by this */
    private List<Pending> take() {
        if (linger != null) {
            linger.cancel(false);
            linger = null;
        }
        List<Pending> batch = pending;
        pending = new ArrayList<>(BATCH);
        return batch;
    }

    private void submit(List<Pending> batch) {
        try {
            senders.execute(() -> send(batch));
        } catch (RejectedExecutionException stopping) {
            send(batch); // no sender left: the caller sends it, so no message waits for a delete that never comes
        }
    }

    private void send(List<Pending> batch) {
        try {
            sendBatch(batch, 1);
        } catch (RuntimeException unexpected) {
            // a future left open would hold its message's outcome for ever
            batch.forEach(p -> p.result().complete(new Result(LogSafe.rootCause(unexpected), 1)));
        }
    }

    private void sendBatch(List<Pending> batch, int attempt) {
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                    .receiptHandle(batch.get(i).receiptHandle()).build());
        }
        DeleteMessageBatchResponse response;
        try {
            response = sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
        } catch (SdkException e) {
            if (attempt == 1 && retryable(e)) {
                sendBatch(batch, 2);
                return;
            }
            Result failed = new Result(LogSafe.rootCause(e), attempt);
            batch.forEach(p -> p.result().complete(failed));
            return;
        }
        response.successful().forEach(ok -> batch.get(Integer.parseInt(ok.id())).result().complete(new Result(null, attempt)));
        List<Pending> again = new ArrayList<>();
        for (BatchResultErrorEntry error : response.failed()) {
            Pending p = batch.get(Integer.parseInt(error.id()));
            if (attempt == 1 && !Boolean.TRUE.equals(error.senderFault())) {
                again.add(p);
            } else {
                p.result().complete(new Result(error.code() + ": " + LogSafe.oneLine(error.message()), attempt));
            }
        }
        if (!again.isEmpty()) {
            sendBatch(again, 2);
        }
        // an entry SQS answered neither way (it must not happen) is still an answer: not deleted
        batch.forEach(p -> p.result().complete(new Result("no answer for this entry in the DeleteMessageBatch response", attempt)));
    }

    @Override
    protected void doStop() {
        // the routes are down: what completed last is sent now, on this thread, while the client is still open
        List<Pending> batch;
        synchronized (this) {
            batch = take();
        }
        for (int from = 0; from < batch.size(); from += BATCH) {
            send(batch.subList(from, Math.min(from + BATCH, batch.size())));
        }
    }

    /** No answer (connection refused, reset, timed out), a 5xx or throttling: worth one more try. */
    static boolean retryable(SdkException e) {
        if (e.retryable()) {
            return true;
        }
        if (e instanceof SdkServiceException service) {
            return service.statusCode() >= 500 || service.isThrottlingException();
        }
        if (e instanceof SdkClientException) {
            for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
                if (cause instanceof IOException) {
                    return true;
                }
            }
        }
        return false;
    }
}
