package dev.trailrouter.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.IntFunction;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on a loopback port that records every request it receives: the demo's webhook and the tests'
 * receiver. {@link #respondWith} scripts the answer to the n-th request (status plus optional headers).
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One request as received. */
    public record Request(Instant at, String method, String path, Map<String, List<String>> headers, byte[] body,
                          int answeredWith) {
    }

    /** The answer to one request. */
    public record Answer(int status, Map<String, String> headers, long delayMillis) {
        public Answer(int status, Map<String, String> headers) {
            this(status, headers, 0);
        }

        public static Answer of(int status) {
            return new Answer(status, Map.of());
        }

        /** Answers after a pause: a slow receiver. */
        public static Answer slow(int status, long delayMillis) {
            return new Answer(status, Map.of(), delayMillis);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile IntFunction<Answer> script = n -> Answer.of(200);
    private volatile Consumer<Request> listener = r -> { };
    private final java.util.concurrent.atomic.AtomicInteger arrived = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger inProgress = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger mostAtOnce = new java.util.concurrent.atomic.AtomicInteger();

    public WebhookReceiver() throws IOException {
        this(0);
    }

    /** @param port a fixed loopback port, or 0 for any free one */
    public WebhookReceiver(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(16));
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/events");
    }

    /** @param answer called with the 0-based number of the request being answered */
    public void respondWith(IntFunction<Answer> answer) {
        this.script = answer;
    }

    public void onRequest(Consumer<Request> listener) {
        this.listener = listener;
    }

    public List<Request> requests() {
        return new ArrayList<>(requests);
    }

    /** Requests that were answered 2xx: what a real receiver has accepted. */
    public List<Request> accepted() {
        return requests.stream().filter(r -> r.answeredWith() / 100 == 2).toList();
    }

    /** The most requests it was answering at the same moment (up to its 16 threads). */
    public int mostAtOnce() {
        return mostAtOnce.get();
    }

    /** Requests are answered side by side, as a real receiver does; {@link #respondWith} numbers them by arrival. */
    private void handle(HttpExchange exchange) throws IOException {
        mostAtOnce.accumulateAndGet(inProgress.incrementAndGet(), Math::max);
        try {
            answer(exchange);
        } finally {
            inProgress.decrementAndGet();
        }
    }

    private void answer(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        Answer answer = script.apply(arrived.getAndIncrement());
        if (answer.delayMillis() > 0) {
            try {
                Thread.sleep(answer.delayMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Request request = new Request(Instant.now(), exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                Map.copyOf(exchange.getRequestHeaders()), body, answer.status());
        requests.add(request);
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.sendResponseHeaders(answer.status(), -1);
        try (OutputStream ignored = exchange.getResponseBody()) {
            // no body
        }
        if (answer.status() / 100 == 2) {
            listener.accept(request);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
