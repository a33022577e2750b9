package dev.trailrouter.demo;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A local AWS emulator: moto's {@code moto_server}, a real HTTP server speaking the SQS, SNS, S3 and STS APIs,
 * started on a free loopback port and stopped with this object. Used by the local demo and the integration tests.
 */
public final class MotoServer implements AutoCloseable {

    public static final String HOW_TO_GET_ONE = "moto_server was not found on PATH. Install it with "
            + "`pip install 'moto[server]'` (any moto 5.x), or run the tests on a machine with a Docker engine, where "
            + "the same integration tests run against LocalStack.";

    private final Process process;
    private final URI endpoint;

    private MotoServer(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    public static boolean available() {
        return executable() != null;
    }

    public static MotoServer start() throws IOException, InterruptedException {
        Path exe = executable();
        if (exe == null) {
            throw new IllegalStateException(HOW_TO_GET_ONE);
        }
        int port = freePort();
        Path log = Files.createTempFile("moto-server", ".log");
        Process process = new ProcessBuilder(exe.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        MotoServer server = new MotoServer(process, endpoint);
        // however this JVM ends (Ctrl-C, SIGTERM, a test run killed), the emulator does not outlive it
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }, "moto-server-stop"));
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto_server exited at start-up: " + Files.readString(log));
            }
            if (answers(endpoint)) {
                return server;
            }
            Thread.sleep(100);
        }
        server.close();
        throw new IllegalStateException("moto_server did not answer on " + endpoint + " within 60 s; log: " + log);
    }

    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    static Path executable() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "moto_server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static boolean answers(URI endpoint) {
        try {
            HttpURLConnection connection = (HttpURLConnection) endpoint.resolve("/moto-api/").toURL().openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(2000);
            int status = connection.getResponseCode();
            connection.disconnect();
            return status > 0;
        } catch (IOException e) {
            return false;
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
