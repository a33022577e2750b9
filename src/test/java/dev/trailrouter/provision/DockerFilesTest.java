package dev.trailrouter.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * docker/ checked without a Docker engine (none runs on this project's machines): the compose file is parsed and its
 * wiring checked, the Dockerfile's instructions are checked, and its build commands are the README's.
 */
class DockerFilesTest {

    static final Path DOCKER = Path.of("docker");

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void composeWiresLocalStackInitTrailrouterAndAReceiver() throws Exception {
        Map<String, Object> compose = map(new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(DOCKER.resolve("compose.yaml"))));
        Map<String, Object> services = map(compose.get("services"));
        assertEquals(List.of("localstack", "init", "webhook", "trailrouter"), List.copyOf(services.keySet()));

        Map<String, Object> trailrouter = map(services.get("trailrouter"));
        Map<String, Object> build = map(trailrouter.get("build"));
        assertTrue(Files.isRegularFile(DOCKER.resolve(String.valueOf(build.get("context"))).resolve(String.valueOf(build.get("dockerfile")))));
        assertEquals("service_completed_successfully", map(map(trailrouter.get("depends_on")).get("init")).get("condition"),
                "trailrouter starts once the chain exists");
        assertEquals("service_healthy", map(map(map(services.get("init")).get("depends_on")).get("localstack")).get("condition"));

        assertEquals("30s", trailrouter.get("stop_grace_period"),
                "SIGKILL comes after the 25 s shutdown timeout, so unstarted messages are released");
        Map<String, Object> env = map(trailrouter.get("environment"));
        String queue = String.valueOf(env.get("TRAILROUTER_QUEUES"));
        String url = String.valueOf(env.get("TRAILROUTER_QUEUE_" + queue.toUpperCase() + "_URL"));
        String script = Files.readString(DOCKER.resolve("init-aws.sh"));
        assertTrue(script.contains("--queue-name " + url.substring(url.lastIndexOf('/') + 1) + " "), "init creates the queue trailrouter reads");
        assertTrue(script.contains("RedrivePolicy"), "with a DLQ (trailrouter refuses a queue without one)");
        assertTrue(String.valueOf(env.get("TRAILROUTER_WEBHOOK_URL")).startsWith("http://webhook:"), "delivers to the receiver");
        assertNotNull(env.get("AWS_ENDPOINT_URL"));

        List<Object> mounts = (List<Object>) map(services.get("init")).get("volumes");
        for (Object mount : mounts) {
            String host = String.valueOf(mount).split(":")[0];
            assertTrue(Files.exists(DOCKER.resolve(host)), "init mounts " + host);
        }
        for (Object mount : (List<Object>) trailrouter.get("volumes")) {
            assertTrue(Files.isDirectory(DOCKER.resolve(String.valueOf(mount).split(":")[0])));
        }
    }

    @Test
    void initScriptIsValidBash() throws Exception {
        Process bash = new ProcessBuilder("bash", "-n", DOCKER.resolve("init-aws.sh").toString()).redirectErrorStream(true).start();
        String output = new String(bash.getInputStream().readAllBytes());
        assertTrue(bash.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, bash.exitValue(), output);
    }

    @Test
    void imageRunsTheJarAsNonRootWithAHealthCheck() throws Exception {
        List<String> lines = Files.readAllLines(DOCKER.resolve("Dockerfile"));
        String dockerfile = String.join("\n", lines);
        assertTrue(dockerfile.contains("FROM eclipse-temurin:17-jre"), "JRE 17 base");
        String user = lines.stream().filter(l -> l.startsWith("USER ")).findFirst().orElseThrow();
        assertFalse(user.contains("root") || user.matches("USER 0(:.*)?"), "non-root: " + user);
        assertTrue(dockerfile.contains("COPY target/trailrouter.jar "), "the jar the README's build produces");
        assertTrue(dockerfile.contains("COPY routes/ "), "the shipped route files");
        assertTrue(dockerfile.contains("EXPOSE 9876"), "the management port");
        assertTrue(dockerfile.contains("TRAILROUTER_MANAGEMENT_HOST=0.0.0.0"),
                "the management port, loopback by default, must listen on the container's interfaces to be published");
        assertTrue(dockerfile.matches("(?s).*HEALTHCHECK .*\\n\\s+CMD curl -fsS http://127.0.0.1:9876/observe/health.*"), "health check");
        assertTrue(dockerfile.contains("ENTRYPOINT [\"java\", \"-jar\", \"/opt/trailrouter/trailrouter.jar\"]"));
    }

    @Test
    void theDockerfilesBuildCommandsAreTheReadmes() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        List<String> header = Files.readAllLines(DOCKER.resolve("Dockerfile")).stream()
                .filter(l -> l.startsWith("#   ./mvnw") || l.startsWith("#   docker build")).map(l -> l.substring(4)).toList();
        assertEquals(2, header.size());
        for (String command : header) {
            assertTrue(readme.contains(command), "README has: " + command);
        }
        assertTrue(readme.contains("docker compose -f docker/compose.yaml up --build"));
    }
}
