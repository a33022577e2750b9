package dev.trailrouter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import org.junit.jupiter.api.Test;

import dev.trailrouter.demo.DemoSamples;
import dev.trailrouter.demo.S3NotificationChain;
import dev.trailrouter.demo.WebhookReceiver;
import dev.trailrouter.demo.WebhookReceiver.Answer;
import dev.trailrouter.observe.PipelineMetrics;
import dev.trailrouter.support.Fixtures;
import dev.trailrouter.support.Payloads;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Destinations declared as route files, end to end: signed webhooks, Slack, archive (S3 and directory), SNS, filters,
 * per-destination dead-letter targets and replay, with the delivery contract still holding for the SQS message.
 */
abstract class DestinationContract extends ContractSupport {

    static final byte[] BEATS = DemoSamples.gzip(DemoSamples.json(DemoSamples.FILES.get(0)));          // 11 records
    static final byte[] INTEGRATIONS = DemoSamples.gzip(DemoSamples.json(DemoSamples.FILES.get(1)));   // 30 records

    static String whsec(byte[] key) {
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    /** Standard Webhooks verification written from the spec, independently of trailrouter's signer. */
    static boolean verifies(byte[] key, WebhookReceiver.Request request) throws Exception {
        String id = request.headers().get("Webhook-id").get(0);
        String timestamp = request.headers().get("Webhook-timestamp").get(0);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        byte[] signed = mac.doFinal((id + "." + timestamp + "." + new String(request.body(), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8));
        String expected = "v1," + Base64.getEncoder().encodeToString(signed);
        boolean ours = List.of(request.headers().get("Webhook-signature").get(0).split(" ")).contains(expected)
                && Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp)) < 300;
        // and as a receiver using the official Standard Webhooks library checks it
        try {
            new com.standardwebhooks.Webhook(key).verify(new String(request.body(), StandardCharsets.UTF_8), Map.of(
                    "webhook-id", List.of(id), "webhook-timestamp", List.of(timestamp),
                    "webhook-signature", request.headers().get("Webhook-signature")));
        } catch (com.standardwebhooks.exceptions.WebhookVerificationException e) {
            return false;
        }
        return ours;
    }

