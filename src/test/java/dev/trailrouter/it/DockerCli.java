package dev.trailrouter.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The {@code docker} command line, as the README tells users to run it: the image tests drive the engine through it
 * rather than through Testcontainers' client so that what they run is exactly what the docs say to type. Every call
 * has a time limit; its output (stdout and stderr together) comes back with its exit code.
 */
final class DockerCli {

    record Result(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }

        String line() {
            return output.strip();
        }
    }

    private DockerCli() {
    }

    /** Runs {@code command} (docker, docker-compose, a script) in {@code dir}; -1 and the output so far on a timeout. */
    static Result run(Path dir, Duration limit, List<String> command) {
        return run(new ProcessBuilder(command).directory(dir == null ? null : dir.toFile()), limit);
    }

    /** Runs a prepared command (its own environment); as {@link #run(Path, Duration, List)}. */
    static Result run(ProcessBuilder builder, Duration limit) {
        List<String> command = builder.command();
        try {
            Path out = Files.createTempFile("docker-cli", ".log");
            Process process = builder.redirectErrorStream(true).redirectOutput(out.toFile()).start();
            boolean ended = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            Files.deleteIfExists(out);
            return new Result(ended ? process.exitValue() : -1,
                    ended ? output : output + "\n(" + String.join(" ", command) + " did not end within " + limit + ")");
        } catch (IOException e) {
            return new Result(-2, command.get(0) + " cannot be run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-3, "interrupted");
        }
    }

    static Result docker(Duration limit, String... args) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        return run(null, limit, command);
    }

    /** Why no engine can be used, or empty when one answers ({@code docker version} names a server). */
    static Optional<String> noEngine() {
        Result version = docker(Duration.ofSeconds(20), "version", "--format", "{{.Server.Version}}");
        if (version.ok() && !version.line().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(version.exit() == -2 ? "no docker command on PATH" : "no Docker engine answers: " + version.line());
    }

    static boolean imagePresent(String image) {
        return docker(Duration.ofSeconds(20), "image", "inspect", "--format", "{{.Id}}", image).ok();
    }

    /** A JSON-ish field of a container or image, by Go template. */
    static String inspect(String what, String template) {
        return docker(Duration.ofSeconds(20), "inspect", "--format", template, what).line();
    }
}
