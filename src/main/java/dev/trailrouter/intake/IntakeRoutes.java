package dev.trailrouter.intake;

import dev.trailrouter.decode.*;
import dev.trailrouter.observe.LogSafe;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.util.ObjectHelper;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;

import dev.trailrouter.config.AwsClients;
import dev.trailrouter.config.QueueSettings;
import dev.trailrouter.config.TrailRouterSettings;
import dev.trailrouter.deliver.DeferredDeliveries;
import dev.trailrouter.deliver.DestinationFailure;
import dev.trailrouter.observe.PipelineMetrics;

/**
 * One consumer route per configured queue ({@code intake-<name>}). This is the one place that decides a message's
 * fate, following the delivery contract in the README:
 * Every path out of the route ends in {@link MessageOutcome}, which counts and logs it.
 * <ul>
 *   <li>the exchange completes → the aws2-sqs consumer deletes the message (every event was delivered). Deliveries a
 *       destination defers to gather a burst across messages ({@link DeferredDeliveries}; standard queues only) are
 *       awaited at the end of the route, without holding the consumer thread;</li>
 *   <li>{@link RejectedInputException} anywhere below → the message is written to the dead-letter queue with its
 *       reason, then deleted; if that write fails the exchange fails and the message stays;</li>
 *   <li>any other failure → the exchange fails, the message is not deleted and SQS delivers it again after the
 *       visibility timeout; after maxReceiveCount the queue's redrive policy moves it to the DLQ.</li>
 * </ul>
 */
public final class IntakeRoutes extends RouteBuilder {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("dev.trailrouter.intake");

    public static final String QUEUE = "trailrouterQueue";
    public static final String EVENTS = "trailrouterEvents";

    @Override
    public void configure() {
        TrailRouterSettings settings = new TrailRouterSettings(getContext());
        AwsClients clients = getContext().getRegistry().findSingleByType(AwsClients.class);
        PipelineMetrics metrics = getContext().getRegistry().findSingleByType(PipelineMetrics.class);
        ObjectMapper json = getContext().getRegistry().findSingleByType(ObjectMapper.class);
        dev.trailrouter.deliver.Destinations destinations =
                getContext().getRegistry().findSingleByType(dev.trailrouter.deliver.Destinations.class);

        for (QueueSettings queue : settings.queues()) {
            String clientBean = "sqsClient-" + queue.name();
            getContext().getRegistry().bind(clientBean, clients.sqs(queue));
            getContext().getRegistry().bind("s3Client-" + queue.name(), clients.s3(queue));
            getContext().getRegistry().bind("queueSettings-" + queue.name(), queue);
            DeadLetterQueue deadLetters = DeadLetterQueue.resolve(clients.sqs(queue), queue, json);
            org.apache.camel.health.HealthCheckRegistry health = org.apache.camel.health.HealthCheckRegistry.get(getContext());
            if (health != null) {
                health.register(new dev.trailrouter.observe.QueueReadiness(queue.name(), clients.sqs(queue), queue.url(),
                        dev.trailrouter.ManagementAccess.detailsExposed(getContext())));
            }
            String routeId = "intake-" + queue.name();
            metrics.inflight(queue.name(), getContext(), context -> context.getInflightRepository().size(routeId));

            from(consumerUri(queue, clientBean))
                    .routeId(routeId)
                    .errorHandler(defaultErrorHandler().logExhausted(false))
                    .onException(RejectedInputException.class).handled(true)
                        // no wait for deferred deliveries here: the whole message is in the DLQ, whatever became of them
                        .process(e -> rejectToDeadLetterQueue(e, deadLetters, metrics))
                    .end()
                    .process(e -> {
                        beginMessage(e, queue.name());
                        MessageOutcome outcome = new MessageOutcome(queue.name(), queue.fifo(), metrics,
                                destinations.endpoints().size());
                        outcome.checkWaitInBatch(e, queue.visibilityTimeout());
                        e.getExchangeExtension().addOnCompletion(outcome);
                        if (queue.fifo()) {
                            FifoGroups.beforeProcessing(e);
                        } else {
                            DeferredDeliveries.begin(e);
                        }
                    })
                    .to("direct:decode-message")
                    .process(DeferredDeliveries.await());
        }
    }

    /** The state one SQS message's processing carries: its queue, its event count, its delivery state. */
    public static void beginMessage(Exchange exchange, String queue) {
        exchange.setProperty(QUEUE, queue);
        exchange.setProperty(EVENTS, new java.util.concurrent.atomic.AtomicLong());
        DestinationFailure.beginMessage(exchange);
    }

    static String consumerUri(QueueSettings queue, String clientBean) {
        return "aws2-sqs://" + queue.sqsQueueName()
                + "?amazonSQSClient=#" + clientBean
                + "&queueUrl=" + URLEncoder.encode(queue.url(), StandardCharsets.UTF_8)
                + "&autoCreateQueue=false"
                + "&deleteAfterRead=true"
                + "&waitTimeSeconds=" + queue.waitTimeSeconds()
                + "&maxMessagesPerPoll=" + queue.maxMessagesPerPoll()
                + "&concurrentConsumers=" + queue.concurrentConsumers()
                + "&visibilityTimeout=" + queue.visibilityTimeout()
                + "&extendMessageVisibility=true"
                + "&attributeNames=All&messageAttributeNames=All"
                + "&greedy=true";
    }

    private static void rejectToDeadLetterQueue(Exchange exchange, DeadLetterQueue dlq, PipelineMetrics metrics) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        RejectedInputException rejected = ObjectHelper.getException(RejectedInputException.class, caught);
        String reason = rejected != null ? rejected.reason() : "rejected";
        String detail = rejected != null ? rejected.getMessage() : String.valueOf(caught);
        String queue = exchange.getProperty(QUEUE, String.class);
        String messageId = exchange.getIn().getHeader(Sqs2Constants.MESSAGE_ID, String.class);
        String groupId = FifoGroups.groupOf(exchange);
        String body = exchange.getProperty(EnvelopeStage.ORIGINAL_BODY, String.class);
        dlq.write(body, queue, messageId, groupId, reason, detail);
        metrics.rejected(queue, reason);
        metrics.message(queue, "dead-lettered");
        LOG.warn("{} {} rejected {} detail=\"{}\" → dead-lettered to {}",
                dev.trailrouter.observe.LogFields.field("queue", queue),
                dev.trailrouter.observe.LogFields.field("messageId", "message", messageId),
                dev.trailrouter.observe.LogFields.field("reason", reason), LogSafe.oneLine(detail), dlq.url(),
                dev.trailrouter.observe.LogFields.only("outcome", "dead-lettered"),
                dev.trailrouter.observe.LogFields.only("detail", LogSafe.oneLine(detail)));
    }
}
