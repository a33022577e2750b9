package dev.trailrouter.deliver;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.support.DefaultExchange;

import dev.trailrouter.event.Event;

/**
 * A destination's {@code filter}: a Camel Simple predicate evaluated on each {@link Event}, e.g.
 * {@code ${body.kind} == 'cloudtrail' && ${body.readOnly} != true} or {@code ${body.name} in 'ConsoleLogin,CreateUser'}.
 * Empty means every event. See docs/configuration.md#filters.
 */
public final class EventFilter {

    private final CamelContext context;
    private final Predicate predicate;

    private EventFilter(CamelContext context, Predicate predicate) {
        this.context = context;
        this.predicate = predicate;
    }

    public static EventFilter compile(CamelContext context, String expression) {
        if (expression == null || expression.isBlank()) {
            return new EventFilter(context, null);
        }
        Predicate predicate = context.resolveLanguage("simple").createPredicate(expression);
        predicate.init(context);
        return new EventFilter(context, predicate);
    }

    public List<Event> apply(List<Event> events) {
        if (predicate == null) {
            return events;
        }
        List<Event> kept = new ArrayList<>(events.size());
        Exchange probe = new DefaultExchange(context);
        for (Event event : events) {
            probe.getIn().setBody(event);
            if (predicate.matches(probe)) {
                kept.add(event);
            }
        }
        return kept;
    }
}
