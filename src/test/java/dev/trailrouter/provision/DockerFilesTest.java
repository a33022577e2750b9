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
 * docker/ checked without a Docker engine: the compose files are parsed and their wiring checked, the Dockerfile's
 * instructions are checked, and its build commands are the README's. Where an engine answers, ContainerImageIT builds
 * and runs the image and ComposeDemoIT runs the compose demo; this test holds the files to what those runs and the
 * docs rely on everywhere else.
 */
class DockerFilesTest {

    static final Path DOCKER = Path.of("docker");

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    static Map<String, Object> yaml(String file) throws Exception {
        return map(new Load(LoadSettings.builder().build()).loadFromString(Files.readString(DOCKER.resolve(file))));
    }

    @Test
    void composeWiresTheEmulatorInitTrailrouterAndAReceiver() throws Exception {
        Map<String, Object> compose = yaml("compose.yaml");
        Map<String, Object> services = map(compose.get("services"));
        assertEquals(List.of("aws", "init", "webhook", "trailrouter"), List.copyOf(services.keySet()));
        assertTrue(String.valueOf(map(services.get("aws")).get("image")).startsWith("localstack/localstack:"),
                "users get LocalStack");

        Map<String, Object> trailrouter = map(services.get("trailrouter"));
        Map<String, Object> build = map(trailrouter.get("build"));
        assertTrue(Files.isRegularFile(DOCKER.resolve(String.valueOf(build.get("context"))).resolve(String.valueOf(build.get("dockerfile")))));
        assertEquals("service_completed_successfully", map(map(trailrouter.get("depends_on")).get("init")).get("condition"),
                "trailrouter starts once the chain exists");
        assertEquals("service_healthy", map(map(map(services.get("init")).get("depends_on")).get("aws")).get("condition"));
        assertEquals("${TRAILROUTER_BASE_IMAGE:-eclipse-temurin:17-jre}", map(build.get("args")).get("BASE_IMAGE"),
                "the public JRE base unless one is given");

        assertEquals("30s", trailrouter.get("stop_grace_period"),
                "SIGKILL comes after the 25 s shutdown timeout, so unstarted messages are released");
        Map<String, Object> env = map(trailrouter.get("environment"));
        String queue = String.valueOf(env.get("TRAILROUTER_QUEUES"));
        String url = String.valueOf(env.get("TRAILROUTER_QUEUE_" + queue.toUpperCase() + "_URL"));
        String script = Files.readString(DOCKER.resolve("init-aws.sh"));
        assertTrue(script.contains("--queue-name " + url.substring(url.lastIndexOf('/') + 1) + " "), "init creates the queue trailrouter reads");
        assertTrue(script.contains("RedrivePolicy"), "with a DLQ (trailrouter refuses a queue without one)");
        assertTrue(String.valueOf(env.get("TRAILROUTER_WEBHOOK_URL")).startsWith("http://webhook:"), "delivers to the receiver");
        assertEquals("http://aws:4566", env.get("AWS_ENDPOINT_URL"));
        assertTrue(url.startsWith("http://aws:4566/000000000000/"), "LocalStack's account, which compose.moto.yaml gives moto");

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
    void theMotoVariantReplacesEveryPulledImageWithOneBuiltHere() throws Exception {
        Map<String, Object> base = map(yaml("compose.yaml").get("services"));
        Map<String, Object> moto = map(yaml("compose.moto.yaml").get("services"));
        assertTrue(base.keySet().containsAll(moto.keySet()), "an override of compose.yaml's services: " + moto.keySet());
        for (Map.Entry<String, Object> service : base.entrySet()) {
            Map<String, Object> own = map(service.getValue());
            if (own.containsKey("build")) {
                continue; // trailrouter: built from docker/Dockerfile, its base passed in TRAILROUTER_BASE_IMAGE
            }
            Map<String, Object> override = map(moto.get(service.getKey()));
            assertNotNull(override, service.getKey() + " pulls " + own.get("image") + "; the moto variant must replace it");
            if (override.containsKey("build")) {
                Path context = DOCKER.resolve(String.valueOf(map(override.get("build")).get("context")));
                assertTrue(Files.isRegularFile(context.resolve("Dockerfile")), context + "/Dockerfile");
            } else {
                assertTrue(String.valueOf(override.get("image")).startsWith("trailrouter-moto:"), service.getKey());
                assertTrue(Files.readString(DOCKER.resolve("emulator/build.sh")).contains("-t \"trailrouter-moto:$version\""),
                        "emulator/build.sh makes the image compose.moto.yaml names");
            }
        }
        assertEquals("000000000000", map(map(moto.get("aws")).get("environment")).get("MOTO_ACCOUNT_ID"));
        assertTrue(Files.readString(DOCKER.resolve("compose-moto.sh")).contains("-f \"$here/compose.yaml\" -f \"$here/compose.moto.yaml\""));
    }

    @Test
    void theScriptsAreValidBash() throws Exception {
        for (String script : List.of("init-aws.sh", "local-base.sh", "compose-moto.sh", "emulator/build.sh", "../.ci/run")) {
            Process bash = new ProcessBuilder("bash", "-n", DOCKER.resolve(script).toString()).redirectErrorStream(true).start();
            String output = new String(bash.getInputStream().readAllBytes());
            assertTrue(bash.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, bash.exitValue(), script + ": " + output);
        }
    }

    @Test
    void imageRunsTheJarAsNonRootWithAHealthCheck() throws Exception {
        List<String> lines = Files.readAllLines(DOCKER.resolve("Dockerfile"));
        String dockerfile = String.join("\n", lines);
        assertTrue(dockerfile.contains("ARG BASE_IMAGE=eclipse-temurin:17-jre\nFROM ${BASE_IMAGE}\n"),
                "the public JRE 17 base by default, another by --build-arg BASE_IMAGE");
        String user = lines.stream().filter(l -> l.startsWith("USER ")).findFirst().orElseThrow();
        assertFalse(user.contains("root") || user.matches("USER 0(:.*)?"), "non-root: " + user);
        assertTrue(dockerfile.contains("COPY target/trailrouter.jar "), "the jar the README's build produces");
        assertTrue(dockerfile.contains("COPY routes/ "), "the shipped route files");
        assertTrue(dockerfile.contains("EXPOSE 9876"), "the management port");
        assertTrue(dockerfile.contains("TRAILROUTER_MANAGEMENT_HOST=0.0.0.0"),
                "the management port, loopback by default, must listen on the container's interfaces to be published");
        String healthcheck = dockerfile.substring(dockerfile.indexOf("\nHEALTHCHECK "), dockerfile.indexOf("]", dockerfile.indexOf("\nHEALTHCHECK ")));
        assertTrue(healthcheck.contains("\"dev.trailrouter.observe.HealthProbe\", \"/observe/health/ready\""), healthcheck);
        assertTrue(Files.isRegularFile(Path.of("src/main/java/dev/trailrouter/observe/HealthProbe.java")));
        assertTrue(healthcheck.contains("\"env\", \"-u\", \"JAVA_TOOL_OPTIONS\""),
                "trailrouter's JVM flags (remote JMX on a port) must not start again in the probe's JVM");
        assertFalse(dockerfile.lines().filter(l -> !l.startsWith("#")).anyMatch(l -> l.contains("curl")), "no curl");
        assertTrue(dockerfile.contains("org.opencontainers.image.version=\"${VERSION}\""));
        assertTrue(dockerfile.contains("JAVA_TOOL_OPTIONS=\"-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError\""));
        assertTrue(dockerfile.contains("\nSTOPSIGNAL SIGTERM\n"));
        assertTrue(dockerfile.contains("ENTRYPOINT [\"java\", \"-jar\", \"/opt/trailrouter/trailrouter.jar\"]"),
                "exec form: java is PID 1 and gets the SIGTERM");
        assertEquals(List.of("*", "!target/trailrouter.jar", "!routes/"), Files.readAllLines(Path.of(".dockerignore")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList(), "the context is the jar and the route files");
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
        assertTrue(readme.contains("docker/compose-moto.sh up --build"));
    }
}
