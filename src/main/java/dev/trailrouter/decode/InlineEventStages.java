package dev.trailrouter.decode;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

import dev.trailrouter.event.Event;
import dev.trailrouter.event.EventBridgeEvents;
import dev.trailrouter.event.Origin;
import dev.trailrouter.ledger.DeliveryLedger;
import dev.trailrouter.observe.PipelineMetrics;

/**
 * Messages that carry their events inline, each shape its own route: {@code decode-eventbridge} (EventBridge events,
 * findings included) and {@code decode-cloudwatch} (CloudWatch Logs subscription payloads). Both hand their events to
 * {@code direct:events} ({@link EventStage}: counted, drop rules, batches to {@code deliver}), inside the SQS message's
 * exchange; neither has an error handler of its own.
 */
public final class InlineEventStages extends RouteBuilder {

    @Override
    public void configure() {
        PipelineMetrics metrics = getContext().getRegistry().findSingleByType(PipelineMetrics.class);
        CloudWatchPayloads cloudWatch = getContext().getRegistry().findSingleByType(CloudWatchPayloads.class);

        from("direct:decode-eventbridge")
                .routeId("decode-eventbridge")
                .errorHandler(noErrorHandler())
                .process(exchange -> {
                    JsonNode envelope = exchange.getIn().getBody(DecodedMessage.class).payload();
                    exchange.getIn().setBody(EventBridgeEvents.fromEnvelope(envelope, messageOrigin(exchange)));
                })
                .to(EventStage.ENDPOINT);

        from("direct:decode-cloudwatch")
                .routeId("decode-cloudwatch")
                .errorHandler(noErrorHandler())
                .process(exchange -> {
                    JsonNode payload = cloudWatch.decode(exchange.getIn().getBody(DecodedMessage.class).payload());
                    if (CloudWatchPayloads.isControl(payload)) {
                        metrics.message(DeliveryLedger.of(exchange).source(), "control-message");
                        exchange.getIn().setBody(null);
                        return;
                    }
                    exchange.getIn().setBody(cloudWatch.events(payload, messageOrigin(exchange)));
                })
                .choice()
                    .when(body().isNull())
                        .log(LoggingLevel.DEBUG, "dev.trailrouter.intake", "CloudWatch Logs CONTROL_MESSAGE acknowledged")
                    .otherwise()
                        .to(EventStage.ENDPOINT)
                .end();
    }

    /** The unit's origin, from its ledger: the queue and the message id, for an SQS message. */
    static Origin messageOrigin(Exchange exchange) {
        DeliveryLedger ledger = DeliveryLedger.of(exchange);
        return Origin.ofMessage(ledger.source(), ledger.unitId());
    }

    /** Adds to the unit's event count and to the per-kind counters ({@link EventStage} calls it for every list). */
    public static void count(Exchange exchange, PipelineMetrics metrics, List<Event> events) {
        DeliveryLedger ledger = DeliveryLedger.of(exchange);
        ledger.decoded(events.size());
        String queue = ledger.source();
        for (Event event : events) {
            metrics.decoded(queue, event);
        }
    }
}
