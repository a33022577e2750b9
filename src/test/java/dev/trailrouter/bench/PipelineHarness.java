package dev.trailrouter.bench;


import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;

import dev.trailrouter.TrailRouterBeans;
import dev.trailrouter.decode.InlineEventStages;
import dev.trailrouter.decode.S3ObjectStage;
import dev.trailrouter.deliver.DeliveryStage;
import dev.trailrouter.deliver.EventFilter;
import dev.trailrouter.event.Event;
import dev.trailrouter.decode.EnvelopeStage;
import dev.trailrouter.ledger.DeliveryLedger;
import dev.trailrouter.ledger.UnitKind;

/**
 * trailrouter's real decode and delivery routes in a Camel context, minus SQS: an SQS message body goes in at
 * {@code direct:decode-message} with the properties the intake route sets, objects come from {@link MemoryS3Client},
 * and the one destination filters the events (as a destination's {@code filter} does) and drops them.
 */
final class PipelineHarness implements AutoCloseable {

    static final String QUEUE = "bench";
    static final String FILTER = "${body.readOnly} != true";

    final CamelContext context = new DefaultCamelContext();
    final MemoryS3Client s3 = new MemoryS3Client();
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    private ProducerTemplate producer;

    PipelineHarness() throws Exception {
        this(java.util.Map.of(), false);
    }

    /** With extra properties, e.g. {@code trailrouter.state.*} (its dedup store lives in a fresh temporary directory). */
    /**
     * With {@code dedup}, the destination asks the bound dedup store about each batch and records what is new, as a
     * destination's head and its delivered step do (keys {@code <kind>:<id>}, like the destinations' dedup keys).
     */
    PipelineHarness(java.util.Map<String, String> properties, boolean dedup) throws Exception {
        context.getPropertiesComponent().addInitialProperty("trailrouter.s3.max-object-bytes", Long.toString(4L << 30));
        context.getPropertiesComponent().addInitialProperty("trailrouter.state.dir",
                java.nio.file.Files.createTempDirectory("bench-state").toString());
        properties.forEach(context.getPropertiesComponent()::addInitialProperty);
        new TrailRouterBeans().configure(context);
        context.getRegistry().bind("s3Client-" + QUEUE, s3);
        context.addRoutes(new EnvelopeStage());
        context.addRoutes(new S3ObjectStage());
        context.addRoutes(new InlineEventStages());
        context.addRoutes(new dev.trailrouter.decode.EventStage());
        context.addRoutes(new DeliveryStage());
        EventFilter filter = EventFilter.compile(context, FILTER);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:dest-null").routeId("dest-null").process(e -> {
                    @SuppressWarnings("unchecked")
                    java.util.List<Event> events = e.getIn().getBody(java.util.List.class);
                    filter.apply(events);
                    if (dedup) {
                        var store = e.getContext().getRegistry().findSingleByType(dev.trailrouter.state.DeliveredEvents.class);
                        java.util.List<String> keys = events.stream().map(ev -> ev.kind() + ":" + ev.id()).toList();
                        java.util.Set<String> seen = store.accepted("null", keys);
                        java.util.List<String> fresh = keys.stream().filter(k -> !seen.contains(k)).toList();
                        if (!fresh.isEmpty()) {
                            store.claim("null", fresh); // as deliver/Dedup does before delivering
                            store.record("null", fresh);
                        }
                        duplicates.addAndGet(seen.size());
                    }
                    delivered.addAndGet(events.size());
                });
            }
        });
        context.start();
        producer = context.createProducerTemplate();
    }

    /** One SQS message through decode and delivery, as the intake route would run it. */
    void process(String body) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getIn().setBody(body);
        exchange.getIn().setHeader(Sqs2Constants.MESSAGE_ID, "bench-message");
        DeliveryLedger ledger = DeliveryLedger.open(exchange, QUEUE, "bench-message", UnitKind.QUEUE_MESSAGE);
        Exchange done = producer.send("direct:decode-message", exchange);
        if (done.getException() != null) {
            throw new IllegalStateException(done.getException());
        }
        if (!ledger.verdict().done()) {
            throw new IllegalStateException(ledger.verdict().reason());
        }
    }

    @Override
    public void close() throws Exception {
        producer.close();
        context.close();
    }
}
