package dev.trailrouter.deliver;

import dev.trailrouter.config.SecretRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.RouteTemplateParameterDefinition;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Checks every destination file before Camel loads it, so that a mistake stops start-up with the file's name and the
 * parameter at fault: unknown destination type, missing or unknown parameter, a secret written into the file, a
 * malformed filter or dead-letter spec, two destinations with one name. Camel's own error for a missing template
 * parameter names neither the file nor the route.
 */
public final class DestinationFiles {

    /** The route builders that define the destination types, in the order Main adds them. */
    public static List<RouteBuilder> templates() {
        return List.of(new WebhookTemplate(), new SlackTemplate(), new ArchiveTemplate(), new SnsTemplate(),
                new ReplayTemplates());
    }

    private DestinationFiles() {
    }

    /** @throws IllegalArgumentException naming the first file and parameter at fault */
    public static void validate(Path routesDir, CamelContext context) throws Exception {
        if (!Files.isDirectory(routesDir)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(routesDir)) {
            files = walk.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        Map<String, Path> destinations = new HashMap<>();
        List<Map.Entry<Path, Map<String, String>>> replays = new ArrayList<>();
        for (Path file : files) {
            for (Map<String, Object> templated : templatedRoutes(file)) {
                String type = String.valueOf(templated.get("routeTemplateRef"));
                Map<String, String> params = parameters(file, templated);
                try {
                    DestinationType contract = DestinationType.named(type);
                    if (contract.isDestination()) {
                        // everything the route will do with its parameters, now: the contract, secrets, the filter
                        Destination destination = new Destination(context, contract, params);
                        Path other = destinations.put(destination.name(), file);
                        if (other != null) {
                            throw new IllegalArgumentException("a destination named '" + destination.name()
                                    + "' is already declared in " + other);
                        }
                    } else {
                        contract.validate(params, value -> resolve(context, value));
                        replays.add(Map.entry(file, params));
                    }
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + ": " + type + " '" + params.getOrDefault("name",
                            params.getOrDefault("destination", "?")) + "': " + e.getMessage(), e);
                }
            }
        }
        for (Map.Entry<Path, Map<String, String>> replay : replays) {
            String target = replay.getValue().get("destination");
            if (!destinations.containsKey(target)) {
                throw new IllegalArgumentException(replay.getKey() + ": replays into '" + target
                        + "', which no destination file declares");
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> templatedRoutes(Path file) {
        List<Map<String, Object>> found = new ArrayList<>();
        Object document;
        try {
            document = new Load(LoadSettings.builder().setLabel(file.toString()).build()).loadFromString(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + " is not valid YAML: " + e.getMessage(), e);
        }
        if (document instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> map && map.get("templatedRoute") instanceof Map<?, ?> templated) {
                    found.add((Map<String, Object>) templated);
                }
            }
        }
        return found;
    }

    private static Map<String, String> parameters(Path file, Map<String, Object> templated) {
        Map<String, String> params = new LinkedHashMap<>();
        Object list = templated.get("parameters");
        if (list instanceof List<?> items) {
            for (Object item : items) {
                if (item instanceof Map<?, ?> p && p.get("name") != null) {
                    params.put(String.valueOf(p.get("name")), p.get("value") == null ? "" : String.valueOf(p.get("value")));
                }
            }
        }
        return params;
    }

    /** A parameter's value with its placeholders ({@code {{env:…}}}, configuration keys) resolved. */
    static String resolve(CamelContext context, String value) {
        if (value == null || !value.contains("{{")) {
            return value == null ? "" : value;
        }
        try {
            return context.resolvePropertyPlaceholders(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot resolve '" + value + "': " + e.getMessage(), e);
        }
    }

    static void requireHttpUrl(String param, String url) {
        try {
            String scheme = URI.create(url).getScheme();
            if ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) {
                return;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new IllegalArgumentException("parameter '" + param + "' must be an http:// or https:// URL, got '"
                + SecretRef.redact(url) + "'");
    }
}
