package dev.trailrouter.support;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code java -jar target/trailrouter.jar} in its own JVM, configured the way the README and the Docker image do. */
public final class PackagedJar {

    public static final Path JAR = Path.of("target", "trailrouter.jar");

    private PackagedJar() {
    }

    /** This JVM's java with the given arguments; output to {@code log}, or discarded when it is null. */
    public static ProcessBuilder java(Path log, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // dedup off and a state directory of its own unless the test sets them (DedupKillIT): the tests count the
        // records of real samples, some of which reuse AWS documentation eventIDs, which dedup delivers once
        builder.environment().put("TRAILROUTER_STATE_STORE", "none");
        // one receive at a time unless the test says otherwise: moto 5.2.1 can hand one message to two long polls
        // waiting at the same moment (TwoInstancesIT), which real SQS does not, and these tests count deliveries exactly
        builder.environment().put("TRAILROUTER_INTAKE_CONCURRENT_CONSUMERS", "1");
        try {
            builder.environment().put("TRAILROUTER_STATE_DIR",
                    java.nio.file.Files.createTempDirectory("trailrouter-state").toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return log == null ? builder.redirectOutput(ProcessBuilder.Redirect.DISCARD) : builder.redirectOutput(log.toFile());
    }

    /** The environment that points the jar at one queue on the emulator, its management port on {@code managementPort}. */
    public static void readQueueOnEmulator(ProcessBuilder builder, URI endpoint, String queue, String queueUrl,
                                           int managementPort) {
        Map<String, String> env = builder.environment();
        env.put("AWS_ENDPOINT_URL", endpoint.toString());
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "testing");
        env.put("AWS_SECRET_ACCESS_KEY", "testing");
        env.put("TRAILROUTER_QUEUES", queue);
        env.put("TRAILROUTER_QUEUE_" + queue.toUpperCase(Locale.ROOT) + "_URL", queueUrl);
        env.put("TRAILROUTER_MANAGEMENT_PORT", Integer.toString(managementPort));
    }
}
