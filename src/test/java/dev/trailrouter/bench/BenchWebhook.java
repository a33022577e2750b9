package dev.trailrouter.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The webhook the collectors deliver to in the throughput benchmark: answers 200 after its own latency
 * ({@link #latencyMillis}, slept on one of many pooled threads, so concurrent posts overlap as they would at a real
 * receiver) and records, per SQS message, how many events arrived and when the last of them did.
 * {@code dev.trailrouter.demo.WebhookReceiver} answers one request at a time (it is synchronized, 4 threads): at 5 ms a
 * request it would cap every collector near 200 posts/s, so it would measure itself.
 *
 * <p>A post is attributed to its SQS message by the header {@code X-Message-Id} (the plain SDK baseline sets it) or by
 * each event's {@code origin.messageId} (trailrouter's events carry it). Only those fields are read, with a streaming
 * parser: the receiver shares the machine's cores with the collector it measures.
 */
final class BenchWebhook implements AutoCloseable {

    /** Events received for one message and when the last of them arrived (System.nanoTime). */
    static final class Arrival {
        final AtomicLong events = new AtomicLong();
        volatile long lastNanos;
    }

    static {
        AwsStandIn.noDelay(); // before the JVM's first HTTP server: see there
    }

    private static final JsonFactory JSON = new JsonFactory();

    private final HttpServer server;
    private final ThreadPoolExecutor pool;
    final Map<String, Arrival> arrivals = new ConcurrentHashMap<>();
    final AtomicLong events = new AtomicLong();
    final AtomicLong posts = new AtomicLong();
    final AtomicLong unattributed = new AtomicLong();
    volatile long latencyMillis;

    BenchWebhook(long latencyMillis) throws IOException {
        this.latencyMillis = latencyMillis;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4096);
        pool = new ThreadPoolExecutor(16, 1024, 60, TimeUnit.SECONDS, new SynchronousQueue<>());
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/events");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (latencyMillis > 0) {
                Thread.sleep(latencyMillis);
            }
            long now = System.nanoTime();
            record(exchange.getRequestHeaders().getFirst("X-Message-Id"), body, now);
            posts.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.sendResponseHeaders(503, -1);
        } finally {
            exchange.close();
        }
    }

    /** Counts the top-level array's events, each to its message (the header's, else its origin.messageId). */
    private void record(String headerMessageId, byte[] body, long now) throws IOException {
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                unattributed.incrementAndGet();
                return;
            }
            while (p.nextToken() == JsonToken.START_OBJECT) {
                String messageId = headerMessageId;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if (headerMessageId == null && field.equals("origin") && value == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String inner = p.currentName();
                            p.nextToken();
                            if (inner.equals("messageId")) {
                                messageId = p.getText();
                            } else {
                                p.skipChildren();
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                events.incrementAndGet();
                if (messageId == null) {
                    unattributed.incrementAndGet();
                    continue;
                }
                Arrival a = arrivals.computeIfAbsent(messageId, id -> new Arrival());
                a.events.incrementAndGet();
                a.lastNanos = Math.max(a.lastNanos, now);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
