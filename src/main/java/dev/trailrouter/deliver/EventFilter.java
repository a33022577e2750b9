package dev.trailrouter.deliver;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.support.DefaultExchange;

import dev.trailrouter.event.Event;

/**
 * A destination's {@code filter}: a Camel Simple predicate evaluated on each {@link Event}, e.g.
 * {@code ${body.kind} == 'cloudtrail' && ${body.readOnly} != true} or {@code ${body.name} in 'ConsoleLogin,CreateUser'}.
 * Empty means every event. See docs/configuration.md#filters.
 *
 * <p>Simple reads {@code ${body.readOnly}} through Camel's bean language: for every event it builds a bean expression,
 * introspects the body's class, splits the OGNL path and invokes the method on a copy of the exchange, which was a
 * quarter of the pipeline's CPU per event with one such term (docs/BENCHMARKS.md §1). So each term that reads one
 * Event field whole ({@code ${body.<field>}}, nothing after the field) is compiled as
 * {@code ${exchangeProperty.<name>}}, and before each evaluation that property is set to the field's value: the same
 * value the bean call returned, so the same result. Anything else ({@code ${body.detail.eventName}},
 * {@code ${body.name.startsWith('Get')}}, {@code ${body?.name}}) is left to Simple as written.
 */
public final class EventFilter {

    /** The Event's fields as the bean language reads them, by name. */
    private static final Map<String, Function<Event, Object>> FIELDS = fields();

    private final CamelContext context;
    private final Predicate predicate;
    /** The exchange properties that stand for {@code ${body.<field>}} terms, and the fields they are set from. */
    private final String[] properties;
    private final List<Function<Event, Object>> reads;

    private EventFilter(CamelContext context, Predicate predicate, String[] properties, List<Function<Event, Object>> reads) {
        this.context = context;
        this.predicate = predicate;
        this.properties = properties;
        this.reads = reads;
    }

    public static EventFilter compile(CamelContext context, String expression) {
        if (expression == null || expression.isBlank()) {
            return new EventFilter(context, null, new String[0], List.of());
        }
        List<String> properties = new ArrayList<>();
        List<Function<Event, Object>> reads = new ArrayList<>();
        String compiled = expression;
        for (Map.Entry<String, Function<Event, Object>> field : FIELDS.entrySet()) {
            String term = "${body." + field.getKey() + "}";
            if (compiled.contains(term)) {
                String property = "trailrouterFilterEvent_" + field.getKey();
                compiled = compiled.replace(term, "${exchangeProperty." + property + "}");
                properties.add(property);
                reads.add(field.getValue());
            }
        }
        Predicate predicate = context.resolveLanguage("simple").createPredicate(compiled);
        predicate.init(context);
        return new EventFilter(context, predicate, properties.toArray(String[]::new), List.copyOf(reads));
    }

    private static Map<String, Function<Event, Object>> fields() {
        Map<String, Function<Event, Object>> fields = new LinkedHashMap<>();
        fields.put("id", Event::id);
        fields.put("time", Event::time);
        fields.put("kind", Event::kind);
        fields.put("account", Event::account);
        fields.put("region", Event::region);
        fields.put("service", Event::service);
        fields.put("name", Event::name);
        fields.put("actor", Event::actor);
        fields.put("sourceIp", Event::sourceIp);
        fields.put("readOnly", Event::readOnly);
        fields.put("origin", Event::origin);
        fields.put("detail", Event::detail);
        return java.util.Collections.unmodifiableMap(fields);
    }

    /** Whether the filter keeps an event (the probe exchange is the caller's, reused). */
    private boolean matches(Exchange probe, Event event) {
        probe.getIn().setBody(event);
        for (int i = 0; i < properties.length; i++) {
            probe.setProperty(properties[i], reads.get(i).apply(event));
        }
        return predicate.matches(probe);
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
            try {
                matches(probe, event);
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
            if (matches(probe, event)) {
                kept.add(event);
            }
        }
        return kept;
    }
}
