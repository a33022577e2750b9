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

    /** The types and their own checks; parameters and defaults are read from the templates themselves. */
    static final Map<String, ParameterCheck> CHECKS = Map.of(
            WebhookTemplate.TEMPLATE, WebhookTemplate::check,
            SlackTemplate.TEMPLATE, SlackTemplate::check,
            ArchiveTemplate.TEMPLATE, ArchiveTemplate::check,
            SnsTemplate.TEMPLATE, SnsTemplate::check,
            ReplayTemplates.SQS, (p, r) -> requireHttpUrl("queueUrl", r.apply(p.get("queueUrl"))),
            ReplayTemplates.DIR, (p, r) -> requirePositive("intervalMillis", p.getOrDefault("intervalMillis", "10000")));

    /** The route builders that define the destination types, in the order Main adds them. */
    public static List<RouteBuilder> templates() {
        return List.of(new WebhookTemplate(), new SlackTemplate(), new ArchiveTemplate(), new SnsTemplate(),
                new ReplayTemplates());
    }

    interface ParameterCheck {
        void check(Map<String, String> params, UnaryOperator<String> resolve);
    }

    private DestinationFiles() {
    }

    /** @throws IllegalArgumentException naming the first file and parameter at fault */
    public static void validate(Path routesDir, CamelContext context) throws Exception {
        if (!Files.isDirectory(routesDir)) {
            return;
        }
        Map<String, RouteTemplateDefinition> templates = templateDefinitions();
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
                    RouteTemplateDefinition template = templates.get(type);
                    if (template == null) {
                        throw new IllegalArgumentException("unknown destination type '" + type + "' (known: "
                                + String.join(", ", new java.util.TreeSet<>(templates.keySet())) + ")");
                    }
                    checkParameters(template, params);
                    UnaryOperator<String> resolve = value -> resolve(context, value);
                    if (template.getTemplateParameters().stream().anyMatch(p -> p.getName().equals("name"))) {
                        checkCommon(context, params, resolve);
                        Path other = destinations.put(params.get("name"), file);
                        if (other != null) {
                            throw new IllegalArgumentException("a destination named '" + params.get("name")
                                    + "' is already declared in " + other);
                        }
                    } else {
                        replays.add(Map.entry(file, params));
                    }
                    CHECKS.getOrDefault(type, (p, r) -> { }).check(params, resolve);
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

    static Map<String, RouteTemplateDefinition> templateDefinitions() throws Exception {
        try (DefaultCamelContext scratch = new DefaultCamelContext(false)) {
            for (RouteBuilder builder : templates()) {
                scratch.addRoutes(builder);
            }
            Map<String, RouteTemplateDefinition> byId = new LinkedHashMap<>();
            for (RouteTemplateDefinition t : ((ModelCamelContext) scratch).getRouteTemplateDefinitions()) {
                byId.put(t.getId(), t);
            }
            return byId;
        }
    }

    private static void checkParameters(RouteTemplateDefinition template, Map<String, String> params) {
        Set<String> known = new HashSet<>();
        for (RouteTemplateParameterDefinition p : template.getTemplateParameters()) {
            known.add(p.getName());
            String value = params.get(p.getName());
            if (p.isRequired() && p.getDefaultValue() == null && (value == null || value.isBlank())) {
                throw new IllegalArgumentException("missing required parameter '" + p.getName() + "' (" + p.getDescription() + ")");
            }
        }
        for (String name : params.keySet()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown parameter '" + name + "' (parameters: "
                        + String.join(", ", template.getTemplateParameters().stream().map(RouteTemplateParameterDefinition::getName).toList()) + ")");
            }
        }
    }

    private static void checkCommon(CamelContext context, Map<String, String> params, UnaryOperator<String> resolve) {
        if (!params.get("name").matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("parameter 'name' may only contain letters, digits, '-' and '_'");
        }
        String filter = params.getOrDefault("filter", "");
        if (!filter.isBlank()) {
            try {
                EventFilter.compile(context, filter);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("parameter 'filter' is not a valid Simple predicate: " + e.getMessage(), e);
            }
        }
        String deadLetter = resolve.apply(params.getOrDefault("deadLetter", ""));
        if (!deadLetter.isBlank()) {
            try {
                DeadLetterTargets.check(deadLetter);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("parameter " + e.getMessage(), e);
            }
        }
        for (String number : new String[] {"maxRetries", "initialDelayMillis", "maxDelayMillis"}) {
            if (params.containsKey(number)) {
                requireNonNegative(number, params.get(number));
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

    private static String resolve(CamelContext context, String value) {
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

    static int requirePositive(String param, String value) {
        int n = requireNonNegative(param, value);
        if (n == 0) {
            throw new IllegalArgumentException("parameter '" + param + "' must be at least 1");
        }
        return n;
    }

    static int requireNonNegative(String param, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("parameter '" + param + "' must be a whole number, got '" + value + "'");
    }

    static void requireSecretRef(String param, String value) {
        if (!SecretRef.isReference(value)) {
            throw new IllegalArgumentException("parameter '" + param + "' must name the secret, env:NAME or file:/path; "
                    + "secrets are never written into route files");
        }
        try {
            SecretRef.resolve(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("parameter '" + param + "': " + e.getMessage(), e);
        }
    }
}
