package dev.trailrouter.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * The schema files are the one contract: the configuration reference's parameter tables are rendered from them (a
 * table that drifts fails here, and the failure prints the table to paste), and every secret parameter is marked.
 */
class DestinationTypesDocTest {

    private static final Path SCHEMAS = Path.of("src/main/resources", DestinationType.FOLDER);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The markdown table of a schema file's own parameters. */
    static String table(String file) throws Exception {
        JsonNode schema = JSON.readTree(SCHEMAS.resolve(file).toFile());
        Set<String> required = new TreeSet<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        StringBuilder out = new StringBuilder("| parameter | default | meaning |\n|---|---|---|\n");
        schema.path("properties").fields().forEachRemaining(p -> {
            JsonNode spec = p.getValue();
            String dflt = required.contains(p.getKey()) ? "(required)"
                    : !spec.has("default") ? "—"
                    : spec.get("default").asText().isEmpty() ? "(none)" : "`" + spec.get("default").asText() + "`";
            String meaning = spec.path("description").asText();
            if ("password".equals(spec.path("format").asText())) {
                meaning = "**secret**: " + meaning;
            }
            if (spec.has("minimum") || spec.has("maximum")) {
                meaning += " (" + (spec.has("minimum") ? spec.get("minimum").asText() : "") + "…"
                        + (spec.has("maximum") ? spec.get("maximum").asText() : "") + ")";
            }
            if (spec.has("enum")) {
                List<String> values = new ArrayList<>();
                spec.get("enum").forEach(v -> values.add("`" + v.asText() + "`"));
                meaning += " (one of " + String.join(", ", values) + ")";
            }
            out.append("| `").append(p.getKey()).append("` | ").append(dflt).append(" | ")
                    .append(meaning.replace("|", "\\|")).append(" |\n");
        });
        return out.toString();
    }

    @Test
    void theConfigurationReferenceShowsEverySchemaAsItIs() throws Exception {
        String docs = Files.readString(Path.of("docs/configuration.md"));
        List<String> files = new ArrayList<>(List.of("destination.json"));
        DestinationType.NAMES.forEach(t -> files.add(t + ".json"));
        for (String file : files) {
            String table = table(file);
            assertTrue(docs.contains(table), "docs/configuration.md lacks the table of " + file + ", which is:\n" + table);
        }
    }

    @Test
    void everyTypeHasASchemaFileAndEverySecretIsMarked() throws Exception {
        for (String type : DestinationType.NAMES) {
            assertTrue(Files.exists(SCHEMAS.resolve(type + ".json")), type);
            DestinationType contract = DestinationType.named(type);
            for (DestinationType.Parameter p : contract.parameters().values()) {
                boolean looksSecret = p.name().matches("(?i).*(secret|token|password).*")
                        || ("slack".equals(type) && "url".equals(p.name()));
                assertEquals(looksSecret, p.secret(), type + "." + p.name() + " format: password");
            }
        }
    }
}
