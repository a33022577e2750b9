package dev.trailrouter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trailrouter.demo.MotoServer;
import dev.trailrouter.demo.S3NotificationChain;
import dev.trailrouter.demo.WebhookReceiver;
import dev.trailrouter.support.PackagedJar;

/**
 * The fault that re-sent 100 events (issue 12): {@code kill -9} of the packaged jar while a delivery is in progress,
 * then a restart on the same state directory. One CloudTrail object of 100 events (real records of the bundled
 * integrations sample, see {@link MotoDedupTest#cloudTrailObject}) goes to a webhook in chunks of 20; the receiver
 * accepts the first two chunks and holds the third POST until the process is killed, then answers 503 (the client is
 * gone: it never got an answer). After the restart the message comes back: with dedup on (the file store), the 40
 * events accepted before the kill are not sent again — every event id accepted exactly once, none lost; with
 * {@code trailrouter.state.store=none} the same run accepts those 40 twice, which shows the test can fail.
 */
class DedupKillIT {

    @TempDir
    Path tmp;

    @Test
    void killedInsideADeliveryAndRestartedNothingIsLostAndNothingAcceptedTwice() throws Exception {
        try (MotoServer moto = MotoServer.start()) {
            Map<String, Integer> withDedup = run(moto, "file");
            assertEquals(MotoDedupTest.EVENTS, withDedup.size(), "none lost: " + withDedup);
            assertTrue(withDedup.values().stream().allMatch(n -> n == 1), "none accepted twice with dedup: " + withDedup);

            Map<String, Integer> without = run(moto, "none");
            assertEquals(MotoDedupTest.EVENTS, without.size(), "none lost without dedup either");
            assertEquals(40, without.values().stream().filter(n -> n == 2).count(),
                    "without dedup the two chunks accepted before the kill are accepted again: " + without);
        }
    }

    /** One kill-and-restart run with this store; per event id, how many times the receiver accepted it. */
    private Map<String, Integer> run(MotoServer moto, String store) throws Exception {
        Path state = tmp.resolve("state-" + store);
        Path routes = tmp.resolve("routes-" + store);
        Files.createDirectories(routes.resolve("destinations"));
        try (WebhookReceiver webhook = new WebhookReceiver();
             S3NotificationChain chain = S3NotificationChain.create(moto.endpoint(), "kill-" + store, 30, 10)) {
            Files.writeString(routes.resolve("destinations/webhook.yaml"), """
                    - templatedRoute:
                        routeTemplateRef: webhook
                        routeId: dest-siem
                        parameters:
                          - name: name
                            value: siem
                          - name: url
                            value: '%s'
                          - name: batchSize
                            value: '20'
                          - name: maxRetries
                            value: '0'
                    """.formatted(webhook.url()));
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch killed = new CountDownLatch(1);
            AtomicBoolean heldOnce = new AtomicBoolean();
            webhook.respondWith(n -> {
                if (n == 2 && heldOnce.compareAndSet(false, true)) {
                    holding.countDown(); // the third chunk's POST is here: hold it until the process is gone
                    try {
                        killed.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return WebhookReceiver.Answer.of(503);
                }
                return WebhookReceiver.Answer.of(200);
            });
            chain.put("AWSLogs/111122223333/CloudTrail/us-east-2/2020/01/01/111122223333_CloudTrail_us-east-2_20200101T0000Z_kill.json.gz",
                    MotoDedupTest.cloudTrailObject("kill-" + store, MotoDedupTest.EVENTS));

            Path firstLog = tmp.resolve("first-" + store + ".log");
            Process first = start(moto, chain, store, state, routes, firstLog);
            try {
                assertTrue(holding.await(90, TimeUnit.SECONDS), "the third chunk was posted; log " + firstLog);
            } finally {
                first.destroyForcibly(); // SIGKILL: no shutdown hook, no release, nothing recorded after this
                assertTrue(first.waitFor(30, TimeUnit.SECONDS));
                killed.countDown();
            }
            Path secondLog = tmp.resolve("second-" + store + ".log");
            Process second = start(moto, chain, store, state, routes, secondLog);
            try {
                Eventually.within(Duration.ofSeconds(90), "every event accepted and the message deleted after the "
                        + "restart; log " + secondLog, () -> MotoDedupTest.deliveriesPerId(webhook).size() == MotoDedupTest.EVENTS
                        && chain.messagesIn(chain.queueUrl) == 0);
                Thread.sleep(2000); // anything sent twice would have arrived by now
            } finally {
                second.destroy();
                assertTrue(second.waitFor(30, TimeUnit.SECONDS));
            }
            return MotoDedupTest.deliveriesPerId(webhook);
        }
    }

    private static Process start(MotoServer moto, S3NotificationChain chain, String store, Path state, Path routes,
                                 Path log) throws Exception {
        ProcessBuilder builder = PackagedJar.java(log, "-jar", PackagedJar.JAR.toString());
        PackagedJar.readQueueOnEmulator(builder, moto.endpoint(), "q", chain.queueUrl, MotoServer.freePort());
        Map<String, String> env = builder.environment();
        env.put("TRAILROUTER_INTAKE_WAIT_TIME_SECONDS", "1");
        env.put("TRAILROUTER_QUEUE_Q_VISIBILITY_TIMEOUT", "5"); // the killed process's message comes back in 5 s
        env.put("TRAILROUTER_ROUTES_DIR", routes.toString());
        env.put("TRAILROUTER_STATE_STORE", store);
        env.put("TRAILROUTER_STATE_DIR", state.toString());
        return builder.start();
    }
}