    @Test
    void signedWebhookWithRotatedSecretsHeadersAndTheSameIdOnRetry() throws Exception {
        newChain(30, 5);
        SecureRandom random = new SecureRandom();
        byte[] oldKey = new byte[24];
        byte[] newKey = new byte[32];
        random.nextBytes(oldKey);
        random.nextBytes(newKey);
        Path secrets = Files.writeString(tmp.resolve("webhook-secrets"), whsec(oldKey) + " " + whsec(newKey) + "\n");
        Path token = Files.writeString(tmp.resolve("token"), "t0ken-from-a-mounted-secret");
        webhook.respondWith(n -> n == 0 ? Answer.of(503) : Answer.of(200));
        Path routes = destination("siem", "webhook", params("name", "siem", "url", webhook.url().toString(),
                "secret", "file:" + secrets, "bearerToken", "file:" + token, "headers", "X-Source=trailrouter;X-Env=test",
                "initialDelayMillis", "2000"));
        try (RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes).start(aws())) {
            chain.put("AWSLogs/1/CloudTrail/us-east-2/a.json.gz", BEATS);
            Eventually.within(WAIT, "11 events accepted", () -> deliveredEvents() == 11);
            List<WebhookReceiver.Request> requests = webhook.requests();
            assertEquals(2, requests.size(), "one 503, one retry");
            for (WebhookReceiver.Request request : requests) {
                assertTrue(verifies(oldKey, request), "signed with the old secret");
                assertTrue(verifies(newKey, request), "signed with the new secret");
                assertEquals("Bearer t0ken-from-a-mounted-secret", request.headers().get("Authorization").get(0));
                assertEquals("trailrouter", request.headers().get("X-source").get(0));
                assertEquals("test", request.headers().get("X-env").get(0));
            }
            assertEquals(requests.get(0).headers().get("Webhook-id"), requests.get(1).headers().get("Webhook-id"),
                    "webhook-id is stable across retries");
            assertTrue(Long.parseLong(requests.get(1).headers().get("Webhook-timestamp").get(0))
                    > Long.parseLong(requests.get(0).headers().get("Webhook-timestamp").get(0)), "each attempt is signed afresh");
        }
    }

    @Test
    void slackGroupsEventsIntoBlockKitMessagesAtMostOnePerSecondAndHonoursRetryAfter() throws Exception {
        newChain(60, 5);
        webhook.respondWith(n -> n == 0 ? new Answer(429, Map.of("Retry-After", "2")) : Answer.of(200));
        Path routes = destination("alerts", "slack", params("name", "alerts", "url", "{{test.slack.url}}",
                "maxEventsPerMessage", "5", "minIntervalMillis", "1000", "maxDelayMillis", "10000"));
        try (RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes)
                .property("test.slack.url", webhook.url()).start(aws())) {
            chain.put("AWSLogs/1/CloudTrail/us-east-2/a.json.gz", BEATS);
            Eventually.within(WAIT, "3 messages accepted", () -> webhook.accepted().size() == 3);
            Eventually.within(WAIT, "queue empty", () -> chain.messagesIn(chain.queueUrl) == 0);
            List<WebhookReceiver.Request> requests = webhook.requests();
            assertEquals(4, requests.size(), "the 429'd message was sent again, nothing dropped");
            assertTrue(Duration.between(requests.get(0).at(), requests.get(1).at()).toMillis() >= 2000, "Retry-After: 2");
            for (int i = 2; i < requests.size(); i++) {
                long gap = Duration.between(requests.get(i - 1).at(), requests.get(i).at()).toMillis();
                assertTrue(gap >= 900, "messages " + gap + " ms apart");
            }
            int sections = 0;
            for (WebhookReceiver.Request request : webhook.accepted()) {
                JsonNode message = Fixtures.JSON.readTree(request.body());
                assertTrue(message.get("text").asText().contains("AWS event"));
                for (JsonNode block : message.get("blocks")) {
                    if ("section".equals(block.get("type").asText())) {
                        sections++;
                        assertEquals("mrkdwn", block.get("text").get("type").asText());
                        assertTrue(block.get("text").get("text").asText().contains("account "), block.toString());
                    }
                }
            }
            assertEquals(11, sections, "every event in one of the messages");
            JsonNode first = Fixtures.JSON.readTree(webhook.accepted().get(0).body());
            assertEquals("5 AWS events", first.get("blocks").get(0).get("text").get("text").asText());
        }
    }

    /** Six events EventBridge delivers as six SQS messages: CloudTrail API calls and GuardDuty findings. */
    List<PutEventsRequestEntry> eventBridgeBurst() throws Exception {
        JsonNode apiCall = Fixtures.json("envelopes/cloud-custodian_cloud-custodian__event-cloud-trail-ec2-create-tags.json");
        List<String> findings = Payloads.lines("guardduty/test-guardduty.log");
        List<PutEventsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            entries.add(entry("aws.ec2", "AWS API Call via CloudTrail", apiCall));
            entries.add(entry("aws.guardduty", "GuardDuty Finding", Fixtures.JSON.readTree(findings.get(i % findings.size()))));
        }
        return entries;
    }

    /** The test event S3 may send when the chain's bucket notification is set up: deleted like any message. */
    static double s3TestEvents(PipelineMetrics metrics) {
        return metrics.count("trailrouter.messages", "outcome", "test-event");
    }

    /**
     * Puts the burst through EventBridge and waits until its six messages are all in the queue, so trailrouter (started
     * after) receives them together: the emulator's EventBridge writes them one by one, at its own pace.
     */
    void burstInQueue(EventBridgeClient events) throws Exception {
        chain.sqs().purgeQueue(b -> b.queueUrl(chain.queueUrl)); // S3's test event, for a clean count
        List<PutEventsRequestEntry> burst = eventBridgeBurst();
        assertEquals(0, events.putEvents(b -> b.entries(burst)).failedEntryCount());
        Eventually.within(WAIT, "six messages in the queue", () -> chain.messagesIn(chain.queueUrl) >= 6);
    }

    int slackSections(List<WebhookReceiver.Request> requests) throws IOException {
        int sections = 0;
        for (WebhookReceiver.Request request : requests) {
            for (JsonNode block : Fixtures.JSON.readTree(request.body()).get("blocks")) {
                if ("section".equals(block.get("type").asText())) {
                    sections++;
                }
            }
        }
        return sections;
    }

    @Test
    void slackGroupsAnEventBridgeBurstAcrossSqsMessagesAndDeletesThemOnlyOnceTheGroupIsAccepted() throws Exception {
        newChain(30, 5);
        List<Integer> undeletedAtEachPost = new CopyOnWriteArrayList<>();
        webhook.respondWith(n -> {
            undeletedAtEachPost.add(chain.messagesIn(chain.queueUrl));
            return n == 0 ? Answer.of(503) : Answer.of(200);
        });
        Path routes = destination("alerts", "slack", params("name", "alerts", "url", "{{test.slack.url}}",
                "maxEventsPerMessage", "10", "groupWindowMillis", "3000", "initialDelayMillis", "500"));
        try (EventBridgeClient events = eventBridge();
             AutoCloseable rule = ruleToQueue(events, chain.queueUrl, "aws.ec2", "aws.guardduty")) {
            burstInQueue(events);
            try (RunningTrailRouter app = RunningTrailRouter.with().queue("events", chain.queueUrl).routesDir(routes)
                    .property("test.slack.url", webhook.url()).start(aws())) {
                Eventually.within(WAIT, "one Slack message accepted", () -> webhook.accepted().size() == 1);
                Eventually.within(WAIT, "queue empty", () -> chain.messagesIn(chain.queueUrl) == 0);
                PipelineMetrics metrics = app.context().getRegistry().findSingleByType(PipelineMetrics.class);
                assertEquals(6 + s3TestEvents(metrics), metrics.count("trailrouter.messages", "outcome", "deleted"),
                        "the six SQS messages were deleted");
                assertEquals(2, webhook.requests().size(), "one 503, then the same group again");
                assertEquals(6, slackSections(webhook.accepted()), "all six events in the one message");
                assertEquals(slackSections(webhook.requests().subList(0, 1)), 6, "the retry posts the same group");
                assertEquals("6 AWS events", Fixtures.JSON.readTree(webhook.accepted().get(0).body())
                        .get("blocks").get(0).get("text").get("text").asText());
                assertEquals(List.of(6, 6), undeletedAtEachPost, "no message deleted before its group was accepted");
            }
        }
    }

    @Test
    void onAFifoQueueSlackPostsEachMessageInGroupOrderWithoutGatheringAcrossMessages() throws Exception {
        newChain(30, 5);
        String fifo = fifoQueueWithDlq("findings", Map.of());
        List<String> findings = Payloads.lines("guardduty/test-guardduty.log").subList(0, 3);
        List<String> types = new ArrayList<>();
        for (int i = 0; i < findings.size(); i++) {
            JsonNode finding = Fixtures.JSON.readTree(findings.get(i));
            types.add(finding.get("type").asText());
            String body = Payloads.eventBridge("aws.guardduty", "GuardDuty Finding", finding).toString();
            int n = i;
            chain.sqs().sendMessage(b -> b.queueUrl(fifo).messageBody(body).messageGroupId("detector")
                    .messageDeduplicationId("f" + n));
        }
        Path routes = destination("alerts", "slack", params("name", "alerts", "url", "{{test.slack.url}}",
                "groupWindowMillis", "3000"));
        try (RunningTrailRouter app = RunningTrailRouter.with().queue("findings", fifo).routesDir(routes)
                .property("test.slack.url", webhook.url()).start(aws())) {
            Eventually.within(WAIT, "three Slack messages", () -> webhook.accepted().size() == 3);
            Eventually.within(WAIT, "queue empty", () -> chain.messagesIn(fifo) == 0);
            List<WebhookReceiver.Request> accepted = webhook.accepted();
            for (int i = 0; i < 3; i++) {
                assertEquals(1, slackSections(accepted.subList(i, i + 1)), "one message's event per Slack message");
                String text = Fixtures.JSON.readTree(accepted.get(i).body()).toString();
                assertTrue(text.contains(types.get(i)), "in the group's order: " + types.get(i) + " in " + text);
            }
        }
    }

    @Test
    void stoppingWhileAGroupGathersPostsItBeforeItsMessagesAreDeleted() throws Exception {
        newChain(30, 5);
        Path routes = destination("alerts", "slack", params("name", "alerts", "url", "{{test.slack.url}}",
                "groupWindowMillis", "4000"));
        try (EventBridgeClient events = eventBridge();
             AutoCloseable rule = ruleToQueue(events, chain.queueUrl, "aws.ec2", "aws.guardduty")) {
            burstInQueue(events);
            RunningTrailRouter app = RunningTrailRouter.with().queue("events", chain.queueUrl).routesDir(routes)
                    .property("test.slack.url", webhook.url()).start(aws());
            try {
                Eventually.within(WAIT, "six messages waiting for their group",
                        () -> app.context().getInflightRepository().size("intake-events") == 6);
                assertTrue(webhook.requests().isEmpty(), "the window is still open");
            } finally {
                app.close(); // graceful shutdown waits for in-flight messages: the group is posted, then they are deleted
            }
            assertEquals(1, webhook.accepted().size());
            assertEquals(6, slackSections(webhook.accepted()));
            assertEquals(0, chain.messagesIn(chain.queueUrl), "deleted before the context stopped");
        }
    }

    @Test
    void aFailedSlackGroupKeepsEveryMessageItHeldOrIsDeadLetteredOnce() throws Exception {
        newChain(30, 5);
        webhook.respondWith(n -> Answer.of(500));
        Path deadLetters = tmp.resolve("slack-dead-letters");
        destination("alerts", "slack", params("name", "alerts", "url", "{{test.slack.url}}",
                "groupWindowMillis", "2000", "maxRetries", "1", "initialDelayMillis", "200"));
        Path routes = destination("kept", "slack", params("name", "kept", "url", "{{test.slack.url}}",
                "groupWindowMillis", "2000", "maxRetries", "1", "initialDelayMillis", "200",
                "deadLetter", "dir:" + deadLetters));
        try (EventBridgeClient events = eventBridge();
             AutoCloseable rule = ruleToQueue(events, chain.queueUrl, "aws.ec2", "aws.guardduty")) {
            burstInQueue(events);
            try (RunningTrailRouter app = RunningTrailRouter.with().queue("events", chain.queueUrl).routesDir(routes)
                    .property("test.slack.url", webhook.url()).start(aws())) {
                PipelineMetrics metrics = app.context().getRegistry().findSingleByType(PipelineMetrics.class);
                Eventually.within(WAIT, "six messages failed", () -> metrics.count("trailrouter.messages", "outcome", "failed") >= 6);
                assertEquals(s3TestEvents(metrics), metrics.count("trailrouter.messages", "outcome", "deleted"),
                        "'alerts' has no dead-letter target: its failed group fails every message it held");
                assertEquals(6, chain.messagesIn(chain.queueUrl), "all six stay in the queue");
                assertEquals(4, webhook.requests().size(), "one group per destination, each tried twice");
                List<WebhookReceiver.Request> requests = webhook.requests();
                for (int i = 1; i < requests.size(); i++) {
                    long gap = Duration.between(requests.get(i - 1).at(), requests.get(i).at()).toMillis();
                    assertTrue(gap >= 700, "two destinations, one Slack webhook: one message per second in all, not "
                            + gap + " ms apart");
                }

                List<JsonNode> documents = new ArrayList<>();
                try (Stream<Path> files = Files.list(deadLetters)) {
                    for (Path file : files.toList()) {
                        documents.add(Fixtures.JSON.readTree(file.toFile()));
                    }
                }
                assertEquals(1, documents.size(), "'kept' dead-lettered its one group once");
                assertEquals(6, documents.get(0).get("events").size());
                assertTrue(documents.get(0).get("reason").asText().contains("500"), documents.get(0).toString());
            }
        }
    }

    @Test
    void archiveToS3AndADirectoryWithoutDuplicatesOnRedelivery() throws Exception {
        newChain(30, 5);
        String archiveBucket = "archive-" + CHAINS.incrementAndGet();
        chain.s3().createBucket(b -> b.bucket(archiveBucket));
        Path archiveDir = tmp.resolve("archive");
        destination("to-s3", "archive", params("name", "s3copy", "bucket", archiveBucket, "prefix", "audit"));
        Path routes = destination("to-dir", "archive", params("name", "dircopy", "directory", archiveDir.toString(),
                "prefix", "audit"));
        try (RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes).start(aws())) {
            String key = "AWSLogs/1/CloudTrail/us-east-2/integrations.json.gz";
            chain.put(key, INTEGRATIONS);
            PipelineMetrics metrics = app.context().getRegistry().findSingleByType(PipelineMetrics.class);
            Eventually.within(WAIT, "processed", () -> metrics.count("trailrouter.messages", "outcome", "deleted") >= 2);
            Map<String, Integer> inDirectory = archivedFiles(archiveDir);
            Map<String, Integer> inBucket = archivedObjects(archiveBucket);
            assertEquals(30, inDirectory.values().stream().mapToInt(Integer::intValue).sum());
            assertEquals(inDirectory, inBucket, "same layout in S3 and in the directory");
            for (String k : inBucket.keySet()) {
                assertTrue(k.matches("audit/cloudtrail/[0-9]+/[a-z0-9-]+/\\d{4}/\\d{2}/\\d{2}/\\d{2}/"
                        + "integrations-[0-9a-f]{12}-\\d{7}\\.json\\.gz"), k);
            }

            // the same notification again, as SQS would redeliver it
            chain.sqs().sendMessage(b -> b.queueUrl(chain.queueUrl).messageBody(notificationFor(chain.bucket, key)));
            Eventually.within(WAIT, "processed again", () -> metrics.count("trailrouter.messages", "outcome", "deleted") >= 3);
            assertEquals(inDirectory, archivedFiles(archiveDir), "overwritten, not duplicated");
            assertEquals(inBucket, archivedObjects(archiveBucket), "overwritten, not duplicated");
        }
    }

    @Test
    void snsSubscribersReceiveEventsWithFilterableAttributes() throws Exception {
        newChain(30, 5);
        String topic = chain.sns().createTopic(b -> b.name("trailrouter-events-" + CHAINS.incrementAndGet())).topicArn();
        String subscriber = chain.sqs().createQueue(b -> b.queueName("subscriber-" + CHAINS.incrementAndGet())).queueUrl();
        String subscriberArn = chain.sqs().getQueueAttributes(b -> b.queueUrl(subscriber)
                .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
        chain.sns().subscribe(b -> b.topicArn(topic).protocol("sqs").endpoint(subscriberArn));
        Path routes = destination("fanout", "sns", params("name", "fanout", "topicArn", topic));
        try (RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes).start(aws())) {
            chain.put("AWSLogs/1/CloudTrail/us-east-2/a.json.gz", BEATS);
            List<Message> received = new ArrayList<>();
            Eventually.within(WAIT, "11 notifications", () -> {
                received.addAll(chain.sqs().receiveMessage(b -> b.queueUrl(subscriber).maxNumberOfMessages(10)
                        .waitTimeSeconds(1)).messages());
                return received.size() >= 11;
            });
            Set<String> ids = new HashSet<>();
            for (Message m : received) {
                JsonNode envelope = Fixtures.JSON.readTree(m.body());
                JsonNode attributes = envelope.get("MessageAttributes");
                assertEquals("cloudtrail", attributes.get("kind").get("Value").asText());
                JsonNode event = Fixtures.JSON.readTree(envelope.get("Message").asText());
                assertEquals(event.get("detail").has("errorCode") ? "error" : "info",
                        attributes.get("severity").get("Value").asText(), "failed API calls are errors");
                assertEquals(event.get("account").asText(), attributes.get("account").get("Value").asText());
                if (event.has("name")) {
                    assertEquals(event.get("name").asText(), attributes.get("name").get("Value").asText());
                } else {
                    assertEquals(null, attributes.get("name"), "no attribute for a missing value (an Insight event has no eventName)");
                }
                assertTrue(event.get("detail").isObject());
                ids.add(event.get("origin").get("index").asText());
            }
            assertEquals(11, ids.size());
        }
    }

    @Test
    void failingDestinationIsDeadLetteredWhileTheOthersGetEverythingAndTheMessageIsDeleted() throws Exception {
        newChain(60, 5);
        try (WebhookReceiver broken = new WebhookReceiver()) {
            broken.respondWith(n -> Answer.of(500));
            Path deadLetters = tmp.resolve("dead-letters");
            Path archiveDir = tmp.resolve("archive");
            destination("good", "webhook", params("name", "good", "url", webhook.url().toString()));
            destination("copy", "archive", params("name", "copy", "directory", archiveDir.toString()));
            Path routes = destination("bad", "webhook", params("name", "bad", "url", broken.url().toString(),
                    "maxRetries", "1", "initialDelayMillis", "50", "deadLetter", "dir:" + deadLetters));
            // one message at a time: the retry budget is counted per message, so messages started side by side
            // before the first failure would each spend theirs (up to max-inflight × 2 attempts)
            try (RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes)
                    .property("trailrouter.pipeline.batch-size", 5).property("trailrouter.queue.q.max-inflight", 1)
                    .start(aws())) {
                DemoSamples.asCloudTrailObjects().forEach(chain::put);
                Eventually.within(WAIT, "healthy destinations got everything and the queue is empty",
                        () -> deliveredEvents() == DemoSamples.RECORDS && chain.messagesIn(chain.queueUrl) == 0);
                assertEquals(DemoSamples.RECORDS, archivedFiles(archiveDir).values().stream().mapToInt(Integer::intValue).sum());
                int deadLettered = 0;
                try (Stream<Path> files = Files.list(deadLetters)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                        JsonNode document = Fixtures.JSON.readTree(file.toFile());
                        assertEquals("bad", document.get("destination").asText());
                        assertTrue(document.get("reason").asText().contains("500"), document.get("reason").asText());
                        deadLettered += document.get("events").size();
                    }
                }
                assertEquals(DemoSamples.RECORDS, deadLettered, "the DLQ holds exactly what failed");
                assertEquals(2 + 1 + 1, broken.requests().size(), "one retry budget (the first message's first "
                        + "batch: 1 + 1 retry), then the destination is known down: one attempt for each later message, "
                        + "and a message's later batches fail fast");
                PipelineMetrics metrics = app.context().getRegistry().findSingleByType(PipelineMetrics.class);
                assertEquals(DemoSamples.RECORDS, metrics.count("trailrouter.destination.events",
                        "destination", "bad", "outcome", "dead-lettered"));
            }
        }
    }

    @Test
    void aDestinationKnownDownGetsOneAttemptPerBatchUntilItAcceptsAgain() throws Exception {
        newChain(60, 5);
        try (WebhookReceiver flaky = new WebhookReceiver()) {
            java.util.concurrent.atomic.AtomicBoolean up = new java.util.concurrent.atomic.AtomicBoolean(false);
            flaky.respondWith(n -> up.get() ? Answer.of(200) : Answer.of(503));
            Path deadLetters = tmp.resolve("dead-letters");
            destination("good", "webhook", params("name", "good", "url", webhook.url().toString()));
            Path routes = destination("flaky", "webhook", params("name", "flaky", "url", flaky.url().toString(),
                    "maxRetries", "2", "initialDelayMillis", "50", "deadLetter", "dir:" + deadLetters));
            try (RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes).start(aws())) {
                PipelineMetrics metrics = app.context().getRegistry().findSingleByType(PipelineMetrics.class);
                int[] expectedRequests = {3, 4, 5, 8}; // budget; known down: 1; recovered: 1; up again: full budget
                boolean[] accepted = {false, false, true, false};
                for (int i = 0; i < 4; i++) {
                    up.set(accepted[i]);
                    chain.put("AWSLogs/1/CloudTrail/us-east-2/m" + i + ".json.gz", BEATS);
                    int n = i + 1;
                    Eventually.within(WAIT, "message " + n + " deleted",
                            () -> deliveredEvents() == 11 * n && chain.messagesIn(chain.queueUrl) == 0);
                    assertEquals(expectedRequests[i], flaky.requests().size(), "requests after message " + n);
                    long down = i == 0 || i == 1 || i == 3 ? 1 : 0;
                    assertEquals(down, (long) metrics.registry().get("trailrouter.destination.down")
                            .tag("destination", "flaky").gauge().value(), "known down after message " + n);
                    assertEquals(java.util.Map.of("flaky", down, "good", 0L), java.lang.management.ManagementFactory
                            .getPlatformMBeanServer().getAttribute(dev.trailrouter.observe.PipelineStats.name("trailrouter"),
                                    "DestinationsDown"), "the pipeline MBean says so too");
                }
                assertEquals(11 * 3, metrics.count("trailrouter.destination.events", "destination", "flaky",
                        "outcome", "dead-lettered"));
                assertEquals(11, metrics.count("trailrouter.destination.events", "destination", "flaky",
                        "outcome", "delivered"));
            }
        }
    }

    @Test
    void aRateLimitThatOutlastsTheRetriesDoesNotCountAsDown() throws Exception {
        newChain(60, 5);
        try (WebhookReceiver throttling = new WebhookReceiver()) {
            throttling.respondWith(n -> new Answer(429, Map.of("Retry-After", "1")));
            Path deadLetters = tmp.resolve("dead-letters");
            destination("good", "webhook", params("name", "good", "url", webhook.url().toString()));
            Path routes = destination("busy", "webhook", params("name", "busy", "url", throttling.url().toString(),
                    "maxRetries", "1", "initialDelayMillis", "50", "deadLetter", "dir:" + deadLetters));
            try (RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes).start(aws())) {
                PipelineMetrics metrics = app.context().getRegistry().findSingleByType(PipelineMetrics.class);
                for (int i = 0; i < 2; i++) {
                    chain.put("AWSLogs/1/CloudTrail/us-east-2/m" + i + ".json.gz", BEATS);
                    int n = i + 1;
                    Eventually.within(WAIT, "message " + n + " deleted",
                            () -> deliveredEvents() == 11 * n && chain.messagesIn(chain.queueUrl) == 0);
                    assertEquals(2 * n, throttling.requests().size(), "each message: 1 attempt + 1 retry after Retry-After");
                    assertEquals(0.0, metrics.registry().get("trailrouter.destination.down").tag("destination", "busy")
                            .gauge().value(), "throttled, not down");
                }
                List<WebhookReceiver.Request> requests = throttling.requests();
                for (int i = 1; i < requests.size(); i += 2) {
                    assertTrue(Duration.between(requests.get(i - 1).at(), requests.get(i).at()).toMillis() >= 1000,
                            "the retry waited out Retry-After: 1");
                }
            }
        }
    }

    @Test
    void failedDeadLetterWriteKeepsTheMessageInTheQueue() throws Exception {
        newChain(60, 5);
        webhook.respondWith(n -> Answer.of(500));
        String noSuchQueue = chain.queueUrl.substring(0, chain.queueUrl.lastIndexOf('/') + 1) + "no-such-dlq";
        Path routes = destination("bad", "webhook", params("name", "bad", "url", webhook.url().toString(),
                "maxRetries", "0", "deadLetter", "sqs:" + noSuchQueue));
        try (RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes).start(aws())) {
            chain.put("AWSLogs/1/CloudTrail/us-east-2/a.json.gz", BEATS);
            PipelineMetrics metrics = app.context().getRegistry().findSingleByType(PipelineMetrics.class);
            Eventually.within(WAIT, "the message failed", () -> metrics.count("trailrouter.messages", "outcome", "failed") >= 1);
            assertEquals(1, chain.messagesIn(chain.queueUrl), "not deleted");
        }
    }

    @Test
    void filterSendsADestinationOnlyTheEventsItWants() throws Exception {
        newChain(30, 5);
        try (WebhookReceiver logins = new WebhookReceiver()) {
            destination("all", "webhook", params("name", "all", "url", webhook.url().toString()));
            Path routes = destination("logins", "webhook", params("name", "logins", "url", logins.url().toString(),
                    "filter", "${body.name} == 'ConsoleLogin' && ${body.region} == 'us-east-2'"));
            try (RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes).start(aws())) {
                chain.put("AWSLogs/1/CloudTrail/us-east-2/integrations.json.gz", INTEGRATIONS);
                Eventually.within(WAIT, "all 30 to the unfiltered one", () -> deliveredEvents() == 30);
                Eventually.within(WAIT, "queue empty", () -> chain.messagesIn(chain.queueUrl) == 0);
                List<JsonNode> got = events(logins.accepted());
                assertEquals(3, got.size(), "the sample's three console logins");
                got.forEach(e -> assertEquals("ConsoleLogin", e.get("name").asText()));
            }
        }
    }

    @Test
    void aCamelStepWrittenInTheDestinationFileRunsBeforeTheDestination() throws Exception {
        newChain(30, 5);
        Path dir = Files.createDirectories(tmp.resolve("routes/destinations"));
        // no Java: a plain YAML route reads what the fan-out sends, keeps the first two events of each batch, and hands
        // them to the webhook destination's own input
        Files.writeString(dir.resolve("siem.yaml"), """
                - route:
                    id: dest-siem
                    from:
                      uri: direct:dest-siem
                      steps:
                        - setBody:
                            simple: "${body.subList(0, 2)}"
                        - to:
                            uri: direct:siem-sink
                - templatedRoute:
                    routeTemplateRef: webhook
                    routeId: siem-webhook
                    parameters:
                      - name: name
                        value: siem
                      - name: input
                        value: direct:siem-sink
                      - name: url
                        value: "%s"
                """.formatted(webhook.url()));
        try (RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(dir.getParent())
                .start(aws())) {
            chain.put("AWSLogs/1/CloudTrail/us-east-2/integrations.json.gz", INTEGRATIONS);
            Eventually.within(WAIT, "queue empty", () -> chain.messagesIn(chain.queueUrl) == 0);
            assertEquals(2, deliveredEvents(), "the file's own step ran before the destination");
            assertEquals(List.of("dest-siem"), app.context().getRegistry()
                    .findSingleByType(dev.trailrouter.deliver.Destinations.class).endpoints().stream()
                    .map(uri -> uri.substring(uri.lastIndexOf('/') + 1)).toList(), "the fan-out sends to the file's route once");
        }
    }

    @Test
    void aBearerTokenFromAwsSecretsManagerIsSentAndNeverLogged() throws Exception {
        newChain(30, 5);
        String token = "sm-t0ken-" + CHAINS.incrementAndGet() + "-never-in-a-log-line";
        String name = "trailrouter/siem-token-" + CHAINS.get();
        try (var secrets = software.amazon.awssdk.services.secretsmanager.SecretsManagerClient.builder()
                .endpointOverride(aws().endpoint()).region(Region.of(S3NotificationChain.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .build()) {
            secrets.createSecret(b -> b.name(name).secretString(token));
        }
        Path routes = destination("siem", "webhook", params("name", "siem", "url", webhook.url().toString(),
                "bearerToken", "{{aws:" + name + "}}"));
        java.io.ByteArrayOutputStream logged = new java.io.ByteArrayOutputStream();
        java.io.PrintStream console = System.out;
        System.setOut(new java.io.PrintStream(new TeeStream(console, logged), true));
        try (RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes)
                .property("camel.vault.aws.region", S3NotificationChain.REGION)
                .property("camel.vault.aws.access-key", "testing").property("camel.vault.aws.secret-key", "testing")
                .property("camel.vault.aws.override-endpoint", "true")
                .property("camel.vault.aws.uri-endpoint-override", aws().endpoint().toString())
                .start(aws())) {
            chain.put("AWSLogs/1/CloudTrail/us-east-2/a.json.gz", BEATS);
            Eventually.within(WAIT, "11 events accepted", () -> deliveredEvents() == 11);
            for (WebhookReceiver.Request request : webhook.accepted()) {
                assertEquals("Bearer " + token, request.headers().get("Authorization").get(0));
            }
        } finally {
            System.setOut(console);
        }
        assertTrue(logged.size() > 0, "the console was captured");
        assertTrue(!logged.toString(StandardCharsets.UTF_8).contains(token), "the token is in no log line");
    }

    /** Writes to the console and keeps a copy. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }
    }

    @Test
    void aDestinationWritesToAwsWithItsOwnRoleAndExternalId() throws Exception {
        newChain(30, 5);
        String archiveBucket = "archive-" + CHAINS.incrementAndGet();
        chain.s3().createBucket(b -> b.bucket(archiveBucket));
        Path routes = destination("to-s3", "archive", params("name", "s3copy", "bucket", archiveBucket,
                "roleArn", "arn:aws:iam::444455556666:role/trailrouter-archive-writer", "externalId", "ext-archive-42"));
        try (dev.trailrouter.support.RecordingProxy proxy = new dev.trailrouter.support.RecordingProxy(aws().endpoint());
             RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes)
                     .property("trailrouter.aws.endpoint", proxy.endpoint()).start(aws())) {
            chain.put("AWSLogs/1/CloudTrail/us-east-2/integrations.json.gz", INTEGRATIONS);
            Eventually.within(WAIT, "30 events archived", () -> {
                try {
                    return archivedObjects(archiveBucket).values().stream().mapToInt(Integer::intValue).sum() == 30;
                } catch (IOException e) {
                    return false;
                }
            });
            var assume = proxy.requests.stream().filter(r -> r.body().contains("Action=AssumeRole")
                    && r.body().contains("trailrouter-archive-writer")).findFirst()
                    .orElseThrow(() -> new AssertionError("no AssumeRole call for the destination's role"));
            assertTrue(assume.body().contains("ExternalId=ext-archive-42"), assume.body());
            assertTrue(assume.body().contains("RoleSessionName=trailrouter-s3copy"), assume.body());
            var puts = proxy.requests.stream().filter(r -> r.method().equals("PUT") && r.path().contains("/" + archiveBucket + "/"))
                    .toList();
            assertTrue(!puts.isEmpty(), "the objects were written through the proxy");
            for (var put : puts) {
                assertTrue(!put.header("Authorization").contains("Credential=testing/"),
                        "written with the assumed role's credentials: " + put.header("Authorization"));
            }
        }
    }

    @Test
    void replayDrainsADeadLetterQueueBackIntoItsDestination() throws Exception {
        newChain(60, 5);
        String dlq = chain.sqs().createQueue(b -> b.queueName("siem-dlq-" + CHAINS.incrementAndGet())).queueUrl();
        webhook.respondWith(n -> n < 2 ? Answer.of(500) : Answer.of(200)); // down for the first batch's budget
        destination("siem", "webhook", params("name", "siem", "url", webhook.url().toString(),
                "maxRetries", "1", "initialDelayMillis", "50", "deadLetter", "sqs:" + dlq));
        Path routes = destination("siem-replay", "replay-sqs", params("destination", "siem", "queueUrl", dlq,
                "waitTimeSeconds", "1"));
        try (RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes)
                .property("trailrouter.pipeline.batch-size", 5).start(aws())) {
            chain.put("AWSLogs/1/CloudTrail/us-east-2/a.json.gz", BEATS);
            Eventually.within(WAIT, "every event delivered through the replay, DLQ drained", () ->
                    events(webhook.accepted()).stream().map(e -> e.get("origin").get("index").asInt()).distinct().count() == 11
                            && chain.messagesIn(dlq) == 0 && chain.messagesIn(chain.queueUrl) == 0);
            assertEquals(11, deliveredEvents(), "each event once");
        }
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    /** Relative path → number of NDJSON lines, for every .json.gz under the directory. */
    static Map<String, Integer> archivedFiles(Path dir) throws IOException {
        Map<String, Integer> files = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : walk.filter(f -> f.toString().endsWith(".json.gz")).toList()) {
                files.put(dir.relativize(file).toString(), lines(Files.newInputStream(file)));
            }
        }
        return files;
    }

    Map<String, Integer> archivedObjects(String bucket) throws IOException {
        Map<String, Integer> objects = new TreeMap<>();
        for (var object : chain.s3().listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
            byte[] content = chain.s3().getObjectAsBytes(b -> b.bucket(bucket).key(object.key())).asByteArray();
            objects.put(object.key(), lines(new ByteArrayInputStream(content)));
        }
        return objects;
    }

    private static int lines(InputStream gz) throws IOException {
        try (InputStream in = new GZIPInputStream(gz)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                Fixtures.JSON.readTree(line); // every line is one JSON event
            }
            return (int) text.chars().filter(c -> c == '\n').count();
        }
    }
}
