package dev.trailrouter.decode;

import dev.trailrouter.ledger.DeliveryLedger;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

import dev.trailrouter.observe.PipelineMetrics;

/**
 * {@code decode-message}: unwraps and classifies an SQS message body, then hands each notified S3 object to
 * {@code decode-s3-object}, EventBridge events to {@code decode-eventbridge} and CloudWatch Logs payloads to
 * {@code decode-cloudwatch}. Test events are acknowledged and counted. No error handler of its own: failures travel
 * back to the intake route, which alone decides between dead-letter and redelivery.
 */
public final class EnvelopeStage extends RouteBuilder {

    @Override
    public void configure() {
        EnvelopeDecoder decoder = getContext().getRegistry().findSingleByType(EnvelopeDecoder.class);
        PipelineMetrics metrics = getContext().getRegistry().findSingleByType(PipelineMetrics.class);

        from("direct:decode-message")
                .routeId("decode-message")
                .errorHandler(noErrorHandler())
                .process(exchange -> {
                    String body = exchange.getIn().getBody(String.class);
                    DecodedMessage decoded = decoder.decode(body);
                    DeliveryLedger.of(exchange).shape((decoded.viaSns() ? "sns/" : "") + decoded.shape().name().toLowerCase());
                    exchange.getIn().setBody(decoded);
                })
                .choice()
                    .when(shape(SqsMessageShape.S3_TEST_EVENT))
                        .process(exchange -> metrics.message(DeliveryLedger.of(exchange).source(), "test-event"))
                        .log(LoggingLevel.DEBUG, "dev.trailrouter.intake", "s3:TestEvent acknowledged")
                    .when(shape(SqsMessageShape.EVENTBRIDGE))
                        .to("direct:decode-eventbridge")
                    .when(shape(SqsMessageShape.CLOUDWATCH_LOGS))
                        .to("direct:decode-cloudwatch")
                    .otherwise()
                        .split(simple("${body.objects}"))
                            .to("direct:decode-s3-object")
                        .end()
                .end();
    }

    private static org.apache.camel.Predicate shape(SqsMessageShape shape) {
        return exchange -> exchange.getIn().getBody(DecodedMessage.class).shape() == shape;
    }
}
