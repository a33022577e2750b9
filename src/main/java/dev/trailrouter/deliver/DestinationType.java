package dev.trailrouter.deliver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import dev.trailrouter.config.SecretRef;

/**
 * A destination type's parameter contract, read from its JSON Schema file in {@code destination-types/} on the
 * classpath (Kamelet style: {@code required}, {@code default}, {@code format: password} for secrets, {@code enum},
 * {@code pattern}, {@code minimum}/{@code maximum}). The same file drives the route template's parameters and their
 * defaults, the start-up validation of every destination file, and the configuration docs — a default is written once,
 * in the schema. A type file's {@code allOf: [{$ref: destination.json}]} adds the parameters every destination takes.
 */
public final class DestinationType {

    /** The folder of the schema files, on the classpath and in the repository (src/main/resources). */
    public static final String FOLDER = "destination-types";
    /** The types, in the order the docs list them. */
    public static final List<String> NAMES = List.of("webhook", "slack", "archive", "sns", "replay-sqs", "replay-dir");

    private static final ObjectMapper JSON = new ObjectMapper();
    /** JSON Schema 2020-12, with the Kamelet annotation keyword {@code x-descriptors} known (it does not validate). */
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.builder(
                    JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012))
            .metaSchema(JsonMetaSchema.builder(JsonMetaSchema.getV202012())
                    .keyword(new NonValidationKeyword("x-descriptors")).build())
            .build();
    private static final Map<String, DestinationType> LOADED = new ConcurrentHashMap<>();

    private final String name;
    private final String description;
    private final Map<String, Parameter> parameters;
    private final JsonSchema schema;

    /** One parameter of the contract. {@code defaultValue} is null for a parameter without a default. */
    public record Parameter(String name, String type, String defaultValue, boolean required, boolean secret,
                            String description) {
    }

    private DestinationType(String name, ObjectNode merged) {
        this.name = name;
        this.description = merged.path("description").asText("");
        Set<String> required = new LinkedHashSet<>();
        merged.path("required").forEach(r -> required.add(r.asText()));
        Map<String, Parameter> params = new LinkedHashMap<>();
        merged.path("properties").fields().forEachRemaining(p -> {
            JsonNode spec = p.getValue();
            params.put(p.getKey(), new Parameter(p.getKey(), spec.path("type").asText("string"),
                    spec.has("default") ? spec.get("default").asText() : null, required.contains(p.getKey()),
                    "password".equals(spec.path("format").asText()), spec.path("description").asText("")));
        });
        this.parameters = params;
        this.schema = FACTORY.getSchema(merged);
    }

    /** @throws IllegalArgumentException naming the known types when there is no such type */
    public static DestinationType named(String type) {
        if (!NAMES.contains(type)) {
            throw new IllegalArgumentException("unknown destination type '" + type + "' (known: "
                    + String.join(", ", NAMES.stream().sorted().toList()) + ")");
        }
        return LOADED.computeIfAbsent(type, t -> new DestinationType(t, merged(t)));
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    /** In the schema's order: the common parameters first, then the type's own. */
    public Map<String, Parameter> parameters() {
        return parameters;
    }

    /**
     * Declares the contract's parameters on a route template: required ones without a default, optional ones with
     * their default ("" when they have none), so a default is written once, in the schema.
     */
    public org.apache.camel.model.RouteTemplateDefinition declareOn(org.apache.camel.model.RouteTemplateDefinition template) {
        for (Parameter p : parameters.values()) {
            template.templateParameter(p.name(), p.required() ? null : p.defaultValue() == null ? "" : p.defaultValue(),
                    p.description());
        }
        return template.description(description);
    }

    /** Whether it is a destination (it has a name and receives events), not a replay route. */
    public boolean isDestination() {
        return parameters.containsKey("name");
    }

    /**
     * Checks a destination file's parameters against the contract and returns every parameter's value, defaults
     * filled in, as text. Placeholders in non-secret values are resolved with {@code resolve} before they are checked;
     * a secret parameter is checked as written, since it must be a reference, never the secret.
     *
     * @throws IllegalArgumentException with one line naming the parameter at fault
     */
    public Map<String, String> validate(Map<String, String> given, UnaryOperator<String> resolve) {
        for (String param : given.keySet()) {
            if (!parameters.containsKey(param)) {
                throw new IllegalArgumentException("unknown parameter '" + param + "'" + suggestion(param)
                        + " (parameters: " + String.join(", ", parameters.keySet()) + ")");
            }
        }
        ObjectNode instance = JsonNodeFactory.instance.objectNode();
        Map<String, String> values = new LinkedHashMap<>();
        for (Parameter p : parameters.values()) {
            String raw = given.get(p.name());
            if (raw == null) {
                if (p.defaultValue() != null) {
                    values.put(p.name(), p.defaultValue());
                }
                continue;
            }
            String value = p.secret() ? raw : resolve.apply(raw);
            values.put(p.name(), value);
            instance.set(p.name(), typed(p, value));
        }
        Set<ValidationMessage> errors = schema.validate(instance);
        if (!errors.isEmpty()) {
            ValidationMessage first = errors.stream().min(Comparator.comparing(ValidationMessage::getMessage)).get();
            throw new IllegalArgumentException(describe(first, given));
        }
        return values;
    }

    private JsonNode typed(Parameter p, String value) {
        String v = value.trim();
        if ("integer".equals(p.type()) && v.matches("-?\\d{1,18}")) {
            return JsonNodeFactory.instance.numberNode(Long.parseLong(v));
        }
        if ("boolean".equals(p.type()) && (v.equals("true") || v.equals("false"))) {
            return JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(v));
        }
        return JsonNodeFactory.instance.textNode(value);
    }

    /** One line per kind of schema failure, naming the parameter and saying what is expected. */
    private String describe(ValidationMessage error, Map<String, String> given) {
        String keyword = error.getType();
        String param = error.getInstanceLocation() == null || error.getInstanceLocation().getNameCount() == 0
                ? error.getProperty() : String.valueOf(error.getInstanceLocation().getName(0));
        Parameter p = param == null ? null : parameters.get(param);
        // a secret, or a URL (its path or query may hold a token), is never repeated in the message
        String got = p == null || p.secret() || "url".equals(param) || param.endsWith("Url")
                ? "" : ", got '" + SecretRef.redact(given.get(param)) + "'";
        return switch (keyword) {
            case "required" -> "missing required parameter '" + param + "' (" + parameters.get(param).description() + ")";
            case "type" -> "parameter '" + param + "' must be " + ("integer".equals(p.type()) ? "a whole number" : "a " + p.type()) + got;
            case "minimum", "maximum" -> "parameter '" + param + "' " + error.getMessage().replaceFirst("^\\$\\.[^:]*: ", "") + got;
            case "enum" -> "parameter '" + param + "' must be one of " + String.join(", ", enumValues(param)) + got;
            case "pattern", "minLength" -> p != null && p.secret()
                    ? "parameter '" + param + "' must name the secret (env:NAME, file:/path, or a placeholder such as "
                      + "{{env:NAME}} or {{aws:secret-name}}); secrets are never written into route files"
                    : "parameter '" + param + "' is not of the expected form (" + p.description() + ")" + got;
            case "oneOf", "not" -> "give exactly one of the parameters " + exclusive();
            default -> error.getMessage();
        };
    }

    private List<String> enumValues(String param) {
        List<String> out = new ArrayList<>();
        merged(name).path("properties").path(param).path("enum").forEach(v -> out.add(v.asText()));
        return out;
    }

    private String exclusive() {
        List<String> names = new ArrayList<>();
        merged(name).path("oneOf").forEach(branch -> branch.path("required").forEach(r -> names.add("'" + r.asText() + "'")));
        return String.join(" and ", names);
    }

    /** "did you mean" for a misspelled parameter: the known one at edit distance 2 or less. */
    private String suggestion(String param) {
        String best = null;
        int bestDistance = 3;
        for (String known : parameters.keySet()) {
            int d = distance(param.toLowerCase(), known.toLowerCase());
            if (d < bestDistance) {
                best = known;
                bestDistance = d;
            }
        }
        return best == null ? "" : ", did you mean '" + best + "'?";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1], prev[j]) + 1, prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The type's schema with the common schema it refers to ({@code allOf $ref}) merged in, closed to other keys. */
    static ObjectNode merged(String type) {
        ObjectNode own = read(type + ".json");
        ObjectNode merged = own.deepCopy();
        ObjectNode properties = JsonNodeFactory.instance.objectNode();
        ArrayNode required = JsonNodeFactory.instance.arrayNode();
        JsonNode allOf = merged.remove("allOf");
        if (allOf != null) {
            for (JsonNode part : allOf) {
                ObjectNode common = read(part.path("$ref").asText());
                properties.setAll((ObjectNode) common.path("properties"));
                common.path("required").forEach(required::add);
            }
        }
        properties.setAll((ObjectNode) own.path("properties"));
        own.path("required").forEach(required::add);
        merged.set("properties", properties);
        merged.set("required", required);
        merged.put("additionalProperties", false);
        return merged;
    }

    private static ObjectNode read(String file) {
        String resource = FOLDER + "/" + file;
        try (InputStream in = DestinationType.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing " + resource + " on the classpath");
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
