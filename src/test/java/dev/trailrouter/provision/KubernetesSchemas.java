package dev.trailrouter.provision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Validates Kubernetes manifests against published schemas with a real JSON-Schema validator (networknt
 * json-schema-validator, draft 7), where no cluster (and so no API server's own validation) is available.
 *
 * <p>The schemas are vendored under {@code src/test/resources/helm/schemas/} (provenance and licences in its
 * README.md): the Kubernetes v1.22.0 API schemas of the npm package {@code kubernetes-models} 3.1.0, and KEDA
 * v2.20.2's CustomResourceDefinitions as the KEDA repository publishes them. Two things are done to them here, and
 * only these:
 * <ul>
 *   <li><b>strict objects</b>: every object schema that lists its {@code properties} and says nothing of others gets
 *   {@code additionalProperties: false}, the same as kubeconform's {@code -strict} (and the API server's
 *   field validation, which rejects unknown fields): a misspelt field in a template is an error, not silently dropped.
 *   A CRD node marked {@code x-kubernetes-preserve-unknown-fields} keeps accepting anything.</li>
 *   <li>a CRD's {@code openAPIV3Schema} is OpenAPI's subset of JSON Schema; its {@code x-kubernetes-*} extensions
 *   (list types, CEL rules, int-or-string, which carries its own {@code anyOf}) are annotations to a JSON-Schema
 *   validator and are dropped, so the CEL rules are <em>not</em> checked here. The CRD leaves {@code metadata} open;
 *   it is checked against Kubernetes' ObjectMeta instead.</li>
 * </ul>
 */
final class KubernetesSchemas {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FOLDER = "/helm/schemas/";
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);

    private final Map<String, JsonSchema> byKind = new LinkedHashMap<>();
    private final JsonSchema objectMeta;

    KubernetesSchemas() {
        ObjectNode bundle = (ObjectNode) readJson("kubernetes-1.22.0.json");
        ObjectNode definitions = (ObjectNode) bundle.get("definitions");
        strict(definitions);
        bundle.get("kinds").fields().forEachRemaining(kind ->
                byKind.put(kind.getKey(), FACTORY.getSchema(rooted(definitions, kind.getValue().asText()))));
        objectMeta = FACTORY.getSchema(rooted(definitions, "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
        crd("keda-2.20.2-keda.sh_scaledobjects.yaml");
        crd("keda-2.20.2-keda.sh_triggerauthentications.yaml");
    }

    /** The kinds there is a schema for, as {@code apiVersion/kind}. */
    TreeSet<String> kinds() {
        return new TreeSet<>(byKind.keySet());
    }

    /**
     * Every problem the schema of the manifest's {@code apiVersion/kind} finds in it, one line each; a manifest of a
     * kind there is no schema for is a problem too (nothing the chart renders may go unchecked).
     */
    List<String> problems(JsonNode manifest) {
        String kind = manifest.path("apiVersion").asText() + "/" + manifest.path("kind").asText();
        JsonSchema schema = byKind.get(kind);
        if (schema == null) {
            return List.of(kind + ": no schema for this kind (known: " + kinds() + ")");
        }
        List<String> problems = new ArrayList<>();
        String name = kind + " " + manifest.path("metadata").path("name").asText("?");
        for (ValidationMessage m : schema.validate(manifest)) {
            problems.add(name + ": " + m.getMessage());
        }
        if (isCustom(kind)) {
            for (ValidationMessage m : objectMeta.validate(manifest.path("metadata"))) {
                problems.add(name + ": metadata: " + m.getMessage());
            }
        }
        return problems;
    }

    private boolean isCustom(String kind) {
        return kind.startsWith("keda.sh/");
    }

    /** Reads every document of a multi-document YAML stream (Helm's output) as JSON trees, skipping empty ones. */
    static List<JsonNode> documents(String yaml) {
        List<JsonNode> docs = new ArrayList<>();
        for (Object doc : new Load(LoadSettings.builder().setLabel("rendered chart").build()).loadAllFromString(yaml)) {
            if (doc != null) {
                docs.add(JSON.valueToTree(doc));
            }
        }
        return docs;
    }

    private void crd(String file) {
        JsonNode crd = documents(readText(file)).get(0);
        String group = crd.path("spec").path("group").asText();
        String kind = crd.path("spec").path("names").path("kind").asText();
        for (JsonNode version : crd.path("spec").path("versions")) {
            ObjectNode schema = (ObjectNode) version.path("schema").path("openAPIV3Schema").deepCopy();
            strict(schema);
            dropKubernetesExtensions(schema);
            schema.put("$schema", "http://json-schema.org/draft-07/schema#");
            byKind.put(group + "/" + version.path("name").asText() + "/" + kind, FACTORY.getSchema(schema));
        }
    }

    private static ObjectNode rooted(ObjectNode definitions, String id) {
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "http://json-schema.org/draft-07/schema#");
        root.put("$ref", "#/definitions/" + id);
        root.set("definitions", definitions);
        return root;
    }

    /** additionalProperties: false on every object schema that lists properties and is silent about others. */
    private static void strict(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.has("properties") && !object.has("additionalProperties")
                    && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                object.put("additionalProperties", false);
            }
            object.elements().forEachRemaining(KubernetesSchemas::strict);
        } else if (node instanceof ArrayNode array) {
            array.elements().forEachRemaining(KubernetesSchemas::strict);
        }
    }

    /** Drops the x-kubernetes-* keys (after strict() has read preserve-unknown-fields). */
    private static void dropKubernetesExtensions(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
                String field = names.next();
                if (field.startsWith("x-kubernetes-")) {
                    names.remove();
                }
            }
            object.elements().forEachRemaining(KubernetesSchemas::dropKubernetesExtensions);
        } else if (node instanceof ArrayNode array) {
            array.elements().forEachRemaining(KubernetesSchemas::dropKubernetesExtensions);
        }
    }

    private static JsonNode readJson(String file) {
        try {
            return JSON.readTree(readText(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readText(String file) {
        try (InputStream in = Objects.requireNonNull(KubernetesSchemas.class.getResourceAsStream(FOLDER + file),
                FOLDER + file + " is missing")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
