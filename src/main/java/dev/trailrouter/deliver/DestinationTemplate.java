package dev.trailrouter.deliver;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.Processor;
import org.apache.camel.model.FilterDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;

import dev.trailrouter.event.Event;
import dev.trailrouter.ledger.DeliveryLedger;

/**
 * What every destination type shares: the parameters {@code name}, {@code filter}, {@code deadLetter} and the retry
 * policy, and the head of the route that applies them. A type adds its own parameters and the steps that deliver one
 * batch of events (the route body is a {@code List<Event>}). See docs/configuration.md#destinations.
 *
 * <p>Failure handling, in order: retryable failures are retried with exponential backoff and jitter ({@code
 * Retry-After} honoured); when retries run out, or at once for a permanent failure, the batch is written to the
 * destination's {@code deadLetter} target and the destination counts as done for it. Without a dead-letter target the
 * failure fails the SQS message, which is then not deleted. Once a destination failed for a message, its later batches
 * of that message skip the retries and go the same way. And once a batch ran out of retries on a retryable failure
 * other than a rate limit, the destination counts as down: each message gets one attempt without retries until a
 * batch is accepted. So a destination that is down costs one retry budget, then one attempt per message.
 */
public abstract class DestinationTemplate extends RouteBuilder {

    public static final String DESTINATION = "trailrouterDestination";
    public static final String DEAD_LETTER = "trailrouterDeadLetter";
    public static final String FILTER = "trailrouterFilter";
    public static final String MAX_DELAY = "trailrouterMaxRetryDelay";
    /** The events of the batch being delivered: what goes to the dead-letter target if it fails. */
    public static final String CHUNK = "trailrouterChunk";

    protected RouteTemplateDefinition template(String id, String description) {
        return routeTemplate(id)
                .templateParameter("name", null, "destination name; the route reads direct:dest-<name>")
                .templateParameter("filter", "", "Simple predicate on each event; empty = every event")
                .templateParameter("deadLetter", "", "sqs:<queue URL> or dir:<path>; empty = a failure fails the SQS message")
                .templateParameter("maxRetries", "8", "retries after the first attempt, for retryable failures")
                .templateParameter("initialDelayMillis", "1000", "first backoff delay, doubled each retry, with jitter")
                .templateParameter("maxDelayMillis", "60000", "cap for one backoff delay and for Retry-After")
                .description(description);
    }

    /**
     * The common head: error policy, filter; what the type adds after it runs only when events are left for this
     * destination.
     */
    protected FilterDefinition begin(RouteTemplateDefinition template) {
        RouteDefinition route = template.from("direct:dest-{{name}}");
        route.errorHandler(defaultErrorHandler().logExhausted(false))
                .onException(Exception.class)
                    .onWhen(DestinationTemplate::worthRetrying)
                    .maximumRedeliveries("{{maxRetries}}")
                    .redeliveryDelay("{{initialDelayMillis}}")
                    .useExponentialBackOff().backOffMultiplier("2")
                    .maximumRedeliveryDelay("{{maxDelayMillis}}")
                    .useCollisionAvoidance()
                    .logRetryAttempted(false)
                    .logExhausted(false)
                    .onExceptionOccurred(DestinationFailure::onFailedAttempt)
                    .handled(DestinationFailure::handled)
                    .process(DestinationFailure::handle)
                .end()
                .onException(Exception.class)
                    // explicit: a batch that switches here mid-retries (a 4xx, or its destination just went down)
                    // would otherwise keep the retry clause's redeliveries, which Camel copies over
                    .maximumRedeliveries(0)
                    .logExhausted(false)
                    .handled(DestinationFailure::handled)
                    .process(DestinationFailure::handle)
                .end()
                .setProperty(DESTINATION, constant("{{name}}"))
                .setProperty(DEAD_LETTER, constant("{{deadLetter}}"))
                .setProperty(FILTER, constant("{{filter}}"))
                .setProperty(MAX_DELAY, simple("{{maxDelayMillis}}", Long.class))
                .process(DestinationFailure::filterAndCheck);
        return route.filter(simple("${body.size()} > 0"));
    }

    /**
     * What the HTTP types (webhook, Slack) share: the batch in chunks of {@code chunkSize} events, each given its
     * JSON body and any headers of its own by {@code render}, then POSTed to the template's {@code url}
     * ({@link HttpAttempt}, the step the error handler retries) and counted.
     */
    protected void postInChunks(ProcessorDefinition<?> route, String chunkSize, Processor render) {
        route.split(simple("${collate(" + chunkSize + ")}"))
                .setProperty(CHUNK, body())
                .removeHeaders("*")
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                .setHeader(Exchange.HTTP_METHOD, constant("POST"))
                .process(render)
                .process(DestinationTemplate::markStart)
                .setProperty(HttpAttempt.URL, constant("{{url}}"))
                .process(HttpAttempt::send)
                .process(exchange -> delivered(exchange, exchange.getProperty(CHUNK, List.class).size()))
                .end();
    }

    static final String STARTED = "trailrouterDeliveryStarted";

    /** Before the step that delivers a batch: the start of its delivery time (retries included). */
    protected static void markStart(Exchange exchange) {
        exchange.setProperty(STARTED, System.nanoTime());
    }

    /** A retryable failure, of a destination not known to be down ({@link DeliveryRuntime#knownDown}). */
    static boolean worthRetrying(Exchange exchange) {
        return DeliveryFailures.isRetryable(exchange)
                && !DeliveryRuntime.of(exchange).knownDown(exchange.getProperty(DESTINATION, String.class));
    }

    /** After a batch was delivered: count it and time it; the destination is up. */
    protected static void delivered(Exchange exchange, long events) {
        Long started = exchange.getProperty(STARTED, Long.class);
        DeliveryRuntime runtime = DeliveryRuntime.of(exchange);
        runtime.markUp(exchange.getProperty(DESTINATION, String.class));
        DeliveryLedger ledger = DeliveryLedger.of(exchange);
        if (ledger != null) {
            ledger.accepted(exchange.getProperty(DESTINATION, String.class), (int) events);
        }
        runtime.metrics.delivered(
                exchange.getProperty(DESTINATION, String.class), events, started == null ? 0 : System.nanoTime() - started);
    }

    @SuppressWarnings("unchecked")
    protected static List<Event> events(Exchange exchange) {
        return exchange.getIn().getBody(List.class);
    }
}
