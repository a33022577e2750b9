package dev.trailrouter.decode;


import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

import dev.trailrouter.config.QueueSettings;
import dev.trailrouter.event.Origin;
import dev.trailrouter.ledger.DeliveryLedger;
import dev.trailrouter.observe.PipelineMetrics;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code decode-s3-object}: streams one notified object and passes its events on to {@code direct:events}
 * ({@link EventStage}) batch by batch. Digest files, non-creation notifications and keys the intake's
 * {@link DropRules} skip ({@code s3-key-include}, {@code s3-key-exclude}) are not fetched. The streaming splitter pulls the next batch only after the
 * previous one was delivered, so memory stays flat whatever the object's size.
 *
 * <p>No {@code stopOnException}: Camel stops such a split also when a destination <em>handled</em> a failure by
 * dead-lettering, and then ends the message early as if it were complete. Instead, once the unit's
 * {@link DeliveryLedger} says it will be tried again anyway, the batches stop: reading on would only duplicate.
 */
public final class S3ObjectStage extends RouteBuilder {

    public static final String BATCHES = "trailrouterBatches";

    @Override
    public void configure() {
        S3ObjectReader reader = getContext().getRegistry().findSingleByType(S3ObjectReader.class);
        PipelineMetrics metrics = getContext().getRegistry().findSingleByType(PipelineMetrics.class);
        IntakeDropRules dropRules = getContext().getRegistry().findSingleByType(IntakeDropRules.class);

        from("direct:decode-s3-object")
                .routeId("decode-s3-object")
                .errorHandler(noErrorHandler())
                .process(exchange -> open(exchange, reader, metrics, dropRules))
                .filter(body().isInstanceOf(EventBatches.class))
                    .split(body()).streaming()
                        .to(EventStage.ENDPOINT)
                    .end()
                    .log(LoggingLevel.DEBUG, "dev.trailrouter.decode", "${exchangeProperty." + BATCHES + "} read to the end")
                .end();
    }

    private static void open(Exchange exchange, S3ObjectReader reader, PipelineMetrics metrics, IntakeDropRules dropRules) {
        S3ObjectRef ref = exchange.getIn().getBody(S3ObjectRef.class);
        DeliveryLedger ledger = DeliveryLedger.of(exchange);
        String queue = ledger.source();
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
        // the intake's key rules, before any GetObject: a skipped object costs no S3 read and is not dead-lettered
        String skipped = dropRules == null ? null : dropRules.of(queue).skipsObject(ref.key());
        if (skipped != null) {
            metrics.objectSkipped(queue, skipped);
            exchange.getIn().setBody(null);
            return;
        }
        S3Client s3 = exchange.getContext().getRegistry().lookupByNameAndType("s3Client-" + queue, S3Client.class);
        Origin origin = Origin.ofMessage(queue, ledger.unitId());
        if (ledger.failing()) {
            exchange.getIn().setBody(null); // the unit is tried again anyway: it comes back whole, do not read on
            return;
        }
        EventBatches batches = reader.open(s3, ref, origin);
        batches.stopWhen(ledger::failing);
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
