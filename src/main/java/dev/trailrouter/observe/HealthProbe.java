package dev.trailrouter.observe;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The container image's HEALTHCHECK: one GET of a management path ({@code /observe/health/ready} by default) on this
 * host, exit 0 on 200 and 1 otherwise, with one line saying why. It exists so that the image needs no curl (one less
 * package to patch) and so that the check works when the management port requires a password: it reads the same
 * {@code TRAILROUTER_MANAGEMENT_PORT}, {@code _HOST} and {@code _USERS_FILE} variables trailrouter does and
 * authenticates as the file's first user, where a curl command line would need the password written into the image.
 *
 * <p>It is run as its own short JVM ({@code java -cp trailrouter.jar dev.trailrouter.observe.HealthProbe}), so it
 * uses nothing but the JDK: no Camel, no logging set-up, no class of the pipeline. It reads the management settings
 * from the environment only; the image's HEALTHCHECK clears {@code JAVA_TOOL_OPTIONS} for it, because flags meant for
 * trailrouter's own JVM there (remote JMX on a port, an agent) would start again in the probe and fail it. Nothing it
 * prints carries the password: the health body is printed only when it is not 200, cut to one line.
 */
public final class HealthProbe {

    static final String DEFAULT_PATH = "/observe/health/ready";
    static final int DEFAULT_PORT = 9876;
    private static final Duration TIMEOUT = Duration.ofSeconds(4);
    private static final int MAX_BODY_CHARS = 300;

    private HealthProbe() {
    }

    /** {@code HealthProbe [path]}: exits 0 when the path answers 200, 1 otherwise, 2 on a misconfiguration. */
    public static void main(String[] args) {
        System.exit(run(args.length > 0 ? args[0] : DEFAULT_PATH, System.getenv(), System.out));
    }

    static int run(String path, Map<String, String> env, PrintStream out) {
        URI uri;
        Optional<String> authorization;
        try {
            uri = target(path, env);
            authorization = authorization(env);
        } catch (IllegalArgumentException | IOException e) {
            out.println("health probe misconfigured: " + oneLine(e.getMessage()));
            return 2;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET();
        authorization.ifPresent(value -> request.header("Authorization", value));
        try {
            HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() == 200) {
                out.println(uri + " 200");
                return 0;
            }
            out.println(uri + " " + response.statusCode() + ": " + oneLine(response.body()));
            return 1;
        } catch (IOException e) {
            out.println(uri + " unreachable: " + oneLine(String.valueOf(e)));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println(uri + " interrupted");
            return 1;
        }
    }

    /** Untrusted text on one line, cut: the health body can quote queue errors. */
    static String oneLine(String text) {
        String line = LogSafe.neutralise(text == null ? "" : text);
        return line.length() > MAX_BODY_CHARS ? line.substring(0, MAX_BODY_CHARS) + "…" : line;
    }

    /**
     * The management port on this host: its own address when trailrouter listens on one, loopback when it listens on
     * every interface (the image's {@code 0.0.0.0}) or on the default.
     */
    static URI target(String path, Map<String, String> env) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("the path must start with '/': " + path);
        }
        String port = env.getOrDefault("TRAILROUTER_MANAGEMENT_PORT", "").trim();
        int number = port.isEmpty() ? DEFAULT_PORT : parsePort(port);
        String host = env.getOrDefault("TRAILROUTER_MANAGEMENT_HOST", "").trim();
        if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "127.0.0.1";
        } else if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + number + path);
    }

    private static int parsePort(String port) {
        try {
            int number = Integer.parseInt(port);
            if (number > 0 && number < 65536) {
                return number;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("TRAILROUTER_MANAGEMENT_PORT is not a port: " + port);
    }

    /**
     * HTTP basic credentials of the users file's first user (by name), as trailrouter's management server reads the
     * file: {@code user.<name> = <password>[,<role>…]}. None without a users file.
     */
    static Optional<String> authorization(Map<String, String> env) throws IOException {
        String file = env.getOrDefault("TRAILROUTER_MANAGEMENT_USERS_FILE", "").trim();
        if (file.isEmpty()) {
            return Optional.empty();
        }
        Properties users = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            users.load(in);
        } catch (IOException e) {
            throw new IOException("TRAILROUTER_MANAGEMENT_USERS_FILE " + file + " cannot be read: " + e.getClass().getSimpleName());
        }
        TreeSet<String> names = new TreeSet<>();
        users.stringPropertyNames().stream().filter(k -> k.startsWith("user.") && k.length() > 5).forEach(names::add);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("TRAILROUTER_MANAGEMENT_USERS_FILE " + file + " has no user.<name> line");
        }
        String key = names.first();
        String password = users.getProperty(key).split(",", 2)[0].trim();
        String credentials = key.substring(5) + ":" + password;
        return Optional.of("Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }
}
