package dev.trailrouter.deliver;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;

import dev.trailrouter.ledger.DeliveryLedger;
import dev.trailrouter.ledger.UnitKind;
import dev.trailrouter.ledger.Verdict;

/**
 * Replay routes drain a destination's dead-letter target back into that destination: {@code replay-sqs} (parameter
 * {@code queueUrl}) and {@code replay-dir} (parameter {@code directory}), both with {@code destination}. A replayed batch
 * that fails again is not dead-lettered a second time: the SQS message or file stays where it is and is tried again
 * later (after the visibility timeout, or on the next poll of the directory).
 */
public final class ReplayTemplates extends RouteBuilder {

    public static final String SQS = "replay-sqs";
    public static final String DIR = "replay-dir";

    @Override
    public void configure() {
        replay(template(SQS)
                .from("aws2-sqs://replay?amazonSQSClient=#trailrouterSqsClient&queueUrl=RAW({{queueUrl}})"
                        + "&autoCreateQueue=false&waitTimeSeconds={{waitTimeSeconds}}&maxMessagesPerPoll=10"
                        + "&visibilityTimeout={{visibilityTimeout}}"
                        + "&extendMessageVisibility=true&greedy=true"));
        replay(template(DIR)
                .from("file:{{directory}}?antInclude=*.json&delete=true&delay={{intervalMillis}}&readLock=none"));
    }

    /** The replay type's template, its parameters and defaults from its schema ({@link DestinationType}). */
    private RouteTemplateDefinition template(String type) {
        return DestinationType.named(type).declareOn(routeTemplate(type));
    }

    private void replay(RouteDefinition route) {
        route.errorHandler(defaultErrorHandler().logExhausted(false))
                .process(ReplayTemplates::openLedger).id("open-ledger")
                .process(ReplayTemplates::toEvents).id("read-dead-letters")
                .setProperty(INTO, constant("{{destination}}"))
                // the destination's own route, not one an integrator put in front of it (its steps already ran)
                .process(ReplayTemplates::findInput).id("find-destination")
                .toD("${exchangeProperty." + INPUT + "}").id("replay-into-destination")
                .process(ReplayTemplates::requireDone).id("verdict");
    }

    static final String INTO = "trailrouterReplayInto";
    static final String INPUT = "trailrouterReplayInput";

    /** The input endpoint of the destination a replay drains into. */
    static void findInput(Exchange exchange) {
        String destination = exchange.getProperty(INTO, String.class);
        Destination target = Destination.named(exchange.getContext(), destination);
        if (target == null) {
            throw new IllegalStateException("no destination named '" + destination + "' is declared");
        }
        exchange.setProperty(INPUT, target.input());
    }

    /** Each dead letter read (an SQS message or a file) is one unit of the replay route. */
    static void openLedger(Exchange exchange) {
        String id = exchange.getIn().getHeader("CamelAwsSqsMessageId", String.class);
        DeliveryLedger.open(exchange, exchange.getFromRouteId(),
                id != null ? id : exchange.getIn().getHeader(Exchange.FILE_NAME, String.class), UnitKind.REPLAY);
    }

    /** A replay that failed again fails its exchange, so the dead letter stays where it is and is tried later. */
    static void requireDone(Exchange exchange) {
        DeliveryLedger ledger = DeliveryLedger.of(exchange);
        Verdict verdict = ledger.verdict();
        if (!verdict.done()) {
            throw new IllegalStateException("replay failed, the dead letter stays: " + verdict.reason());
        }
        LOG.info("replayed {} dead-lettered events into {}: {}", ledger.events(),
                exchange.getProperty(INTO), ledger.summary());
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("dev.trailrouter.deliver");

    static void toEvents(Exchange exchange) throws Exception {
        ObjectMapper json = DeliveryRuntime.of(exchange).json;
        DeadLetterDocument document = json.readValue(exchange.getIn().getBody(byte[].class), DeadLetterDocument.class);
        List<?> events = document.events();
        DeliveryLedger.of(exchange).decoded(events.size());
        exchange.getIn().setBody(events);
    }
}
