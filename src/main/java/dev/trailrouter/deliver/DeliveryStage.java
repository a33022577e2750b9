package dev.trailrouter.deliver;

import org.apache.camel.builder.RouteBuilder;

/**
 * {@code deliver}: fans one batch of events out to every declared destination (or to those the unit is limited to:
 * {@link Destinations#ONLY_VARIABLE}), synchronously, inside the intake unit's exchange. Every destination gets its
 * attempt even when another one failed; each reports what became of its events to the unit's ledger, whose verdict
 * decides the unit's fate.
 */
public final class DeliveryStage extends RouteBuilder {

    @Override
    public void configure() {
        Destinations destinations = getContext().getRegistry().findSingleByType(Destinations.class);
        from("direct:deliver")
                .routeId("deliver")
                .errorHandler(noErrorHandler())
                .recipientList(method(destinations, "endpointsFor"));
    }
}
