package dev.trailrouter.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The README's "Add a destination" section shows one example per destination type, and each is a shipped file of
 * routes/destinations/ (less its comment header), so the README cannot drift from files that PackagedJarIT runs.
 */
class ReadmeDestinationExamplesTest {

    @Test
    void everyExampleInTheReadmeIsAShippedFileAndEveryTypeHasOne() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String section = readme.substring(readme.indexOf("## Add a destination"));
        section = section.substring(0, section.indexOf("\n## ", 3));
        Map<String, String> shipped = new TreeMap<>();
        try (Stream<Path> files = Files.list(Path.of("routes/destinations"))) {
            for (Path file : files.toList()) {
                List<String> lines = new ArrayList<>(Files.readAllLines(file));
                while (!lines.isEmpty() && lines.get(0).startsWith("#")) {
                    lines.remove(0);
                }
                shipped.put(String.join("\n", lines).strip(), file.getFileName().toString());
            }
        }
        Matcher block = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(section);
        List<String> types = new ArrayList<>();
        while (block.find()) {
            String yaml = block.group(1).strip();
            assertTrue(shipped.containsKey(yaml), "README example is not a shipped file:\n" + yaml);
            Matcher type = Pattern.compile("routeTemplateRef: (\\S+)").matcher(yaml);
            assertTrue(type.find());
            types.add(type.group(1));
        }
        for (String type : List.of("webhook", "slack", "archive", "sns", "replay-sqs")) {
            assertTrue(types.contains(type), "README shows no " + type + " example");
        }
        assertEquals(shipped.size(), types.size(), "every shipped file is shown: " + shipped.values());
    }
}
