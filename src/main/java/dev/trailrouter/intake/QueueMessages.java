package dev.trailrouter.intake;

import static dev.trailrouter.observe.LogFields.field;
import static dev.trailrouter.observe.LogFields.only;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.trailrouter.config.QueueSettings;
import dev.trailrouter.decode.RejectedInputException;
import dev.trailrouter.deliver.Destinations;
import dev.trailrouter.ledger.DeliveryLedger;
import dev.trailrouter.ledger.UnitKind;
import dev.trailrouter.ledger.Verdict;
import dev.trailrouter.observe.LogSafe;
import dev.trailrouter.observe.PipelineMetrics;

/**
 * What the SQS intake does with one queue's messages, step by step of its route: open the message's ledger, record a
 * processing failure, wait for deferred deliveries, act on the ledger's verdict (fail the exchange so the message
 * stays, or write it to the DLQ), and at the end of the exchange the delete ({@link QueueDeletes}), one log line and
 * one outcome counter. The aws2-sqs consumer deletes nothing itself: a message is deleted here, when its exchange
 * completed with the verdict done or reject, and "done" is logged only once the delete succeeded.
 */
final class QueueMessages {

    private static final Logger LOG = LoggerFactory.getLogger("dev.trailrouter.intake");

    private final QueueSettings queue;
    private final DeadLetterQueue deadLetters;
    private final PipelineMetrics metrics;
    private final Destinations destinations;
    private final Executor settle;
    private final QueueDeletes deletes;
    private final ReceivedMessages received;
    /** the queue's message groups; null for a standard queue */
    private final FifoGroups fifo;

    QueueMessages(QueueSettings queue, DeadLetterQueue deadLetters, PipelineMetrics metrics, Destinations destinations,
                  Executor settle, QueueDeletes deletes, ReceivedMessages received, FifoGroups fifo) {
        this.queue = queue;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.destinations = destinations;
        this.settle = settle;
        this.deletes = deletes;
        this.received = received;
        this.fifo = fifo;
    }

    /** The route's first step: the message's ledger, its outcome line, and the FIFO order check. */
    void open(Exchange exchange) {
        if (!received.start(exchange.getIn().getHeader(Sqs2Constants.RECEIPT_HANDLE, String.class))) {
            // released while stopping, just before its route started: another consumer may have it already
            LOG.debug("queue={} message={} was released while stopping: not processed", queue.name(), messageId(exchange));
            exchange.setRouteStop(true); // its route ends here, with no outcome: nothing deletes it
            return;
        }
        DeliveryLedger ledger = DeliveryLedger.open(exchange, queue.name(), messageId(exchange),
                queue.fifo() ? UnitKind.ORDERED_MESSAGE : UnitKind.QUEUE_MESSAGE);
        ledger.original(exchange.getIn().getBody(String.class));
        metrics.message(queue.name(), "received");
        checkWaitInBatch(exchange);
        exchange.getExchangeExtension().addOnCompletion(new Outcome(ledger));
        if (fifo != null) {
            FifoGroups.outcomeEndsTurn(exchange); // the group's next message waits for this one's delete, too
            fifo.beforeProcessing(exchange);
        }
    }

