package dev.trailrouter.deliver;

import java.util.List;

import java.util.Collection;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;

/**
 * The destinations declared in route files: every route consuming from {@code direct:dest-<name>}. Read once the routes
 * are started, so a destination added by dropping a file into routes/destinations/ needs no code change.
 */
public final class Destinations {

    public static final String ENDPOINT_PREFIX = "direct://dest-";

    /**
     * An exchange variable holding the names of the only destinations a unit goes to (a {@code Set<String>}): a
     * backfill limited with {@code --destination} must not send history to the others. Unset = every destination. A
     * variable, like the ledger, so every copy Camel makes of the unit's exchange (the split batches) carries it.
     */
    public static final String ONLY_VARIABLE = "trailrouterOnlyDestinations";

    private final CamelContext context;
    private volatile List<String> endpoints;

    public Destinations(CamelContext context) {
        this.context = context;
    }

    /** The endpoint URIs the fan-out sends every batch to. */
    public List<String> endpoints() {
        List<String> found = endpoints;
        if (found == null) {
            found = context.getRoutes().stream()
                    .map(Route::getEndpoint)
                    .map(e -> e.getEndpointUri())
                    .filter(uri -> uri.startsWith(ENDPOINT_PREFIX))
                    .sorted()
                    .toList();
            endpoints = found;
        }
        return found;
    }

    /** The endpoints this exchange's unit goes to: every destination, or those {@link #ONLY_VARIABLE} names. */
    @SuppressWarnings("unchecked")
    public List<String> endpointsFor(Exchange exchange) {
        Set<String> only = exchange.getVariable(ONLY_VARIABLE, Set.class);
        if (only == null) {
            return endpoints();
        }
        return endpoints().stream().filter(uri -> only.contains(name(uri))).toList();
    }

    /** The declared destinations' names ({@code siem} for {@code direct://dest-siem}). */
    public List<String> names() {
        return endpoints().stream().map(Destinations::name).toList();
    }

    /** Of these names, those no route file declares. */
    public List<String> unknown(Collection<String> wanted) {
        List<String> declared = names();
        return wanted.stream().filter(n -> !declared.contains(n)).toList();
    }

    private static String name(String endpointUri) {
        String name = endpointUri.substring(ENDPOINT_PREFIX.length());
        int query = name.indexOf('?');
        return query < 0 ? name : name.substring(0, query);
    }

    /** Refuses to run with nothing to deliver to: events would otherwise be acknowledged and lost. */
    public void requireAtLeastOne() {
        endpoints = null;
        if (endpoints().isEmpty()) {
            throw new IllegalStateException("no destination is declared: add a route file under routes/destinations/ "
                    + "(see README, 'Add a destination'); refusing to consume and drop events");
        }
    }
}
