package dev.trailrouter.deliver;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;

import dev.trailrouter.config.SecretRef;

/**
 * One declared destination as its route runs it: its name and its parameters checked against its type's contract
 * ({@link DestinationType}), its filter compiled, its secrets resolved. Built once, when its route is created from
 * the type's template; each batch's exchange carries it as {@link DestinationTemplate#DESTINATION}.
 */
public final class Destination {

    private final String name;
    private final DestinationType type;
    private final Map<String, String> values;
    private final EventFilter filter;
    private final String url;
    private final List<byte[]> signingKeys;
    private final String bearerToken;
    private final Map<String, String> headers;

    Destination(CamelContext context, DestinationType type, Map<String, String> given) {
        this.type = type;
        this.values = type.validate(given, value -> DestinationFiles.resolve(context, value));
        this.name = values.get("name");
        String expression = values.getOrDefault("filter", "");
        try {
            this.filter = EventFilter.compile(context, expression);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("parameter 'filter' is not a valid Simple predicate: " + e.getMessage(), e);
        }
        UnaryOperator<String> secretValue = reference -> SecretRef.resolve(context, reference);
        String rawUrl = values.get("url");
        if (rawUrl == null) {
            this.url = null;
        } else {
            this.url = secret("url") ? resolveParam("url", secretValue) : rawUrl;
            DestinationFiles.requireHttpUrl("url", url);
            // a webhook URL may carry a token in its path or query: it is masked in log lines, like a secret
            SecretRef.remember(url);
        }
        this.signingKeys = value("secret").isBlank() ? List.of() : signingKeys(resolveParam("secret", secretValue));
        this.bearerToken = value("bearerToken").isBlank() ? null : resolveParam("bearerToken", secretValue);
        // as written: each value that names a secret is resolved (and masked in logs) on its own
        this.headers = WebhookSigning.headers(given.getOrDefault("headers", ""), secretValue);
    }

    private static List<byte[]> signingKeys(String secrets) {
        try {
            return WebhookSigning.keys(secrets);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("parameter 'secret': " + e.getMessage(), e);
        }
    }

    private String resolveParam(String parameter, UnaryOperator<String> resolve) {
        try {
            return resolve.apply(value(parameter));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("parameter '" + parameter + "': " + e.getMessage(), e);
        }
    }

    /** The webhook's signing keys (none: requests are not signed). */
    List<byte[]> signingKeys() {
        return signingKeys;
    }

    /** The webhook's bearer token, or null. */
    String bearerToken() {
        return bearerToken;
    }

    /** The webhook's extra headers, references resolved. */
    Map<String, String> headers() {
        return headers;
    }

    /** Whether it was built from these checked parameter values (defaults filled in; secrets as references). */
    boolean builtFrom(DestinationType type, Map<String, String> checkedValues) {
        return this.type == type && values.equals(checkedValues);
    }

    /** The registry name a destination is bound under when its route is created. */
    static String beanName(String destination) {
        return "trailrouter-destination-" + destination;
    }

    /** The declared destination of that name, once its route was created; null when there is none. */
    static Destination named(CamelContext context, String name) {
        return context.getRegistry().lookupByNameAndType(beanName(name), Destination.class);
    }

    /** The destination whose route this batch is in. */
    static Destination of(Exchange exchange) {
        return exchange.getProperty(DestinationTemplate.DESTINATION, Destination.class);
    }

    public String name() {
        return name;
    }

    public DestinationType type() {
        return type;
    }

    /** Whether this destination's filter takes the event (no filter: every event). */
    public boolean takes(dev.trailrouter.event.Event event) {
        return !filter.apply(List.of(event)).isEmpty();
    }

    /** The filter as written; empty: every event. */
    public String filterExpression() {
        return value("filter");
    }

    EventFilter filter() {
        return filter;
    }

    /** A parameter's value as checked, the default filled in; the reference, not the value, for a secret. */
    String value(String parameter) {
        return values.getOrDefault(parameter, "");
    }

    int intValue(String parameter) {
        return Integer.parseInt(value(parameter).trim());
    }

    long longValue(String parameter) {
        return Long.parseLong(value(parameter).trim());
    }

    boolean secret(String parameter) {
        DestinationType.Parameter p = type.parameters().get(parameter);
        return p != null && p.secret();
    }

    /** The HTTP types' URL, resolved (a Slack webhook URL is a secret: it never appears in an endpoint URI). */
    String url() {
        return url;
    }

    /**
     * The endpoint the route's HTTP step shows: scheme, host and port only. The whole URL travels in the
     * {@code CamelHttpUri} header, so no path or query — where webhook tokens live — reaches an endpoint URI, the route
     * model, JMX or a metric tag.
     */
    String httpOrigin() {
        return origin(url);
    }

    /** scheme://host[:port] of a URL, without user info, path or query; "the endpoint" when it does not parse. */
    static String origin(String url) {
        try {
            URI uri = URI.create(url);
            String authority = uri.getRawAuthority();
            if (uri.getScheme() == null || authority == null) {
                return "the endpoint";
            }
            return uri.getScheme() + "://" + authority.substring(authority.indexOf('@') + 1);
        } catch (IllegalArgumentException | NullPointerException e) {
            return "the endpoint";
        }
    }

    /** The input endpoint of its route: {@code direct:dest-<name>}, or the one set with {@code input}. */
    public String input() {
        String input = value("input");
        return input.isBlank() ? "direct:dest-" + name : input;
    }

    String deadLetter() {
        return value("deadLetter");
    }

    @Override
    public String toString() {
        return type.name() + " '" + name + "'";
    }
}
