package dev.trailrouter.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's HEALTHCHECK client against a real HTTP server standing in for the management port: 200 is healthy,
 * anything else or nothing listening is not, and with a users file it authenticates as the file's first user (the
 * image then needs no password written into it). ContainerImageIT runs it inside the image against trailrouter.
 */
class HealthProbeTest {

    private HttpServer server;
    private final AtomicInteger status = new AtomicInteger(200);
    private final List<String> authorizations = new ArrayList<>();
    private final List<String> paths = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            synchronized (this) {
                paths.add(exchange.getRequestURI().getPath());
                authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            }
            byte[] body = (status.get() == 200 ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\",\n\"checks\":[\"queue-orgtrail\"]}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private Map<String, String> env(String... more) {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "TRAILROUTER_MANAGEMENT_PORT", Integer.toString(server.getAddress().getPort()),
                "TRAILROUTER_MANAGEMENT_HOST", "0.0.0.0"));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    private static String[] run(String path, Map<String, String> env) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = HealthProbe.run(path, env, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(code), bytes.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void readyIs0AndAnythingElseIs1WithTheBodyOnOneLine() {
        String[] up = run("/observe/health/ready", env());
        assertEquals("0", up[0], up[1]);
        assertEquals(List.of("/observe/health/ready"), paths);

        status.set(503);
        String[] down = run("/observe/health/ready", env());
        assertEquals("1", down[0]);
        assertTrue(down[1].contains(" 503: "), down[1]);
        assertEquals(1, down[1].strip().lines().count(), "one line: " + down[1]);
        assertTrue(down[1].contains("queue-orgtrail"), down[1]);
    }

    @Test
    void nothingListeningIs1AndABadPortIs2() throws Exception {
        int port = server.getAddress().getPort();
        server.stop(0);
        String[] gone = run("/observe/health/live", env("TRAILROUTER_MANAGEMENT_PORT", Integer.toString(port)));
        assertEquals("1", gone[0]);
        assertTrue(gone[1].contains("unreachable"), gone[1]);
        String[] bad = run("/observe/health/live", env("TRAILROUTER_MANAGEMENT_PORT", "98x76"));
        assertEquals("2", bad[0]);
        assertTrue(bad[1].contains("TRAILROUTER_MANAGEMENT_PORT is not a port: 98x76"), bad[1]);
    }

    @Test
    void withAUsersFileItAuthenticatesAsTheFirstUserAndNeverPrintsThePassword() throws Exception {
        Path users = Files.writeString(dir.resolve("users.properties"),
                "# management users\nuser.zed = other\nuser.ops = s3cret-pw,admin\n");
        String[] up = run("/observe/health/ready", env("TRAILROUTER_MANAGEMENT_USERS_FILE", users.toString()));
        assertEquals("0", up[0], up[1]);
        assertEquals("Basic " + Base64.getEncoder().encodeToString("ops:s3cret-pw".getBytes(StandardCharsets.UTF_8)),
                authorizations.get(0), "the first user by name, the password without its roles");
        status.set(401);
        String[] refused = run("/observe/health/ready", env("TRAILROUTER_MANAGEMENT_USERS_FILE", users.toString()));
        assertEquals("1", refused[0]);
        assertFalse(refused[1].contains("s3cret") || up[1].contains("s3cret"), refused[1]);

        String[] missing = run("/observe/health/ready", env("TRAILROUTER_MANAGEMENT_USERS_FILE", dir.resolve("none").toString()));
        assertEquals("2", missing[0]);
        assertTrue(missing[1].contains("cannot be read"), missing[1]);
    }

    @Test
    void itAsksTheAddressTrailrouterListensOnOrLoopbackForEveryInterface() {
        assertEquals("http://127.0.0.1:9876/observe/health/ready",
                HealthProbe.target("/observe/health/ready", Map.of()).toString());
        assertEquals("http://127.0.0.1:9000/x", HealthProbe.target("/x",
                Map.of("TRAILROUTER_MANAGEMENT_HOST", "::", "TRAILROUTER_MANAGEMENT_PORT", "9000")).toString());
        assertEquals("http://10.1.2.3:9876/x", HealthProbe.target("/x", Map.of("TRAILROUTER_MANAGEMENT_HOST", "10.1.2.3")).toString());
        assertEquals("http://[fd00::1]:9876/x", HealthProbe.target("/x", Map.of("TRAILROUTER_MANAGEMENT_HOST", "fd00::1")).toString());
    }
}
