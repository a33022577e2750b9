package dev.trailrouter.intake;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.apache.camel.spi.ThreadPoolProfile;

import dev.trailrouter.config.AwsClients;
import dev.trailrouter.config.QueueSettings;
import dev.trailrouter.config.TrailRouterSettings;
import dev.trailrouter.decode.RejectedInputException;
import dev.trailrouter.deliver.Destinations;
import dev.trailrouter.observe.PipelineMetrics;
import dev.trailrouter.observe.QueueReadiness;

/**
 * One consumer route per configured queue ({@code intake-<name>}). The consumer hands each message of a receive to a
 * worker and goes on with the next: up to {@code max-inflight} messages are processed side by side
 * ({@link InflightCap} holds the consumer at the cap, so no receive is made while the queue is full; Camel's Threads EIP
 * runs them), and on a FIFO queue a message first waits for its group's previous one
 * ({@link FifoGroups#inGroupOrder}). The worker opens each message's
 * {@link dev.trailrouter.ledger.DeliveryLedger}, runs decoding and delivery inside the message's exchange, waits for
 * the deliveries a destination deferred, and then does what the ledger's verdict says ({@link QueueMessages}):
 * <ul>
 *   <li>done → the exchange completes and {@link QueueDeletes} deletes the message (the consumer does not:
 *       {@code deleteAfterRead=false}); a failed delete is logged and counted, and the message comes back;</li>
 *   <li>reject ({@link RejectedInputException} anywhere below) → the original message is written to the dead-letter
 *       queue with its reason, then deleted the same way; if that write fails the exchange fails and the message stays;</li>
 *   <li>retry → the exchange fails, the message is not deleted and SQS delivers it again after the visibility timeout;
 *       after maxReceiveCount the queue's redrive policy moves it to the DLQ.</li>
 * </ul>
 */
public final class IntakeRoutes extends RouteBuilder {

    @Override
    public void configure() throws Exception {
        TrailRouterSettings settings = new TrailRouterSettings(getContext());
        AwsClients clients = getContext().getRegistry().findSingleByType(AwsClients.class);
        PipelineMetrics metrics = getContext().getRegistry().findSingleByType(PipelineMetrics.class);
        ObjectMapper json = getContext().getRegistry().findSingleByType(ObjectMapper.class);
        Destinations destinations = getContext().getRegistry().findSingleByType(Destinations.class);
        ExecutorService settle = getContext().getExecutorServiceManager()
                .newThreadPool(this, "SettleDeferred", dev.trailrouter.deliver.DeliveryRuntime.rejectingWhenStopped("SettleDeferred", 2));

        // none when the SNS push intake runs alone (queues() refuses a configuration with neither)
        for (QueueSettings queue : settings.queues()) {
            String clientBean = "sqsClient-" + queue.name();
            getContext().getRegistry().bind(clientBean, clients.sqs(queue));
            getContext().getRegistry().bind("s3Client-" + queue.name(), clients.s3(queue));
            getContext().getRegistry().bind("queueSettings-" + queue.name(), queue);
            FifoGroups fifo = queue.fifo() ? new FifoGroups() : null;
            ReceivedMessages received = new ReceivedMessages(queue.name(), queue.url(), clients.sqs(queue), metrics, fifo);
            clients.onReceive(queue.url(), received::received);
            getContext().addService(received, true, true); // stopped after the routes: releases what is left
            getContext().getRegistry().bind("pollStrategy-" + queue.name(), new QueuePolls(queue.name(), received));
            DeadLetterQueue deadLetters = DeadLetterQueue.resolve(clients.sqs(queue), queue, json);
            HealthCheckRegistry health = HealthCheckRegistry.get(getContext());
            if (health != null) {
                health.register(new QueueReadiness(queue.name(), clients.sqs(queue), queue.url(),
                        dev.trailrouter.observe.ManagementAccess.detailsExposed(getContext())));
            }
            String routeId = "intake-" + queue.name();
            metrics.inflight(queue.name(), getContext(), context -> context.getInflightRepository().size(routeId));
            QueueDeletes deletes = new QueueDeletes(clients.sqs(queue), queue.url(),
                    getContext().getExecutorServiceManager().newScheduledThreadPool(this, "DeleteLinger-" + queue.name(),
                            dev.trailrouter.deliver.DeliveryRuntime.rejectingWhenStopped("DeleteLinger", 1)),
                    getContext().getExecutorServiceManager().newThreadPool(this, "Deletes-" + queue.name(),
                            dev.trailrouter.deliver.DeliveryRuntime.rejectingWhenStopped("Deletes", DELETE_SENDERS)));
            getContext().addService(deletes, true, true); // stopped after the routes: sends the last deletes
            QueueMessages messages = new QueueMessages(queue, deadLetters, metrics, destinations, settle, deletes,
                    received, fifo);

            ProcessorDefinition<?> route = from(consumerUri(queue, clientBean))
                    .routeId(routeId)
                    .errorHandler(defaultErrorHandler().logExhausted(false))
                    // bad input, and the value errors RejectedInputException.in counts as bad input
                    .onException(BAD_INPUT).handled(true).logExhausted(false)
                        .process(messages::reject).id("dead-letter-" + queue.name())
                    .end()
                    .onException(Exception.class).logExhausted(false)
                        .process(messages::failed)
                    .end();
            // at most max-inflight messages at once: the consumer thread waits here for a free place, so no receive
            // is made while the queue is at its cap (back-pressure), and what the queue holds in memory is bounded
            route.process(new InflightCap(queue.maxInflight())).id("max-inflight-" + queue.name());
            if (fifo != null) {
                route.process(fifo.inGroupOrder()).id("group-order-" + queue.name());
            }
            // the rest runs on a worker: the consumer goes on with the next message of its receive at once
            route.threads().executorService(workers(queue)).id("workers-" + queue.name())
                    .process(messages::open).id("open-ledger-" + queue.name())
                    .to("direct:decode-message").id("decode-" + queue.name())
                    .process(messages.awaitDeferred()).id("await-deferred-" + queue.name())
                    .process(messages::decide).id("verdict-" + queue.name());
        }
    }

