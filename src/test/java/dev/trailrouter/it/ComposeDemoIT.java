package dev.trailrouter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.trailrouter.demo.DemoSamples;
import dev.trailrouter.demo.MotoServer;
import dev.trailrouter.support.PackagedJar;

/**
 * The compose demo run for real with Compose v1 ({@code docker-compose}, Debian's package): docker/compose.yaml with
 * docker/compose.moto.yaml on top, through {@code docker/compose-moto.sh}, exactly as docs/operations.md says to run
 * it. That is the variant whose every image is built here (moto from the installed moto_server, Debian's aws CLI, the
 * Python receiver, trailrouter on the local JRE base); compose.yaml alone, with LocalStack and the public echo and
 * aws-cli images, cannot be run where no registry answers, and is not run by this test.
 *
 * <p>The init container creates bucket → SNS → SQS with a DLQ on the emulator and uploads the three demo CloudTrail
 * files (50 records, {@code src/main/resources/demo/cloudtrail/SOURCES.md}); the receiver's log must count all 50,
 * trailrouter's log must show each notification done, and its HEALTHCHECK must turn healthy. Skipped, with the
 * reason, where no engine answers or docker-compose or moto is missing.
 */
class ComposeDemoIT {

    private static final Pattern TOTAL = Pattern.compile("received batch events=(\\d+) total=(\\d+)");

    @Test
    void composeRunsTheWholeDemoEmulatorTrailrouterAndReceiver() throws Exception {
        Optional<String> noEngine = DockerCli.noEngine();
        assumeTrue(noEngine.isEmpty(), () -> "skipped: " + noEngine.get() + "; the compose demo is not run");
        assumeTrue(DockerCli.run(null, Duration.ofSeconds(20), List.of("docker-compose", "version")).ok(),
                "skipped: docker-compose (Compose v1) is not installed; the compose demo is not run");
        assumeTrue(MotoServer.available(), "skipped: the emulator image is built from the installed moto, and there is none");
        assertTrue(Files.isRegularFile(PackagedJar.JAR), "run after package");

        String project = "trailrouter-it-" + UUID.randomUUID().toString().substring(0, 8);
        Path script = Path.of("docker", "compose-moto.sh");
        ProcessBuilder up = compose(project, script, "up", "--build", "-d");
        try {
            DockerCli.Result started = run(up, Duration.ofMinutes(15));
            assertTrue(started.ok(), "compose up failed:\n" + started.output());

            String[] webhook = new String[] {""};
            ContainerImageIT.within(Duration.ofSeconds(180), "the receiver counts " + DemoSamples.RECORDS + " events",
                    () -> {
                        webhook[0] = run(compose(project, script, "logs", "--no-color", "webhook"), Duration.ofSeconds(30)).output();
                        return lastTotal(webhook[0]) >= DemoSamples.RECORDS;
                    },
                    () -> run(compose(project, script, "logs", "--no-color"), Duration.ofSeconds(30)).output());
            assertEquals(DemoSamples.RECORDS, lastTotal(webhook[0]), webhook[0]);
            int sum = 0;
            Matcher batch = TOTAL.matcher(webhook[0]);
            while (batch.find()) {
                sum += Integer.parseInt(batch.group(1));
            }
            assertEquals(DemoSamples.RECORDS, sum, "the batches add up:\n" + webhook[0]);

            String trailrouter = project + "_trailrouter_1";
            ContainerImageIT.within(Duration.ofSeconds(120), "trailrouter's HEALTHCHECK turns healthy",
                    () -> "healthy".equals(DockerCli.inspect(trailrouter, "{{.State.Health.Status}}")),
                    () -> DockerCli.inspect(trailrouter, "{{json .State.Health}}"));
            String log = run(compose(project, script, "logs", "--no-color", "trailrouter"), Duration.ofSeconds(30)).output();
            assertEquals(3, log.lines().filter(l -> l.contains("shape=sns/s3_notification") && l.endsWith(" done")).count(), log);
            assertEquals("0", DockerCli.inspect(project + "_init_1", "{{.State.ExitCode}}"), "the init step succeeded");
        } finally {
            DockerCli.Result down = run(compose(project, script, "down", "--remove-orphans"), Duration.ofMinutes(2));
            assertTrue(down.ok(), "compose down failed:\n" + down.output());
        }
    }

    /** The highest running total the receiver printed (batches are answered side by side). */
    private static int lastTotal(String log) {
        int last = 0;
        Matcher total = TOTAL.matcher(log);
        while (total.find()) {
            last = Math.max(last, Integer.parseInt(total.group(2)));
        }
        return last;
    }

    /** docker/compose-moto.sh with its own project name and a free loopback port for the management port. */
    private static ProcessBuilder compose(String project, Path script, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("COMPOSE_PROJECT_NAME", project);
        builder.environment().put("TRAILROUTER_DEMO_PORT", Integer.toString(freePort()));
        Optional.ofNullable(System.getenv("TRAILROUTER_IT_BASE_IMAGE"))
                .ifPresent(base -> builder.environment().put("TRAILROUTER_BASE_IMAGE", base));
        return builder;
    }

    private static int freePort() {
        try {
            return MotoServer.freePort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static DockerCli.Result run(ProcessBuilder builder, Duration limit) {
        return DockerCli.run(builder, limit);
    }
}
