package dev.trailrouter.decode;

import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;

import dev.trailrouter.deliver.DestinationFailure;
import dev.trailrouter.config.QueueSettings;
import dev.trailrouter.event.Origin;
import dev.trailrouter.intake.IntakeRoutes;
import dev.trailrouter.observe.PipelineMetrics;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code decode-s3-object}: streams one notified object and passes its events on to {@code deliver} batch by batch.
 * Digest files and non-creation notifications are skipped. The streaming splitter pulls the next batch only after the
 * previous one was delivered, so memory stays flat whatever the object's size.
 *
 * <p>No {@code stopOnException}: Camel stops such a split also when a destination <em>handled</em> a failure by
 * dead-lettering, and then ends the message early as if it were complete. Instead, a failure that will fail the
 * message sets {@link DestinationFailure#MESSAGE_FAILED}, the batches stop, and the split ends with that failure.
 */
public final class S3ObjectStage extends RouteBuilder {

    public static final String BATCHES = "trailrouterBatches";

    @Override
    public void configure() {
        S3ObjectReader reader = getContext().getRegistry().findSingleByType(S3ObjectReader.class);
        PipelineMetrics metrics = getContext().getRegistry().findSingleByType(PipelineMetrics.class);

        from("direct:decode-s3-object")
                .routeId("decode-s3-object")
                .errorHandler(noErrorHandler())
                .process(exchange -> open(exchange, reader, metrics))
                .filter(body().isInstanceOf(EventBatches.class))
                    .split(body()).streaming()
                        .process(exchange -> InlineEventStages.count(exchange, metrics,
                                exchange.getIn().getBody(java.util.List.class)))
                        .to("direct:deliver")
                    .end()
                    .log(LoggingLevel.DEBUG, "dev.trailrouter.decode", "${exchangeProperty." + BATCHES + "} read to the end")
                .end();
    }

    private static void open(Exchange exchange, S3ObjectReader reader, PipelineMetrics metrics) {
        S3ObjectRef ref = exchange.getIn().getBody(S3ObjectRef.class);
        String queue = exchange.getProperty(IntakeRoutes.QUEUE, String.class);
        if (ref.isCloudTrailDigest()) {
            metrics.objectSkipped(queue, "digest");
            exchange.getIn().setBody(null);
            return;
        }
        if (!ref.isObjectCreated()) {
            metrics.objectSkipped(queue, "not-object-created");
            exchange.getIn().setBody(null);
            return;
        }
        QueueSettings settings = exchange.getContext().getRegistry().lookupByNameAndType("queueSettings-" + queue, QueueSettings.class);
        if (settings != null && !settings.allows(ref.bucket(), ref.key())) {
            throw new dev.trailrouter.decode.RejectedInputException("bucket-not-allowed", ref + " is outside "
                    + "trailrouter.queue." + queue + ".allowed-buckets " + settings.allowedBuckets() + "; not fetched");
        }
        S3Client s3 = exchange.getContext().getRegistry().lookupByNameAndType("s3Client-" + queue, S3Client.class);
        Origin origin = Origin.ofMessage(queue, exchange.getIn().getHeader(Sqs2Constants.MESSAGE_ID, String.class));
        java.util.concurrent.atomic.AtomicBoolean failed =
                exchange.getProperty(DestinationFailure.MESSAGE_FAILED, java.util.concurrent.atomic.AtomicBoolean.class);
        if (failed != null && failed.get()) {
            exchange.getIn().setBody(null); // the message already failed: it comes back whole, do not read on
            return;
        }
        EventBatches batches = reader.open(s3, ref, origin);
        if (failed != null) {
            batches.stopWhen(failed::get);
        }
        // the splitter closes a Closeable iterator when it ends; this also covers every failure path
        exchange.getExchangeExtension().addOnCompletion(new org.apache.camel.support.SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                org.apache.camel.util.IOHelper.close(batches);
            }
        });
        exchange.setProperty(BATCHES, ref.toString());
        exchange.getIn().setBody(batches);
    }
}
