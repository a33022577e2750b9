package dev.trailrouter.observe;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Keeps URLs' secrets out of every meter's tags, whoever registers the meter (Camel tags its exchange meters with the
 * endpoint URI, {@code endpointName}): an {@code http(s)://} value is cut to {@code scheme://host[:port]}, dropping the
 * path (a Slack webhook's token), the query ({@code ?apikey=}) and any user info; any other {@code scheme://} value
 * loses its user info and query. Defense in depth: however a destination builds its endpoint, a metric never shows
 * more than the receiving host.
 */
public final class SecretSafeTags implements MeterFilter {

    private static final java.util.Set<io.micrometer.core.instrument.MeterRegistry> FILTERED =
            java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>()));

    /**
     * The one registry for Camel's meters and trailrouter's, with this filter: bound as {@code metricsRegistry} before
     * camel-micrometer-prometheus starts (it then uses it, and registers its meters after the filter), or the one it
     * bound if it ran first.
     */
    public static io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry(org.apache.camel.CamelContext context) {
        synchronized (FILTERED) {
            var registry = context.getRegistry().lookupByNameAndType(
                    org.apache.camel.component.micrometer.MicrometerConstants.METRICS_REGISTRY_NAME,
                    io.micrometer.prometheusmetrics.PrometheusMeterRegistry.class);
            if (registry == null) {
                registry = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                        io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
                context.getRegistry().bind(org.apache.camel.component.micrometer.MicrometerConstants.METRICS_REGISTRY_NAME,
                        registry);
            }
            if (FILTERED.add(registry)) {
                registry.config().meterFilter(new SecretSafeTags());
            }
            return registry;
        }
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        List<Tag> tags = null;
        List<Tag> original = id.getTags();
        for (int i = 0; i < original.size(); i++) {
            Tag tag = original.get(i);
            String safe = safe(tag.getValue());
            if (!safe.equals(tag.getValue())) {
                if (tags == null) {
                    tags = new ArrayList<>(original);
                }
                tags.set(i, Tag.of(tag.getKey(), safe));
            }
        }
        return tags == null ? id : id.replaceTags(tags);
    }

    /** The value with any URL in it reduced as described above; other values unchanged. */
    public static String safe(String value) {
        int scheme = value.indexOf("://");
        if (scheme <= 0) {
            return value;
        }
        String name = value.substring(0, scheme).toLowerCase(java.util.Locale.ROOT);
        if (name.equals("http") || name.equals("https")) {
            try {
                URI uri = URI.create(value);
                String host = uri.getHost();
                if (host != null) {
                    return uri.getScheme() + "://" + host + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
                }
            } catch (IllegalArgumentException e) {
                // not a well-formed URI: cut by hand below
            }
            int end = value.length();
            for (char c : new char[] {'/', '?', '#'}) {
                int at = value.indexOf(c, scheme + 3);
                if (at >= 0) {
                    end = Math.min(end, at);
                }
            }
            String authority = value.substring(scheme + 3, end);
            return value.substring(0, scheme) + "://" + authority.substring(authority.lastIndexOf('@') + 1);
        }
        String out = value;
        int at = out.indexOf('@', scheme + 3);
        int slash = out.indexOf('/', scheme + 3);
        if (at >= 0 && (slash < 0 || at < slash)) {
            out = out.substring(0, scheme + 3) + out.substring(at + 1);
        }
        int query = out.indexOf('?');
        return query >= 0 ? out.substring(0, query) : out;
    }
}