    /** What the intake dead-letters as bad input: a rejection, or a value error (see RejectedInputException.in). */
    @SuppressWarnings("unchecked")
    private static final Class<? extends Throwable>[] BAD_INPUT = java.util.stream.Stream.concat(
            java.util.stream.Stream.of(RejectedInputException.class),
            java.util.Arrays.stream(dev.trailrouter.observe.ValueErrors.TYPES)).toArray(Class[]::new);

    /** DeleteMessageBatch calls of one queue in flight at once, while the next batch fills. */
    static final int DELETE_SENDERS = 4;

    /**
     * One worker per message in flight. The queue is only a cushion: the cap before it admits no more than
     * max-inflight messages, but a worker returns to the pool a moment after its message's permit was released.
     */
    private ExecutorService workers(QueueSettings queue) {
        ThreadPoolProfile profile = new ThreadPoolProfileBuilder("Intake-" + queue.name())
                .poolSize(queue.maxInflight()).maxPoolSize(queue.maxInflight()).maxQueueSize(queue.maxInflight())
                .allowCoreThreadTimeOut(true).keepAliveTime(60L)
                .rejectedPolicy(ThreadPoolRejectedPolicy.CallerRuns).build();
        return getContext().getExecutorServiceManager().newThreadPool(this, "Intake-" + queue.name(), profile);
    }

    /**
     * Failed polls back off (Camel's scheduled-consumer options): after {@value #BACKOFF_ERROR_THRESHOLD} failed polls
     * in a row the next {@value #BACKOFF_MULTIPLIER} - 1 scheduled polls are skipped, about 10 s at the 500 ms poll delay,
     * then polling tries again. While AWS is unreachable that is about 2 receives (each with the SDK's own retries)
     * every 11 s instead of 2 a second; once it answers again, messages flow within those 10 s. No idle backoff: an
     * empty receive already long-polls (wait-time-seconds), an idle backoff would only delay the next message.
     */
    static final int BACKOFF_ERROR_THRESHOLD = 2;
    static final int BACKOFF_MULTIPLIER = 20;

    static String consumerUri(QueueSettings queue, String clientBean) {
        return "aws2-sqs://" + queue.sqsQueueName()
                + "?amazonSQSClient=#" + clientBean
                + "&queueUrl=" + URLEncoder.encode(queue.url(), StandardCharsets.UTF_8)
                + "&autoCreateQueue=false"
                + "&deleteAfterRead=false" // QueueDeletes deletes, after the verdict, and says when it could not
                + "&waitTimeSeconds=" + queue.waitTimeSeconds()
                + "&maxMessagesPerPoll=" + queue.maxMessagesPerPoll()
                + "&concurrentConsumers=" + queue.concurrentConsumers()
                + "&visibilityTimeout=" + queue.visibilityTimeout()
                + "&extendMessageVisibility=true"
                + "&attributeNames=All&messageAttributeNames=All"
                + "&greedy=true"
                + "&pollStrategy=#pollStrategy-" + queue.name() // one line when polls start failing, one when they recover
                + "&backoffErrorThreshold=" + BACKOFF_ERROR_THRESHOLD
                + "&backoffMultiplier=" + BACKOFF_MULTIPLIER;
    }
}
