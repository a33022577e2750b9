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
import java.util.stream.Stream;

import org.apache.camel.CamelContext;

import dev.trailrouter.event.Event;
import org.apache.camel.builder.RouteBuilder;
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

    /** @throws ConfigurationProblems naming each file, destination and parameter at fault, one per line */
    public static void validate(Path routesDir, CamelContext context) throws Exception {
        validate(routesDir, context, Map.of());
    }

    /**
     * Checks the files, and every destination's filter on each of {@code samples} (one Event of every kind; see
     * {@link EventFilter#checkOn}).
     *
     * @throws ConfigurationProblems naming each file, destination and parameter at fault, one per line
     */
    public static void validate(Path routesDir, CamelContext context, Map<String, Event> samples) throws Exception {
        List<String> problems = problems(routesDir, context, samples);
        if (!problems.isEmpty()) {
            throw new ConfigurationProblems(problems);
        }
    }

    /** What to say when the routes directory is not there. */
    public static String missing(Path routesDir) {
        return "the routes directory " + routesDir.toAbsolutePath() + " does not exist: run trailrouter where routes/ "
                + "is, or set trailrouter.routes-dir (TRAILROUTER_ROUTES_DIR)";
    }

    /** Every problem of the destination files, one line each naming the file; none: the files are fine. */
    public static List<String> problems(Path routesDir, CamelContext context, Map<String, Event> samples)
            throws IOException {
        return scan(routesDir, context, samples, new ArrayList<>());
    }

    /** The destinations the files declare, checked. @throws ConfigurationProblems when any file has a problem */
    public static List<Destination> destinations(Path routesDir, CamelContext context) throws IOException {
        List<Destination> found = new ArrayList<>();
        List<String> problems = scan(routesDir, context, Map.of(), found);
        if (!problems.isEmpty()) {
            throw new ConfigurationProblems(problems);
        }
        return found;
    }

    private static List<String> scan(Path routesDir, CamelContext context, Map<String, Event> samples,
                                     List<Destination> found) throws IOException {
        if (!Files.isDirectory(routesDir)) {
            return List.of(missing(routesDir));
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(routesDir)) {
            files = walk.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        List<String> problems = new ArrayList<>();
        Map<String, Path> destinations = new HashMap<>();
        Map<String, Path> inputs = new HashMap<>();
        java.util.Set<String> ownRoutes = new java.util.HashSet<>();
        List<Map.Entry<Path, Map<String, String>>> replays = new ArrayList<>();
        for (Path file : files) {
            List<Map<String, Object>> routes;
            try {
                routes = templatedRoutes(file);
            } catch (IllegalArgumentException | UncheckedIOException e) {
                problems.add(e.getMessage());
                continue;
            }
            ownRoutes.addAll(routeInputs(file));
            for (Map<String, Object> templated : routes) {
                String type = String.valueOf(templated.get("routeTemplateRef"));
                Map<String, String> params = parameters(file, templated);
                try {
                    DestinationType contract = DestinationType.named(type);
                    if (contract.isDestination()) {
                        // everything the route will do with its parameters, now: the contract, secrets, the filter
                        Destination destination = new Destination(context, contract, params);
                        try {
                            destination.filter().checkOn(samples, destination.value("filter"));
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException("parameter 'filter': " + e.getMessage(), e);
                        }
                        Path other = destinations.put(destination.name(), file);
                        if (other != null) {
                            throw new IllegalArgumentException("a destination named '" + destination.name()
                                    + "' is already declared in " + other);
                        }
                        String input = destination.value("input");
                        if (!input.isBlank()) {
                            if (input.startsWith("direct:dest-")) {
                                throw new IllegalArgumentException("parameter 'input' may not be a direct:dest-… "
                                        + "endpoint: those are what the fan-out sends to; use e.g. direct:"
                                        + destination.name() + "-sink");
                            }
                            Path same = inputs.put(input, file);
                            if (same != null) {
                                throw new IllegalArgumentException("parameter 'input': " + input
                                        + " is already the input of a destination in " + same);
                            }
                        }
                        found.add(destination);
                        // the route made from this file reuses it instead of resolving its secrets again
                        context.getRegistry().bind(Destination.beanName(destination.name()), destination);
                    } else {
                        contract.validate(params, value -> resolve(context, value));
                        replays.add(Map.entry(file, params));
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(file + ": " + type + " '" + params.getOrDefault("name",
                            params.getOrDefault("destination", "?")) + "': " + e.getMessage());
                }
            }
        }
        for (Destination destination : found) {
            String fanOut = "direct:dest-" + destination.name();
            if (!destination.value("input").isBlank() && !ownRoutes.contains(fanOut)) {
                problems.add(destinations.get(destination.name()) + ": " + destination + ": its input is "
                        + destination.value("input") + ", but no route reads " + fanOut + ": no event would reach it. "
                        + "Add a route from " + fanOut + " that ends in a step to " + destination.value("input"));
            }
        }
        for (Map.Entry<Path, Map<String, String>> replay : replays) {
            String target = replay.getValue().get("destination");
            if (!destinations.containsKey(target)) {
                problems.add(replay.getKey() + ": replays into '" + target + "', which no destination file declares");
            }
        }
        return problems;
    }

    /** The destination files' problems, each a line naming its file; the exception's message holds them all. */
    public static final class ConfigurationProblems extends IllegalArgumentException {
        private final List<String> problems;

        ConfigurationProblems(List<String> problems) {
            super(String.join("\n", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    /** The endpoints the plain routes of a file read ({@code - route: from: uri:} or {@code - from: uri:}). */
    private static List<String> routeInputs(Path file) {
        List<String> found = new ArrayList<>();
        Object document;
        try {
            document = new Load(LoadSettings.builder().setLabel(file.toString()).build()).loadFromString(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            return found; // reported by templatedRoutes
        }
        if (document instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> map) {
                    Object from = map.get("route") instanceof Map<?, ?> route ? route.get("from") : map.get("from");
                    if (from instanceof Map<?, ?> f && f.get("uri") != null) {
                        found.add(String.valueOf(f.get("uri")).replace("direct://", "direct:"));
                    }
                }
            }
        }
        return found;
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
        String resolved;
        try {
            resolved = context.resolvePropertyPlaceholders(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot resolve '" + value + "': " + e.getMessage(), e);
        }
        if (value.contains("{{env:") || value.contains("{{aws:") || value.contains("{{sysenv:")) {
            // what comes from the environment or a vault may be a secret (a URL with a token, a header value):
            // masked in log lines as resolved secrets are
            SecretRef.remember(resolved);
        }
        return resolved;
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
        // the value is not repeated: a URL's path or query may hold a token
        throw new IllegalArgumentException("parameter '" + param + "' must be a valid http:// or https:// URL");
    }
}
