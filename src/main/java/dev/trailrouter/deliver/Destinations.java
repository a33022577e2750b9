package dev.trailrouter.deliver;

import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;

/**
 * The destinations declared in route files: every route consuming from {@code direct:dest-<name>}. Read once the routes
 * are started, so a destination added by dropping a file into routes/destinations/ needs no code change.
 */
public final class Destinations {

    public static final String ENDPOINT_PREFIX = "direct://dest-";

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

    /** Refuses to run with nothing to deliver to: events would otherwise be acknowledged and lost. */
    public void requireAtLeastOne() {
        endpoints = null;
        if (endpoints().isEmpty()) {
            throw new IllegalStateException("no destination is declared: add a route file under routes/destinations/ "
                    + "(see README, 'Add a destination'); refusing to consume and drop events");
        }
    }
}
