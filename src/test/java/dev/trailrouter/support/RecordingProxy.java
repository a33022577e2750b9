package dev.trailrouter.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An HTTP proxy in front of the emulator that records every request trailrouter's AWS clients send: how a test checks
 * what was sent (the emulator's STS does not enforce an external ID) and with which credentials, and how the
 * benchmark counts API calls.
 */
public final class RecordingProxy implements AutoCloseable {

    public record Recorded(String method, String path, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                    .map(h -> h.getValue().get(0)).findFirst().orElse("");
        }
    }

    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length", "expect", "upgrade");

    /** An answer the proxy gives itself instead of forwarding (to play a service's behaviour the emulator lacks). */
    public record Answer(int status, Map<String, String> headers, String body) {

        /** No answer at all: the connection is closed, as when the network to AWS is cut. */
        public static final Answer DROP = new Answer(-1, Map.of(), "");

        /**
         * The request is forwarded and the service acts on it, but its response is lost (the connection closed
         * instead): a write that committed while the client learnt nothing, so the SDK sends it again.
         */
        public static final Answer DROP_RESPONSE = new Answer(-2, Map.of(), "");

        /** An SQS error in the AWS JSON protocol the SDK speaks to SQS, e.g. 500 InternalError. */
        public static Answer sqsError(int status, String code) {
            return new Answer(status, Map.of("Content-Type", "application/x-amz-json-1.0", "x-amzn-query-error", code + ";Receiver"),
                    "{\"__type\":\"com.amazonaws.sqs#" + code + "\",\"message\":\"injected by the test proxy\"}");
        }
    }

    /** Whether the request is this SQS action (JSON protocol: X-Amz-Target; query protocol: Action=). */
    public static boolean isSqs(Recorded request, String action) {
        return request.header("X-Amz-Target").equals("AmazonSQS." + action)
                || request.body().startsWith("Action=" + action + "&") || request.body().contains("&Action=" + action + "&");
    }

    /** Whether the request goes to SQS at all. */
    public static boolean isSqs(Recorded request) {
        return request.header("X-Amz-Target").startsWith("AmazonSQS.") || request.header("Authorization").contains("/sqs/");
    }

    private volatile java.util.function.Function<Recorded, Answer> interceptor = r -> null;
    private final HttpServer server;
    private final URI target;
    private final HttpClient client = HttpClient.newHttpClient();
    public final List<Recorded> requests = new CopyOnWriteArrayList<>();

    public RecordingProxy(URI target) throws IOException {
        this.target = target;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.createContext("/", this::forward);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    /** Answers requests itself when the function returns an answer; forwards the others. */
    public void intercept(java.util.function.Function<Recorded, Answer> interceptor) {
        this.interceptor = interceptor;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void forward(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        Recorded recorded = new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                Map.copyOf(exchange.getRequestHeaders()), new String(body, java.nio.charset.StandardCharsets.UTF_8));
        requests.add(recorded);
        Answer answer = interceptor.apply(recorded);
        if (answer == Answer.DROP) {
            exchange.close(); // no response sent: the server closes the connection
            return;
        }
        if (answer != null && answer != Answer.DROP_RESPONSE) {
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] out = answer.body().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
            return;
        }
        boolean dropResponse = answer == Answer.DROP_RESPONSE;
        HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase())) {
                values.forEach(v -> request.header(name, v));
            }
        });
        try {
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (dropResponse) {
                exchange.close();
                return;
            }
            response.headers().map().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase()) && !name.equalsIgnoreCase("transfer-encoding")) {
                    values.forEach(v -> exchange.getResponseHeaders().add(name, v));
                }
            });
            byte[] out = response.body();
            exchange.sendResponseHeaders(response.statusCode(), out.length == 0 ? -1 : out.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.sendResponseHeaders(502, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
