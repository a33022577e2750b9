package dev.trailrouter.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.trailrouter.observe.PipelineMetrics;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * One queue's messages that were received but whose processing has not started, so that stopping hands them back at
 * once instead of leaving them invisible until their visibility timeout.
 *
 * <p>Camel's aws2-sqs consumer (4.17) receives up to maxMessagesPerPoll messages and processes them one after the
 * other. When the route stops or suspends, {@code Sqs2Consumer.processBatch} stops at {@code isBatchAllowed()}: the
 * message being processed finishes, the rest of the receive is dropped without a word, and SQS shows them again only
 * when their visibility timeout ends (300 s by default). Every receive is recorded here (an SDK interceptor on the
 * queue's client, {@link dev.trailrouter.config.AwsClients#onReceive}); a message leaves when its route starts
 * ({@link #start}); what is left when the consumer stops taking messages is released ({@link #releaseUnstarted}):
 * ChangeMessageVisibility to 0, ten a call, so another replica receives them at once. A message whose processing
 * started finishes, or, when the stop budget runs out, waits for its visibility timeout; it is never released.
 *
 * <p>A release and the start of the same message race safely: whichever takes it first wins, and a message released
 * while its route was about to start is not processed here; so do two releases (each receive loop releases when it
 * stops).
 */
final class ReceivedMessages extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger("dev.trailrouter.intake");
    private static final int BATCH = 10;

    private final String queue;
    private final String queueUrl;
    private final SqsClient sqs;
    private final PipelineMetrics metrics;
    /** a FIFO queue's groups, told of every receive and of every message released; null for a standard queue */
    private final FifoGroups fifo;
    /** receipt handle → message, received and not started */
    private final Map<String, Message> waiting = new ConcurrentHashMap<>();
    /** receipt handles released to SQS: their route must not start */
    private final Set<String> released = ConcurrentHashMap.newKeySet();

    ReceivedMessages(String queue, String queueUrl, SqsClient sqs, PipelineMetrics metrics, FifoGroups fifo) {
        this.queue = queue;
        this.queueUrl = queueUrl;
        this.sqs = sqs;
        this.metrics = metrics;
        this.fifo = fifo;
    }

    void received(List<Message> messages) {
        if (fifo != null) {
            fifo.received(messages);
        }
        for (Message message : messages) {
            waiting.put(message.receiptHandle(), message);
        }
    }

    /** The message's route starts: true unless it was already released (then it must not be processed). */
    boolean start(String receiptHandle) {
        if (receiptHandle == null || waiting.remove(receiptHandle) != null) {
            return true;
        }
        return !released.remove(receiptHandle);
    }

    /** Hands every received, unstarted message back to SQS (visibility 0). Returns how many were released. */
    int releaseUnstarted(String why) {
        Map<String, String> taken = new java.util.LinkedHashMap<>();
        for (String handle : List.copyOf(waiting.keySet())) {
            // marked before it is taken: a start that finds it gone then sees it released. Several receive loops can
            // release at once (each stops), so only the call that made the mark may take it back: another call that
            // found the message already taken must leave the mark for the start to find
            boolean marked = released.add(handle);
            Message message = waiting.remove(handle);
            if (message != null) {
                taken.put(handle, message.messageId());
                if (fifo != null) {
                    fifo.finished(FifoGroups.groupOf(message)); // SQS owns it again, released or not
                }
            } else if (marked) {
                released.remove(handle); // its route started first
            }
        }
        if (taken.isEmpty()) {
            return 0;
        }
        List<String> handles = new ArrayList<>(taken.keySet());
        List<String> releasedIds = new ArrayList<>();
        for (int from = 0; from < handles.size(); from += BATCH) {
            List<String> chunk = handles.subList(from, Math.min(from + BATCH, handles.size()));
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(i))
                        .receiptHandle(chunk.get(i)).visibilityTimeout(0).build());
            }
            try {
                ChangeMessageVisibilityBatchResponse response = sqs.changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl).entries(entries));
                response.successful().forEach(ok -> releasedIds.add(taken.get(chunk.get(Integer.parseInt(ok.id())))));
                response.failed().forEach(failed -> LOG.warn("queue={} message={} could not be released ({}: {}): it "
                                + "stays invisible until its visibility timeout", queue,
                        taken.get(chunk.get(Integer.parseInt(failed.id()))), failed.code(), failed.message()));
            } catch (SdkException e) {
                LOG.warn("queue={} {} received messages could not be released ({}): they stay invisible until their "
                        + "visibility timeout", queue, chunk.size(), dev.trailrouter.observe.LogSafe.rootCause(e));
            }
        }
        if (!releasedIds.isEmpty()) {
            for (int i = 0; i < releasedIds.size(); i++) {
                metrics.message(queue, "released");
            }
            LOG.info("queue={} released {} received messages whose processing had not started ({}): visible again at "
                    + "once, for any consumer: {}", queue, releasedIds.size(), why, releasedIds);
        }
        return releasedIds.size();
    }

    @Override
    protected void doStop() {
        // the context stops: its routes are down (or their stop budget ran out); anything still unstarted goes back
        releaseUnstarted("trailrouter stopped");
    }
}
