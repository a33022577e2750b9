package dev.trailrouter.deliver;

import org.apache.camel.builder.RouteBuilder;

/**
 * {@code deliver}: fans one batch of events out to every declared destination, synchronously, inside the SQS
 * message's exchange. Every destination gets its attempt even when another one failed; if any failed (after its own
 * retries) the batch fails and so does the message, which SQS then delivers again.
 */
public final class DeliveryStage extends RouteBuilder {

    @Override
    public void configure() {
        Destinations destinations = getContext().getRegistry().findSingleByType(Destinations.class);
        from("direct:deliver")
                .routeId("deliver")
                .errorHandler(noErrorHandler())
                .recipientList(method(destinations, "endpoints"));
    }
}
