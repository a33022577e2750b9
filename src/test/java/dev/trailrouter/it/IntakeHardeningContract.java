package dev.trailrouter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.trailrouter.observe.PipelineMetrics;
import dev.trailrouter.support.Fixtures;
import dev.trailrouter.support.LogLines;
import dev.trailrouter.support.Payloads;
import dev.trailrouter.support.RecordingProxy;

/**
 * What the intake does when AWS misbehaves or trailrouter stops, end to end: the real Main against the emulator, with a
 * fault-injecting proxy in front of it where AWS has to fail (issue 11, "Harden the first incident").
 */
abstract class IntakeHardeningContract extends ContractSupport {

    // --- a failed DeleteMessage -----------------------------------------------------------------------------------

    @Test
    void aFailedDeleteIsLoggedAndCountedNeverLoggedDoneAndTheMessageComesBack() throws Exception {
        newChain(2, 10);
        Path routes = routesWithWebhook(webhook.url().toString(), 0, 100, 100);
        AtomicBoolean deletesFail = new AtomicBoolean(true);
        try (LogLines log = LogLines.capture(); RecordingProxy proxy = new RecordingProxy(aws().endpoint())) {
            proxy.intercept(r -> deletesFail.get() && RecordingProxy.isSqs(r, "DeleteMessageBatch")
                    ? RecordingProxy.Answer.sqsError(500, "InternalError") : null);
            try (RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes)
                    .property("trailrouter.aws.endpoint", proxy.endpoint())
                    .property("trailrouter.queue.q.visibility-timeout", 2).start(aws())) {
                PipelineMetrics metrics = app.context().getRegistry().findSingleByType(PipelineMetrics.class);
                String body = finding(0);
                String id = chain.sqs().sendMessage(b -> b.queueUrl(chain.queueUrl).messageBody(body)).messageId();

                Eventually.within(WAIT, "the failed delete is logged", () -> !deleteFailed(log, id).isEmpty());
                LogLines.Line line = deleteFailed(log, id).get(0);
                assertTrue(line.warnOrWorse() && line.message().contains("queue=q") && line.message().contains("Status Code: 500"),
                        line.toString());
                assertTrue(line.message().contains("after 2 attempt(s)"), "a 500 is retried once: " + line);
                assertTrue(metrics.count("trailrouter.messages", "queue", "q", "outcome", "delete-failed") >= 1);
                Eventually.within(WAIT, "the message comes back and is delivered again", () -> deliveriesOf(id) >= 2);
                assertTrue(done(log, id).isEmpty(), "never logged done while its delete failed: " + done(log, id));

                deletesFail.set(false);
                Eventually.within(WAIT, "deleted, logged done, and the queue empty",
                        () -> done(log, id).size() == 1 && chain.messagesIn(chain.queueUrl) == 0);
                assertTrue(metrics.count("trailrouter.messages", "queue", "q", "outcome", "deleted") >= 1);
                assertTrue(proxy.requests.stream().anyMatch(r -> RecordingProxy.isSqs(r, "DeleteMessageBatch")));
            }
        }
    }

    @Test
    void aFifoMessageWhoseDeleteFailedHoldsBackTheLaterMessagesOfItsGroup() throws Exception {
        newChain(30, 5);
        String fifo = fifoQueueWithDlq("del", Map.of());
        String[] ids = new String[2];
        for (int i = 0; i < 2; i++) {
            JsonNode payload = Payloads.cloudTrailDataMessage("stream-" + i, "cloudtrail/test-console-login-json.log");
            int n = i;
            ids[i] = chain.sqs().sendMessage(b -> b.queueUrl(fifo).messageBody(Payloads.forwarderMessage(payload))
                    .messageGroupId("trail-stream").messageDeduplicationId("d" + n)).messageId();
        }
        Path routes = routesWithWebhook(webhook.url().toString(), 0, 100, 100);
        try (LogLines log = LogLines.capture(); RecordingProxy proxy = new RecordingProxy(aws().endpoint())) {
            proxy.intercept(r -> RecordingProxy.isSqs(r, "DeleteMessageBatch") ? RecordingProxy.Answer.sqsError(500, "InternalError") : null);
            try (RunningTrailRouter app = RunningTrailRouter.with().queue("logs", fifo).routesDir(routes)
                    .property("trailrouter.aws.endpoint", proxy.endpoint()).start(aws())) {
                Eventually.within(WAIT, "the first message's delete failed", () -> !deleteFailed(log, ids[0]).isEmpty());
                Eventually.within(WAIT, "the second message held back",
                        () -> log.containing("message=" + ids[1]).stream().anyMatch(l -> l.message().contains("held back")));
                assertEquals(3, deliveriesOf(ids[0]), "the first message's three events were delivered, once");
                assertEquals(0, deliveriesOf(ids[1]), "the second did not overtake the first, which comes back");
            }
        }
    }

    // --- SQS unreachable --------------------------------------------------------------------------------------------

    @Test
    void anUnreachableQueueIsOneLineWhenItStartsAndOneWhenItEndsPollsBackOffAndDeliveryResumes() throws Exception {
        newChain(30, 5);
        Path routes = routesWithWebhook(webhook.url().toString(), 0, 100, 100);
        AtomicBoolean cut = new AtomicBoolean();
        try (LogLines log = LogLines.capture(); RecordingProxy proxy = new RecordingProxy(aws().endpoint())) {
            proxy.intercept(r -> cut.get() && RecordingProxy.isSqs(r) ? RecordingProxy.Answer.DROP : null);
            try (RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes)
                    .property("trailrouter.aws.endpoint", proxy.endpoint()).start(aws())) {
                Eventually.within(WAIT, "polling", () -> receives(proxy) > 0);
                Thread.sleep(1500); // any start-up line is written
                cut.set(true);      // the network to SQS is cut: every connection closes without an answer
                java.time.Instant cutAt = java.time.Instant.now();
                int receivesBefore = receives(proxy);
                // a long poll made before the cut is still answered: send only once a receive was made after it
                Eventually.within(WAIT, "a receive after the cut", () -> receives(proxy) > receivesBefore);
                String body = finding(1);
                String id = chain.sqs().sendMessage(b -> b.queueUrl(chain.queueUrl).messageBody(body)).messageId();
                Thread.sleep(12_000);

                List<LogLines.Line> during = log.matching(l -> l.at().isAfter(cutAt) && l.warnOrWorse());
                assertEquals(1, log.containing("queue=q unreachable since").size(), "one line when it starts: " + during);
                assertTrue(during.size() <= 3, "a bounded number of lines, not one per poll: " + during);
                assertTrue(during.stream().noneMatch(LogLines.Line::withStackTrace), "no stack trace above DEBUG: " + during);
                int failedReceives = receives(proxy) - receivesBefore;
                assertTrue(failedReceives <= 20, "failed polls back off: " + failedReceives + " receive attempts in 12 s");
                assertEquals(0, deliveriesOf(id));

                cut.set(false);
                Eventually.within(WAIT, "the queue answers again and delivery resumes",
                        () -> deliveriesOf(id) == 1 && chain.messagesIn(chain.queueUrl) == 0);
                Eventually.within(WAIT, "one line when it ends", () -> log.containing("queue=q reachable again after").size() == 1);
                assertEquals(1, log.containing("queue=q unreachable since").size());
            }
        }
    }

    static int receives(RecordingProxy proxy) {
        return (int) proxy.requests.stream().filter(r -> RecordingProxy.isSqs(r, "ReceiveMessage")).count();
    }

    // --- stopping ------------------------------------------------------------------------------------------------

    @Test
    void stoppingReleasesTheReceivedMessagesWhoseProcessingHadNotStartedAndLosesNothing() throws Exception {
        int visibility = 120;
        newChain(visibility, 5);
        java.util.Set<String> sent = new java.util.HashSet<>();
        for (int i = 0; i < 30; i++) {
            String body = finding(i % 3);
            sent.add(chain.sqs().sendMessage(b -> b.queueUrl(chain.queueUrl).messageBody(body)).messageId());
        }
        webhook.respondWith(n -> dev.trailrouter.demo.WebhookReceiver.Answer.slow(200, 1500)); // a slow destination: a receive of 10 takes 15 s
        Path routes = routesWithWebhook(webhook.url().toString(), 0, 100, 100);
        try (LogLines log = LogLines.capture()) {
            RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes)
                    .property("trailrouter.queue.q.visibility-timeout", visibility)
                    .property("trailrouter.queue.q.max-messages-per-poll", 10)
                    .property("trailrouter.queue.q.concurrent-consumers", 1)
                    // two in progress at once: the third waits for a place, the rest of the receive is not started
                    .property("trailrouter.queue.q.max-inflight", 2).start(aws());
            PipelineMetrics metrics = app.context().getRegistry().findSingleByType(PipelineMetrics.class);
            Eventually.within(WAIT, "the first message is being delivered", () -> webhook.requests().size() >= 1);
            app.close(); // as on SIGTERM: the message in flight finishes, the rest of its receive was never started
            java.time.Instant stopped = java.time.Instant.now();

            java.util.Set<String> deleted = new java.util.HashSet<>();
            for (String id : sent) {
                if (!done(log, id).isEmpty()) {
                    deleted.add(id);
                }
            }
            // the two in progress finish (and the next, waiting for a place, may start before the stop reaches the
            // consumer); the rest of the receive is never started
            assertTrue(!deleted.isEmpty() && deleted.size() < 10, "the message(s) in flight finished: " + deleted);

            // every message not deleted can be received again now, well before the 120 s visibility timeout
            java.util.Set<String> back = new java.util.HashSet<>();
            Eventually.within(java.time.Duration.ofSeconds(10), "every undeleted message receivable again", () -> {
                chain.sqs().receiveMessage(b -> b.queueUrl(chain.queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                        .visibilityTimeout(visibility)).messages().forEach(m -> back.add(m.messageId()));
                return back.size() + deleted.size() >= sent.size();
            });
            assertTrue(java.time.Duration.between(stopped, java.time.Instant.now()).toSeconds() < visibility / 4);
            java.util.Set<String> all = new java.util.HashSet<>(back);
            all.addAll(deleted);
            assertEquals(sent, all, "nothing lost: each message was delivered and deleted, or is in the queue");
            assertTrue(java.util.Collections.disjoint(back, deleted), "nothing deleted comes back");
            double released = metrics.count("trailrouter.messages", "queue", "q", "outcome", "released");
            assertTrue(released >= 1, "the rest of the receive was released");
            assertEquals(1, log.containing("queue=q released " + (int) released + " received messages").size(),
                    "one line for the release: " + log.containing("released"));
        }
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    static String finding(int n) throws Exception {
        JsonNode finding = Fixtures.JSON.readTree(Payloads.lines("guardduty/test-guardduty.log").get(n));
        return Payloads.eventBridge("aws.guardduty", "GuardDuty Finding", finding).toString();
    }

    /** Events the webhook accepted that came from this SQS message. */
    long deliveriesOf(String messageId) {
        return events(webhook.accepted()).stream()
                .filter(e -> e.path("origin").path("messageId").asText().equals(messageId)).count();
    }

    static List<LogLines.Line> deleteFailed(LogLines log, String messageId) {
        return log.matching(l -> l.message().contains("message=" + messageId + " ") && l.message().contains("the delete failed"));
    }

    static List<LogLines.Line> done(LogLines log, String messageId) {
        return log.matching(l -> l.message().contains("message=" + messageId + " ") && l.message().endsWith(" done"));
    }
}
