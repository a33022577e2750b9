package dev.trailrouter.decode;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

import dev.trailrouter.event.Event;
import dev.trailrouter.ledger.DeliveryLedger;
import dev.trailrouter.observe.PipelineMetrics;

/**
 * {@code direct:events}: the one way decoded events enter delivery, whatever intake read them. The body is a
 * {@code List<Event>} of the unit whose {@link DeliveryLedger} the exchange carries; the route counts them (the ledger's
 * and the per-kind counters), drops what the unit's intake's {@link DropRules} drop (counted in
 * {@code trailrouter_events_dropped_total{intake,rule}}, never dead-lettered), and sends the rest to
 * {@code direct:deliver} in batches of {@code trailrouter.pipeline.batch-size}.
 *
 * <p>Every decode stage ends here ({@code decode-s3-object}, {@code decode-eventbridge}, {@code decode-cloudwatch}),
 * and so should every new intake (pollers, backfill, SNS push): counting and dropping then happen once, in one place,
 * with the same rules for the same intake. No error handler of its own: a failure travels back to the intake, which
 * alone decides. A list that is all dropped delivers nothing, and its unit is done.
 */
public final class EventStage extends RouteBuilder {

    public static final String ENDPOINT = "direct:events";

    @Override
    public void configure() {
        PipelineMetrics metrics = getContext().getRegistry().findSingleByType(PipelineMetrics.class);
        IntakeDropRules rules = getContext().getRegistry().findSingleByType(IntakeDropRules.class);

        from(ENDPOINT)
                .routeId("events")
                .errorHandler(noErrorHandler())
                .process(exchange -> exchange.getIn().setBody(kept(exchange, metrics, rules)))
                .filter(exchange -> !exchange.getIn().getBody(List.class).isEmpty())
                    .split(simple("${collate({{trailrouter.pipeline.batch-size:100}})}"))
                        .to("direct:deliver")
                    .end()
                .end();
    }

    /** Counts the unit's events and returns those its intake's rules keep. */
    @SuppressWarnings("unchecked")
    static List<Event> kept(Exchange exchange, PipelineMetrics metrics, IntakeDropRules rules) {
        List<Event> events = exchange.getIn().getBody(List.class);
        if (events == null) {
            return List.of();
        }
        InlineEventStages.count(exchange, metrics, events);
        DeliveryLedger ledger = DeliveryLedger.of(exchange);
        String intake = ledger == null ? null : ledger.source();
        DropRules drop = rules == null ? DropRules.NONE : rules.of(intake);
        if (!drop.dropsEvents()) {
            return events;
        }
        List<Event> kept = new ArrayList<>(events.size());
        for (Event event : events) {
            String rule = drop.drops(event);
            if (rule == null) {
                kept.add(event);
            } else {
                metrics.dropped(intake == null ? "-" : intake, rule);
            }
        }
        return kept;
    }
}
