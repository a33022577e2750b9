package dev.trailrouter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trailrouter.demo.MotoServer;
import dev.trailrouter.demo.S3NotificationChain;
import dev.trailrouter.support.Fixtures;
import dev.trailrouter.support.PackagedJar;

/**
 * {@code kill -9} of the packaged jar while it processes many messages of one queue at once (issue 14): nothing is
 * lost, nothing accepted twice, and no more than {@code max-inflight} messages were ever in progress.
 *
 * <p>40 CloudTrail objects of 5 events (real records of the bundled integrations sample, {@link
 * MotoDedupTest#cloudTrailObject}) go through S3 → SNS → SQS to a webhook that answers its first 10 POSTs and then
 * holds every POST without answering. With {@code max-inflight=8} the first process ends up with exactly 8 POSTs held
 * at once — 8 messages in progress side by side, the cap reached, and no more received into progress — and is then
 * killed (SIGKILL: no shutdown, no release, deletes still lingering in their batch are lost). A second process on the
 * same state directory drains the queue once the killed process's messages are visible again: every event is
 * accepted, and each exactly once (the file dedup store remembers what the first process had accepted, including
 * messages accepted but not yet deleted when it died).
 */
class ConcurrentKillIT {

    private static final int OBJECTS = 40;
    private static final int EVENTS = 5;
    private static final int MAX_INFLIGHT = 8;
    private static final int ANSWERED_BEFORE_HOLDING = 10;

    @TempDir
    Path tmp;

    @Test
    void killedWithMessagesInProgressSideBySideNothingIsLostOrAcceptedTwice() throws Exception {
        Path state = tmp.resolve("state");
        Path routes = tmp.resolve("routes");
        Files.createDirectories(routes.resolve("destinations"));
        try (MotoServer moto = MotoServer.start(); Receiver webhook = new Receiver();
             S3NotificationChain chain = S3NotificationChain.create(moto.endpoint(), "ckill", 30, 10)) {
            Files.writeString(routes.resolve("destinations/webhook.yaml"), """
                    - templatedRoute:
                        routeTemplateRef: webhook
                        routeId: dest-siem
                        parameters:
                          - name: name
                            value: siem
                          - name: url
                            value: '%s'
                          - name: maxRetries
                            value: '0'
                    """.formatted(webhook.url()));
            for (int i = 0; i < OBJECTS; i++) {
                chain.put("AWSLogs/111122223333/CloudTrail/us-east-2/2020/01/01/111122223333_CloudTrail_us-east-2_20200101T0000Z_k" + i + ".json.gz",
                        MotoDedupTest.cloudTrailObject("ckill-" + i, EVENTS));
            }

            Path firstLog = tmp.resolve("first.log");
            Process first = start(moto, chain, state, routes, firstLog);
            try {
                Eventually.within(Duration.ofSeconds(120), "max-inflight POSTs held at once; log " + firstLog,
                        () -> webhook.holding.get() == MAX_INFLIGHT);
                Thread.sleep(1500); // time for a ninth message to start, if the cap did not hold
                assertEquals(MAX_INFLIGHT, webhook.holding.get(), "no more than max-inflight messages in progress");
                assertEquals(MAX_INFLIGHT, webhook.mostAtOnce.get(), "and never more at once");
            } finally {
                first.destroyForcibly(); // SIGKILL
                assertTrue(first.waitFor(30, TimeUnit.SECONDS));
                webhook.killed.countDown();
            }
            int acceptedBeforeKill = webhook.acceptedEvents();
            assertEquals(ANSWERED_BEFORE_HOLDING * EVENTS, acceptedBeforeKill);

            Path secondLog = tmp.resolve("second.log");
            Process second = start(moto, chain, state, routes, secondLog);
            try {
                Eventually.within(Duration.ofSeconds(120), "every event accepted and the queue drained after the restart; "
                        + "log " + secondLog, () -> webhook.perId.size() == OBJECTS * EVENTS && chain.messagesIn(chain.queueUrl) == 0);
                Thread.sleep(2000); // anything sent twice would have arrived by now
            } finally {
                second.destroy();
                assertTrue(second.waitFor(30, TimeUnit.SECONDS));
            }
            assertEquals(OBJECTS * EVENTS, webhook.perId.size(), "none lost");
            assertTrue(webhook.perId.values().stream().allMatch(n -> n.get() == 1), "none accepted twice: " + webhook.perId);
            assertEquals(0, chain.messagesIn(chain.deadLetterQueueUrl), "nothing dead-lettered");
        }
    }

    private static Process start(MotoServer moto, S3NotificationChain chain, Path state, Path routes, Path log)
            throws Exception {
        ProcessBuilder builder = PackagedJar.java(log, "-jar", PackagedJar.JAR.toString());
        PackagedJar.readQueueOnEmulator(builder, moto.endpoint(), "q", chain.queueUrl, MotoServer.freePort());
        Map<String, String> env = builder.environment();
        env.put("TRAILROUTER_INTAKE_WAIT_TIME_SECONDS", "1");
        env.put("TRAILROUTER_QUEUE_Q_VISIBILITY_TIMEOUT", "5"); // the killed process's messages come back in 5 s
        env.put("TRAILROUTER_QUEUE_Q_MAX_INFLIGHT", Integer.toString(MAX_INFLIGHT));
        env.put("TRAILROUTER_ROUTES_DIR", routes.toString());
        env.put("TRAILROUTER_STATE_STORE", "file");
        env.put("TRAILROUTER_STATE_DIR", state.toString());
        return builder.start();
    }

    /**
     * A webhook that answers POSTs side by side (the demo receiver answers one at a time): it accepts the first few,
     * then holds every POST until the first process is killed, answering 503 to what it held (nobody hears it).
     */
    private static final class Receiver implements AutoCloseable {
        final Map<String, AtomicInteger> perId = new ConcurrentHashMap<>();
        final AtomicInteger holding = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        final CountDownLatch killed = new CountDownLatch(1);
        private final AtomicInteger posts = new AtomicInteger();
        private final AtomicInteger inProgress = new AtomicInteger();
        private final ExecutorService threads = Executors.newCachedThreadPool();
        private final HttpServer server;

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
            server.createContext("/", this::handle);
            server.setExecutor(threads);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/events";
        }

        int acceptedEvents() {
            return perId.values().stream().mapToInt(AtomicInteger::get).sum();
        }

        private void handle(HttpExchange exchange) throws IOException {
            int now = inProgress.incrementAndGet();
            mostAtOnce.accumulateAndGet(now, Math::max);
            try {
                byte[] body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = in.readAllBytes();
                }
                boolean firstProcessRunning = killed.getCount() > 0;
                if (firstProcessRunning && posts.getAndIncrement() >= ANSWERED_BEFORE_HOLDING) {
                    holding.incrementAndGet();
                    try {
                        killed.await(120, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    exchange.sendResponseHeaders(503, -1);
                    exchange.close();
                    return;
                }
                for (JsonNode event : Fixtures.JSON.readTree(body)) {
                    perId.computeIfAbsent(event.path("id").asText(), id -> new AtomicInteger()).incrementAndGet();
                }
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            } finally {
                inProgress.decrementAndGet();
            }
        }

        @Override
        public void close() {
            killed.countDown();
            server.stop(0);
            threads.shutdownNow();
        }
    }
}
