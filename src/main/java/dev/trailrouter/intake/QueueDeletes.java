package dev.trailrouter.intake;

import java.io.IOException;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Deletes one queue's messages, with the queue's own client: the one place that does, once the message's ledger said
 * done (or reject, after the DLQ write). The aws2-sqs consumer does not delete ({@code deleteAfterRead=false}): it did
 * so after the outcome was logged, and a failed delete was logged nowhere.
 *
 * <p>A delete that fails with a retryable error (no response, 5xx, throttling) is tried once more, on top of the SDK's
 * own retries; any other error is not. A message that could not be deleted stays in the queue and SQS delivers it
 * again after its visibility timeout (at least once).
 *
 * <p>Deleting in batches (DeleteMessageBatch, up to 10 receipt handles a call) is a change to this class only: callers
 * hand it one message and get one {@link Result}.
 */
final class QueueDeletes {

    /** The outcome of one delete: {@code reason} is null when the message was deleted. */
    record Result(String reason, int attempts) {
        boolean deleted() {
            return reason == null;
        }
    }

    private final SqsClient sqs;
    private final String queueUrl;

    QueueDeletes(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    Result delete(String receiptHandle) {
        if (receiptHandle == null) {
            return new Result("no receipt handle", 0);
        }
        try {
            send(receiptHandle);
            return new Result(null, 1);
        } catch (SdkException first) {
            if (!retryable(first)) {
                return new Result(dev.trailrouter.observe.LogSafe.rootCause(first), 1);
            }
            try {
                send(receiptHandle);
                return new Result(null, 2);
            } catch (SdkException second) {
                return new Result(dev.trailrouter.observe.LogSafe.rootCause(second), 2);
            }
        }
    }

    private void send(String receiptHandle) {
        sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(receiptHandle));
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