    /** Any failure but rejected input: recorded as the reason to try again (unless a destination failed first). */
    void failed(Exchange exchange) {
        DeliveryLedger ledger = DeliveryLedger.of(exchange);
        if (ledger != null && !ledger.failing()) {
            ledger.failedToProcess(LogSafe.rootCause(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class)));
        }
    }

    /** The step that ends the route: waits, without holding the consumer thread, until no deferred group is pending. */
    AsyncProcessorSupport awaitDeferred() {
        return new AsyncProcessorSupport() {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                var settled = DeliveryLedger.of(exchange).settled();
                if (settled.isDone()) {
                    callback.done(true);
                    return true;
                }
                // the consumer thread goes on with the next message of its receive; this one resumes off the poster
                // threads. A lost callback would hold the message for ever, so it is called whatever happens.
                settled.whenComplete((ok, failure) -> {
                    try {
                        settle.execute(() -> callback.done(false));
                    } catch (RejectedExecutionException stopping) {
                        callback.done(false);
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

    /** Acts on the ledger's verdict: a message to try again fails its exchange, so the consumer does not delete it. */
    void decide(Exchange exchange) {
        Verdict verdict = DeliveryLedger.of(exchange).verdict();
        if (verdict.decision() == Verdict.Decision.RETRY) {
            throw new RetryLaterException(verdict.reason());
        }
    }

    /** Rejected input: the ledger records it, and the original message goes to the DLQ with the reason. */
    void reject(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        RejectedInputException rejected = RejectedInputException.in(caught);
        DeliveryLedger ledger = DeliveryLedger.of(exchange);
        ledger.reject(rejected != null ? rejected.reason() : "rejected",
                rejected != null ? rejected.getMessage() : String.valueOf(caught));
        Verdict verdict = ledger.verdict();
        // no wait for deferred deliveries: the whole message is in the DLQ, whatever became of them
        try {
            deadLetters.write((String) ledger.original(), queue.name(), ledger.unitId(),
                    FifoGroups.groupOf(exchange), verdict.reason(), verdict.detail());
        } catch (RuntimeException e) {
            // not thrown from here (Camel's fallback handler would dump the exchange): the ledger says retry, so the
            // message is not deleted and its outcome line says why
            ledger.rejectionNotWritten("rejected as " + verdict.reason() + ", but the write to the DLQ "
                    + deadLetters.url() + " failed: " + LogSafe.rootCause(e));
            return;
        }
        LOG.debug("queue={} message={} written to the DLQ {} as {}", queue.name(), ledger.unitId(), deadLetters.url(),
                verdict.reason());
    }

    /** After a rejected message was written to the DLQ and deleted: its line and its counter, once. */
    private void rejected(DeliveryLedger ledger, Verdict verdict) {
        metrics.rejected(queue.name(), verdict.reason());
        LOG.warn("{} {} rejected {} detail=\"{}\" → dead-lettered to {}", field("queue", queue.name()),
                field("messageId", "message", ledger.unitId()), field("reason", verdict.reason()),
                LogSafe.oneLine(verdict.detail()), deadLetters.url(), only("outcome", "dead-lettered"),
                only("detail", LogSafe.oneLine(verdict.detail())));
    }

    /**
     * Camel extends a message's visibility only once its exchange has started; the others of the same receive wait
     * unextended. Says so when a message waited more than half its visibility timeout, because another consumer
     * may then have received it too (a duplicate delivery, never a loss).
     */
    private void checkWaitInBatch(Exchange exchange) {
        long waitedMillis = System.currentTimeMillis() - exchange.getClock().getCreated();
        if (waitedMillis > queue.visibilityTimeout() * 500L) {
            metrics.message(queue.name(), "started-late");
            LOG.warn("queue={} message={} waited {} ms from its receive to the start of its processing, behind the "
                    + "queue's other messages (visibility timeout {} s): lower trailrouter.queue.{}.max-messages-per-poll "
                    + "or raise its visibility-timeout or max-inflight",
                    queue.name(), messageId(exchange), waitedMillis, queue.visibilityTimeout(), queue.name());
        }
    }

    /**
     * The end of the message's exchange, whatever the path: the delete when the verdict is done or reject, one log line
     * and one outcome counter. Added when the route starts, so it runs before the consumer's own completions (Camel runs
     * them last-in first-out): the visibility extender still holds the message while it is deleted.
     */
    private final class Outcome extends SynchronizationAdapter {
        private final DeliveryLedger ledger;

        Outcome(DeliveryLedger ledger) {
            this.ledger = ledger;
        }

        @Override
        public void onComplete(Exchange exchange) {
            Verdict verdict = ledger.verdict();
            if (verdict.decision() == Verdict.Decision.RETRY) {
                onFailure(exchange); // never deleted: only a done or reject verdict deletes
                return;
            }
            String group = FifoGroups.groupOf(exchange);
            deletes.delete(exchange.getIn().getHeader(Sqs2Constants.RECEIPT_HANDLE, String.class))
                    .whenComplete((answer, unexpected) -> {
                        QueueDeletes.Result delete = answer != null ? answer
                                : new QueueDeletes.Result(LogSafe.rootCause(unexpected), 0);
                        try {
                            deleted(verdict, delete);
                        } finally {
                            finished(exchange, group, !delete.deleted());
                        }
                    });
        }

        /** The delete's answer: one line and one counter, "done" only once SQS confirmed the delete. */
        private void deleted(Verdict verdict, QueueDeletes.Result delete) {
            boolean rejected = verdict.decision() == Verdict.Decision.REJECT;
            if (!delete.deleted()) {
                metrics.message(queue.name(), "delete-failed");
                LOG.warn("{} {} {} {} {} {}, but the delete failed after {} attempt(s) (SQS delivers it again after the "
                                + "visibility timeout): {}", field("queue", queue.name()),
                        field("messageId", "message", ledger.unitId()), field("shape", ledger.shape()),
                        field("events", ledger.events()), field("millis", ledger.millis()),
                        rejected ? "dead-lettered" : "delivered", delete.attempts(), LogSafe.oneLine(delete.reason()),
                        only("outcome", "delete-failed"), only("reason", LogSafe.oneLine(delete.reason())));
                return;
            }
            metrics.message(queue.name(), "deleted");
            if (rejected) {
                metrics.message(queue.name(), "dead-lettered");
                rejected(ledger, verdict);
                return;
            }
            LOG.info("{} {} {} {} {} {} done", field("queue", queue.name()), field("messageId", "message", ledger.unitId()),
                    field("shape", ledger.shape()), field("events", ledger.events()),
                    field("destinations", destinations.endpoints().size()), field("millis", ledger.millis()),
                    only("outcome", "done"));
        }

        @Override
        public void onFailure(Exchange exchange) {
            try {
                metrics.message(queue.name(), "failed");
                Verdict verdict = ledger.verdict();
                String reason = verdict.decision() == Verdict.Decision.RETRY ? verdict.reason()
                        : LogSafe.rootCause(exchange.getException()); // e.g. the DLQ write of a rejected message failed
                LOG.warn("{} {} {} {} {} failed, not deleted (SQS delivers it again after the visibility timeout): {} {}",
                        field("queue", queue.name()), field("messageId", "message", ledger.unitId()),
                        field("shape", ledger.shape()), field("events", ledger.events()), field("millis", ledger.millis()),
                        LogSafe.oneLine(reason), ledger.summary(), only("outcome", "failed"),
                        only("reason", LogSafe.oneLine(reason)));
            } finally {
                finished(exchange, FifoGroups.groupOf(exchange), true);
            }
        }

        /**
         * The message is finished with. On a FIFO queue a message that stays in the queue (failed, or its delete
         * failed) holds back the later messages of its group this process holds, and only then does the group's next
         * message get its turn.
         */
        private void finished(Exchange exchange, String group, boolean staysInQueue) {
            if (fifo != null) {
                if (staysInQueue) {
                    fifo.failed(group);
                }
                fifo.finished(group);
                FifoGroups.endTurn(exchange);
            }
        }
    }


    private static String messageId(Exchange exchange) {
        return exchange.getIn().getHeader(Sqs2Constants.MESSAGE_ID, String.class);
    }

    /** The ledger's verdict was "retry": the exchange fails, so the message stays in the queue. */
    static final class RetryLaterException extends RuntimeException {
        RetryLaterException(String reason) {
            super(reason, null, false, false);
        }
    }
}
