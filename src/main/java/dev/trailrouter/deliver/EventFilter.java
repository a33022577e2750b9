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

    /**
     * Evaluates the filter on one sample Event of every kind. A filter that names something the Event does not have
     * (a misspelled field, {@code ${body.nmae}}) fails on every event at run time, and every message would come back
     * for ever: it is refused here, naming the expression. A filter that fails on every kind is refused too. A filter
     * that fails only on some kinds (a field that is null for them) is accepted.
     *
     * @throws IllegalArgumentException saying why
     */
    public void checkOn(java.util.Map<String, Event> samples, String expression) {
        if (predicate == null) {
            return;
        }
        Exchange probe = new DefaultExchange(context);
        RuntimeException last = null;
        int failed = 0;
        for (Event event : samples.values()) {
            probe.getIn().setBody(event);
            try {
                predicate.matches(probe);
            } catch (RuntimeException e) {
                failed++;
                last = e;
                Throwable unknown = unknownName(e);
                if (unknown != null) {
                    String name = unknown instanceof org.apache.camel.component.bean.MethodNotFoundException m
                            ? "'" + m.getMethodName() + "'" : "something";
                    throw new IllegalArgumentException("'" + expression + "' names " + name + ", which an Event does "
                            + "not have; an Event has id, time, kind, account, region, service, name, actor, sourceIp, "
                            + "readOnly, origin and detail (the original record)", e);
                }
            }
        }
        if (failed == samples.size() && last != null) {
            throw new IllegalArgumentException("'" + expression + "' fails on every kind of event: " + dev.trailrouter.observe.LogSafe.rootCause(last), last);
        }
    }

    private static Throwable unknownName(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String type = t.getClass().getSimpleName();
            if (type.equals("MethodNotFoundException") || type.equals("NoSuchPropertyException")
                    || type.equals("NoSuchMethodException") || type.equals("UnknownFunctionException")) {
                return t;
            }
        }
        return null;
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
