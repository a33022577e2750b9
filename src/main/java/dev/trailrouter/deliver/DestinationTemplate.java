package dev.trailrouter.deliver;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.FilterDefinition;
import org.apache.camel.model.Model;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;

import dev.trailrouter.event.Event;
import dev.trailrouter.ledger.DeliveryLedger;

/**
 * What every destination type shares: its parameter contract, read from the type's schema
 * ({@link DestinationType}: the template's parameters and defaults come from there, written once), and the head of the
 * route that applies the common parameters — error policy, filter, the unit's earlier failures. A type adds the steps
 * that deliver one batch of events (the route body is a {@code List<Event>}), ending in a Camel endpoint with a step
 * id, so Hawtio shows the route's real I/O. See docs/configuration.md#destinations.
 *
 * <p>When a destination's route is created from its type's template, a template converter (Camel's
 * {@code RouteTemplateDefinition.Converter}) checks the file's parameters against the contract, resolves the secrets
 * and compiles the filter into one {@link Destination}, bound in the registry; it also adds the computed parameters
 * the route uses: {@code input} (the route's endpoint) and {@code endpoint} (where it writes, without any secret).
 *
 * <p>Failure handling, in order: retryable failures are retried with exponential backoff and jitter ({@code
 * Retry-After} honoured); when retries run out, or at once for a permanent failure, the batch is written to the
 * destination's {@code deadLetter} target and the destination counts as done for it. Without a dead-letter target the
 * failure is reported to the unit's {@link DeliveryLedger}, whose verdict then keeps the unit (an SQS message is not
 * deleted). Once a destination gave up on events of a unit, its later batches of that unit skip the retries and go
 * the same way. And once a batch ran out of retries on a retryable failure other than a rate limit, the destination
 * counts as down: each unit gets one attempt without retries until a batch is accepted. So a destination that is down
 * costs one retry budget, then one attempt per unit.
 */
public abstract class DestinationTemplate extends RouteBuilder {

    /** The {@link Destination} whose route the batch is in. */
    public static final String DESTINATION = "trailrouterDestination";
    /** The events of the batch being delivered: what goes to the dead-letter target if it fails. */
    public static final String CHUNK = "trailrouterChunk";

    /**
     * The type's route template, its parameters from its schema. {@code endpoint} computes the type's write endpoint
     * from its {@link Destination} (may be null for a type without one).
     */
    protected RouteTemplateDefinition template(String type, BiFunction<CamelContext, Destination, String> endpoint) {
        DestinationType contract = DestinationType.named(type);
        RouteTemplateDefinition template = contract.declareOn(routeTemplate(type));
        CamelContext context = getContext();
        context.getCamelContextExtension().getContextPlugin(Model.class).addRouteTemplateDefinitionConverter(type,
                (definition, parameters) -> {
                    Destination destination = bind(context, contract, parameters, endpoint);
                    RouteDefinition route = RouteTemplateDefinition.Converter.DEFAULT_CONVERTER.apply(definition, parameters);
                    // step MBeans read <name>-post, <name>-filter… (Camel would prefix them route-1, route-2…)
                    route.setNodePrefixId(destination.name() + "-");
                    return route;
                });
        return template;
    }

    /** The destination of a route being created from the template, and the parameters computed from it. */
    private static Destination bind(CamelContext context, DestinationType contract, Map<String, Object> parameters,
                             BiFunction<CamelContext, Destination, String> endpoint) {
        Map<String, String> given = new java.util.LinkedHashMap<>();
        parameters.forEach((k, v) -> {
            if (v != null && !v.toString().isEmpty() && contract.parameters().containsKey(k)) {
                given.put(k, v.toString());
            }
        });
        // the start-up check built it already (secrets resolved: a Secrets Manager call each): once is enough
        Destination checked = Destination.named(context, given.get("name"));
        Destination destination = checked != null
                && checked.builtFrom(contract, contract.validate(given, value -> DestinationFiles.resolve(context, value)))
                ? checked : new Destination(context, contract, given);
        context.getRegistry().bind(Destination.beanName(destination.name()), destination);
        for (DestinationType.Parameter p : contract.parameters().values()) {
            if ("integer".equals(p.type())) {
                parameters.put(p.name(), destination.value(p.name()).trim()); // as checked: " 3" is 3
            }
        }
        parameters.put("input", destination.input());
        if (endpoint != null) {
            parameters.put("endpoint", endpoint.apply(context, destination));
        }
        return destination;
    }

    /**
     * The common head: error policy, the destination, its filter; what the type adds after it runs only when events
     * are left for this destination.
     */
    protected FilterDefinition begin(RouteTemplateDefinition template) {
        RouteDefinition route = template.from("{{input}}");
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
                    .onRedelivery(HttpAttempt::beforeRetry)
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
                .setProperty(DESTINATION, simple("${ref:" + Destination.beanName("{{name}}") + "}")).id("destination")
                .process(DestinationFailure::filterAndCheck).id("filter");
        return (FilterDefinition) route.filter(simple("${body.size()} > 0")).id("any-events");
    }

    /**
     * What the HTTP types (webhook, Slack) share: the batch in chunks of {@code chunkSize} events, each given its
     * JSON body and any headers of its own by {@code render}, then POSTed to the destination's URL through Camel's
     * http component (the {@code post} step, which the error handler retries) and counted.
     */
    protected void postInChunks(ProcessorDefinition<?> route, String chunkSize, Processor render) {
        route.split(simple("${collate(" + chunkSize + ")}")).id("chunks")
                .setProperty(CHUNK, body())
                .process(DestinationFailure::checkEarlier).id("gave-up-earlier")
                .removeHeaders("*")
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                .setHeader(Exchange.HTTP_METHOD, constant("POST"))
                .process(render).id("render")
                .process(DestinationTemplate::markStart)
                .process(HttpAttempt::prepare).id("sign")
                .to("{{endpoint}}").id("post")
                .process(exchange -> delivered(exchange, exchange.getProperty(CHUNK, List.class))).id("delivered")
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
                && !DeliveryRuntime.of(exchange).knownDown(Destination.of(exchange).name());
    }

    /**
     * After a batch was delivered: record its events in the dedup store (before the ledger hears of it, so a unit done
     * has its events recorded), count it and time it, report it to the unit's ledger; the destination is up.
     */
    protected static void delivered(Exchange exchange, List<Event> events) {
        Long started = exchange.getProperty(STARTED, Long.class);
        DeliveryRuntime runtime = DeliveryRuntime.of(exchange);
        String name = Destination.of(exchange).name();
        runtime.markUp(name);
        runtime.dedup().ifPresent(dedup -> dedup.accepted(exchange, name, events));
        DeliveryLedger ledger = DeliveryLedger.of(exchange);
        if (ledger != null) {
            ledger.accepted(name, events.size());
        }
        runtime.metrics.delivered(name, events.size(), started == null ? 0 : System.nanoTime() - started);
    }

    @SuppressWarnings("unchecked")
    protected static List<Event> events(Exchange exchange) {
        return exchange.getIn().getBody(List.class);
    }
}
