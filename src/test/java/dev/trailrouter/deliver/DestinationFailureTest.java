package dev.trailrouter.deliver;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import dev.trailrouter.ledger.DeliveryLedger;
import dev.trailrouter.ledger.UnitKind;

/** Which failures a destination's dead-letter target takes. */
class DestinationFailureTest {

    private static Exchange failedWith(Throwable caught, boolean replay) {
        DefaultCamelContext context = new DefaultCamelContext();
        Exchange exchange = new DefaultExchange(context);
        exchange.setProperty(DestinationTemplate.DESTINATION, new Destination(context, DestinationType.named("webhook"),
                java.util.Map.of("name", "siem", "url", "http://127.0.0.1:9/hook", "deadLetter", "dir:/tmp/dead-letters")));
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, caught);
        DeliveryLedger.open(exchange, "test", "unit-1", replay ? UnitKind.REPLAY : UnitKind.QUEUE_MESSAGE);
        return exchange;
    }

    @Test
    void aDestinationFailureIsDeadLettered() {
        assertTrue(DestinationFailure.deadLetterConfigured(failedWith(new IOException("connection reset"), false)));
    }

    @Test
    void aReplayThatFailsAgainStaysWhereItIs() {
        assertFalse(DestinationFailure.deadLetterConfigured(failedWith(new IOException("connection reset"), true)));
    }

    @Test
    void trailrouterStoppingIsNotTheDestinationsFailure() {
        assertFalse(DestinationFailure.deadLetterConfigured(failedWith(
                new RejectedExecutionException("the burst-group poster is stopped"), false)), "the message comes back instead");
        assertFalse(DestinationFailure.deadLetterConfigured(failedWith(
                new RuntimeException(new InterruptedException("waiting for room in the burst groups")), false)));
    }
}
