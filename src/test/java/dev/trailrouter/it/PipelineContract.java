package dev.trailrouter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trailrouter.demo.DemoSamples;
import dev.trailrouter.demo.MotoServer;
import dev.trailrouter.demo.S3NotificationChain;
import dev.trailrouter.demo.WebhookReceiver;
import dev.trailrouter.demo.WebhookReceiver.Answer;
import dev.trailrouter.intake.DeadLetterQueue;
import dev.trailrouter.observe.PipelineMetrics;
import dev.trailrouter.support.Fixtures;
import dev.trailrouter.support.RecordingProxy;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The delivery contract, end to end: a real AWS-protocol emulator with the chain bucket → SNS → SQS (+ redrive DLQ)
 * set up as in AWS, trailrouter's real Main and route files, and a real HTTP receiver. Subclasses choose the emulator.
 */
abstract class PipelineContract extends ContractSupport {

    // --- the happy path ---------------------------------------------------------------------------------------

    @Test
    void deliversEveryRecordOfEveryNewLogFileExactlyOnceAndEmptiesTheQueue() throws Exception {
        newChain(30, 5);
        // the project's own routes/ directory, as shipped
        try (RunningTrailRouter app = RunningTrailRouter.with().queue("orgtrail", chain.queueUrl)
                .property("trailrouter.webhook.url", webhook.url()).start(aws())) {
            List<byte[]> files = new ArrayList<>(DemoSamples.asCloudTrailObjects().values());
            for (int i = 0; i < ODD_KEYS.size(); i++) {
                chain.put(ODD_KEYS.get(i), files.get(i));
            }
            chain.put("AWSLogs/o-a1b2c3/111122223333/CloudTrail-Digest/us-east-1/2021/01/01/digest.json.gz",
                    DemoSamples.gzip("{\"awsAccountId\":\"111122223333\"}".getBytes(StandardCharsets.UTF_8)));

            Eventually.within(WAIT, "all records delivered and the queue empty",
                    () -> deliveredEvents() >= DemoSamples.RECORDS && chain.messagesIn(chain.queueUrl) == 0);
            Eventually.throughout(Duration.ofSeconds(2), "no duplicates arrive", () -> deliveredEvents() == DemoSamples.RECORDS);

            List<JsonNode> events = events(webhook.accepted());
            Map<String, Integer> perKey = new HashMap<>();
            Set<String> positions = new HashSet<>();
            for (JsonNode event : events) {
                String key = event.path("origin").path("key").asText();
                perKey.merge(key, 1, Integer::sum);
                assertTrue(positions.add(key + "#" + event.path("origin").path("index").asLong()), "duplicate " + event);
                assertEquals("cloudtrail", event.path("kind").asText());
                assertEquals(chain.bucket, event.path("origin").path("bucket").asText());
                assertEquals("orgtrail", event.path("origin").path("queue").asText());
                assertTrue(event.path("detail").isObject());
                assertNotNull(event.get("id"));
            }
            assertEquals(Map.of(ODD_KEYS.get(0), 11, ODD_KEYS.get(1), 30, ODD_KEYS.get(2), 9), perKey);
            for (WebhookReceiver.Request request : webhook.accepted()) {
                assertEquals("POST", request.method());
                assertTrue(request.headers().get("Content-type").get(0).startsWith("application/json"));
                assertTrue(Fixtures.JSON.readTree(request.body()).size() <= 100);
            }
            assertEquals(0, chain.messagesIn(chain.deadLetterQueueUrl));
            PipelineMetrics metrics = app.context().getRegistry().findSingleByType(PipelineMetrics.class);
            assertEquals(1.0, metrics.count("trailrouter.objects.skipped", "reason", "digest"));
            assertEquals(3.0, metrics.count("trailrouter.objects.fetched"));
            assertEquals(1.0, metrics.count("trailrouter.messages", "outcome", "test-event"));
        }
    }

    @Test
    void readsSeveralQueuesAtOnce() throws Exception {
        newChain(30, 5);
        S3NotificationChain second = S3NotificationChain.create(aws().endpoint(), "t" + CHAINS.incrementAndGet(), 30, 5);
        try (second; RunningTrailRouter app = RunningTrailRouter.with()
                .queue("first", chain.queueUrl).queue("second", second.queueUrl)
                .property("trailrouter.webhook.url", webhook.url()).start(aws())) {
            List<byte[]> files = new ArrayList<>(DemoSamples.asCloudTrailObjects().values());
            chain.put("AWSLogs/1/CloudTrail/us-east-2/a.json.gz", files.get(0));
            second.put("AWSLogs/2/CloudTrail/us-east-1/b.json.gz", files.get(2));
            Eventually.within(WAIT, "11 + 9 events", () -> deliveredEvents() == 20);
            Map<String, Long> perQueue = new HashMap<>();
            events(webhook.accepted()).forEach(e -> perQueue.merge(e.path("origin").path("queue").asText(), 1L, Long::sum));
            assertEquals(Map.of("first", 11L, "second", 9L), perQueue);
            assertNotNull(app.context().getRoute("intake-first"));
            assertNotNull(app.context().getRoute("intake-second"));
        }
    }

    // --- delivery failures -------------------------------------------------------------------------------------

    @Test
    void failingWebhookLeavesTheMessageInTheQueue() throws Exception {
        newChain(30, 5);
        webhook.respondWith(n -> Answer.of(500));
        Path routes = routesWithWebhook(webhook.url().toString(), 1, 100, 100);
        try (RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes).start(aws())) {
            chain.put("AWSLogs/1/CloudTrail/us-east-1/f.json.gz", DemoSamples.asCloudTrailObjects().values().iterator().next());
            Eventually.within(WAIT, "first attempt and one retry", () -> webhook.requests().size() >= 2);
            PipelineMetrics metrics = app.context().getRegistry().findSingleByType(PipelineMetrics.class);
            Eventually.within(WAIT, "the message's exchange failed", () -> metrics.count("trailrouter.messages", "outcome", "failed") >= 1);
            assertEquals(2, webhook.requests().size(), "1 attempt + maxRetries=1");
            assertEquals(1, chain.messagesIn(chain.queueUrl), "the message was not deleted");
            assertEquals(0, chain.messagesIn(chain.deadLetterQueueUrl));
            assertEquals(1.0, metrics.count("trailrouter.messages", "outcome", "deleted"), "only the s3:TestEvent was deleted");
        }
    }

    @Test
    void undeliverableMessageEndsInTheQueueDlqAfterMaxReceiveCount() throws Exception {
        newChain(2, 2);
        webhook.respondWith(n -> Answer.of(502));
        Path routes = routesWithWebhook(webhook.url().toString(), 0, 100, 100);
        try (RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes)
                .property("trailrouter.queue.q.visibility-timeout", 2).start(aws())) {
            chain.put("AWSLogs/1/CloudTrail/us-east-1/f.json.gz", DemoSamples.asCloudTrailObjects().values().iterator().next());
            List<Message> dead = drainDeadLetters(1);
            JsonNode notice = Fixtures.JSON.readTree(Fixtures.JSON.readTree(dead.get(0).body()).path("Message").asText());
            assertEquals("AWSLogs/1/CloudTrail/us-east-1/f.json.gz",
                    java.net.URLDecoder.decode(notice.path("Records").path(0).path("s3").path("object").path("key").asText(),
                            StandardCharsets.UTF_8), "the SNS envelope as received");
            Eventually.within(WAIT, "source queue empty", () -> chain.messagesIn(chain.queueUrl) == 0);
            assertEquals(2, webhook.requests().size(), "one attempt per receive, maxReceiveCount=2");
        }
    }

    @Test
    void receiverDownThenUpGetsEverything() throws Exception {
        newChain(60, 5);
        int port = MotoServer.freePort();
        String url = "http://127.0.0.1:" + port + "/events";
        webhook.close();
        Path routes = routesWithWebhook(url, 30, 200, 1000);
        try (RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes).start(aws())) {
            DemoSamples.asCloudTrailObjects().forEach(chain::put);
            Thread.sleep(2500); // connection refused meanwhile; the retries keep the messages
            webhook = new WebhookReceiver(port);
            AtomicInteger calls = new AtomicInteger();
            webhook.respondWith(n -> calls.incrementAndGet() <= 2 ? Answer.of(503) : Answer.of(200));
            Eventually.within(WAIT, "all records delivered and the queue empty",
                    () -> deliveredEvents() == DemoSamples.RECORDS && chain.messagesIn(chain.queueUrl) == 0);
            assertEquals(0, chain.messagesIn(chain.deadLetterQueueUrl));
        }
    }

    @Test
    void honoursRetryAfterOn429AndLosesNothing() throws Exception {
        newChain(60, 5);
        webhook.respondWith(n -> n == 0 ? new Answer(429, Map.of("Retry-After", "2")) : Answer.of(200));
        Path routes = routesWithWebhook(webhook.url().toString(), 5, 50, 10_000);
        try (RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes).start(aws())) {
            chain.put("AWSLogs/1/CloudTrail/us-east-2/f.json.gz", DemoSamples.asCloudTrailObjects().values().iterator().next());
            Eventually.within(WAIT, "all 11 records delivered", () -> deliveredEvents() == 11);
            List<WebhookReceiver.Request> requests = webhook.requests();
            long gap = Duration.between(requests.get(0).at(), requests.get(1).at()).toMillis();
            assertTrue(gap >= 2000, "second request came " + gap + " ms after the 429 with Retry-After: 2");
            Eventually.within(WAIT, "queue empty", () -> chain.messagesIn(chain.queueUrl) == 0);
        }
    }

    @Test
    void clientErrorIsNotRetriedAndTheMessageIsKept() throws Exception {
        newChain(30, 5);
        webhook.respondWith(n -> Answer.of(400));
        Path routes = routesWithWebhook(webhook.url().toString(), 5, 100, 100);
        try (RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes).start(aws())) {
            chain.put("AWSLogs/1/CloudTrail/us-east-1/f.json.gz", DemoSamples.asCloudTrailObjects().values().iterator().next());
            Eventually.within(WAIT, "first attempt", () -> webhook.requests().size() >= 1);
            Eventually.throughout(Duration.ofSeconds(2), "no retry of a 400", () -> webhook.requests().size() == 1);
            assertEquals(1, chain.messagesIn(chain.queueUrl));
        }
    }

    @Test
    void visibilityIsExtendedWhileASlowDeliveryIsUnderWay() throws Exception {
        newChain(2, 5);
        webhook.respondWith(n -> Answer.slow(200, 1500)); // 3 requests of 5, 5 and 1 events: 4.5 s > 2 × visibility
        Path routes = routesWithWebhook(webhook.url().toString(), 0, 100, 100);
        try (RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes)
                .property("trailrouter.queue.q.visibility-timeout", 2)
                .property("trailrouter.queue.q.concurrent-consumers", 2)
                .property("trailrouter.pipeline.batch-size", 5).start(aws())) {
            chain.put("AWSLogs/1/CloudTrail/us-east-2/f.json.gz", DemoSamples.asCloudTrailObjects().values().iterator().next());
            Eventually.within(WAIT, "11 events and the queue empty",
                    () -> deliveredEvents() >= 11 && chain.messagesIn(chain.queueUrl) == 0);
            Eventually.throughout(Duration.ofSeconds(3), "the message was not received and delivered a second time",
                    () -> deliveredEvents() == 11);
        }
    }

    // --- bad input -----------------------------------------------------------------------------------------------

    @Test
    void badInputIsDeadLetteredAtOnceWithItsReasonAndDoesNotBlockGoodInput() throws Exception {
        newChain(30, 5);
        Path routes = routesWithWebhook(webhook.url().toString(), 2, 100, 100);
        try (RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes).start(aws())) {
            String malformed = "{\"Records\": [ {\"s3\": ";
            String snsNotJson = Fixtures.JSON.createObjectNode().put("Type", "Notification")
                    .put("TopicArn", chain.topicArn).put("Message", "Hello from SNS!").toString();
            String unknown = Fixtures.sqsBodyOfLambdaEvent("envelopes/aws-powertools_powertools-lambda-python__snsSqsEvent.json");
            String missingObject = notificationFor(chain.bucket, "AWSLogs/1/CloudTrail/us-east-1/gone.json.gz");
            // a number Jackson cannot make a BigDecimal of: a NumberFormatException, which used to read as transient
            String hugeNumber = "{\"Records\": [{\"eventVersion\": \"1.08\", \"n\": 1e2147483648}]}";
            String noKey = notificationFor(chain.bucket, ""); // the SDK refuses it before any call
            for (String body : List.of(malformed, snsNotJson, unknown, missingObject, hugeNumber, noKey)) {
                chain.sqs().sendMessage(b -> b.queueUrl(chain.queueUrl).messageBody(body));
            }
            chain.put("AWSLogs/1/notes/letter.txt.gz", DemoSamples.gzip(
                    "Dear operator,\nthis object is a letter, not a log.\n".getBytes()));
            byte[] good = DemoSamples.asCloudTrailObjects().values().iterator().next();
            chain.put("AWSLogs/1/CloudTrail/us-east-1/truncated.json.gz", Arrays.copyOf(good, good.length / 2));
            chain.put("AWSLogs/1/CloudTrail/us-east-1/good.json.gz", good);

            List<Message> dead = drainDeadLetters(8);
            Map<String, String> reasons = new HashMap<>();
            for (Message m : dead) {
                reasons.put(m.messageAttributes().get(DeadLetterQueue.ATTR_REASON).stringValue(), m.body());
                assertEquals("q", m.messageAttributes().get(DeadLetterQueue.ATTR_QUEUE).stringValue());
                assertNotNull(m.messageAttributes().get(DeadLetterQueue.ATTR_MESSAGE_ID));
            }
            assertEquals(Set.of("malformed-json", "sns-message-not-json", "unrecognised-shape", "object-not-found",
                    "unrecognised-object", "truncated-object", "malformed-value", "malformed-notification"), reasons.keySet());
            assertEquals(hugeNumber, reasons.get("malformed-value"), "the original body is kept");
            assertEquals(malformed, reasons.get("malformed-json"), "the original body is kept");
            assertEquals(unknown, reasons.get("unrecognised-shape"));
            Eventually.within(WAIT, "good file delivered", () -> events(webhook.accepted()).stream()
                    .filter(e -> e.path("origin").path("key").asText().endsWith("good.json.gz")).count() == 11);
            Eventually.within(WAIT, "source queue empty", () -> chain.messagesIn(chain.queueUrl) == 0);
            PipelineMetrics metrics = app.context().getRegistry().findSingleByType(PipelineMetrics.class);
            assertEquals(8.0, metrics.count("trailrouter.input.rejected"));
        }
    }

    @Test
    void controlCharactersOfAKeyNeverReachTheLogRaw() throws Exception {
        newChain(30, 5);
        Path routes = routesWithWebhook(webhook.url().toString(), 2, 100, 100);
        ch.qos.logback.classic.Logger intake = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.trailrouter.intake");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> captured = new ch.qos.logback.core.read.ListAppender<>();
        captured.start();
        intake.addAppender(captured);
        try (RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes).start(aws())) {
            // a notification whose key holds ESC (an ANSI sequence that clears a terminal), NUL, DEL, C1 CSI and U+2028
            String key = "AWSLogs/1/CloudTrail/us-east-1/%1B%5B2J%00%7F%C2%9B%E2%80%A8x.json.gz";
            chain.sqs().sendMessage(b -> b.queueUrl(chain.queueUrl).messageBody(notificationFor(chain.bucket, key)));
            List<Message> dead = drainDeadLetters(1);
            assertEquals("object-not-found", dead.get(0).messageAttributes().get(DeadLetterQueue.ATTR_REASON).stringValue());
            Eventually.within(WAIT, "the rejection line", () -> captured.list.stream()
                    .anyMatch(e -> e.getFormattedMessage().contains("rejected reason=object-not-found")));
            // the line as the shipped plain-text layout writes it
            ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("ROOT");
            @SuppressWarnings("unchecked")
            var text = (ch.qos.logback.core.OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent>) root.getAppender("text");
            // and a line that did not go through LogSafe (Camel's, a library's): the layout itself blanks them
            var raw = new ch.qos.logback.classic.spi.LoggingEvent("x", intake, ch.qos.logback.classic.Level.WARN,
                    "library says {}", null, new Object[] {"a\u001b[2Jb\u0000c\u0085d\u2029e\r\nf"});
            for (var event : java.util.stream.Stream.concat(captured.list.stream(), java.util.stream.Stream.of(raw)).toList()) {
                String line = new String(text.getEncoder().encode(event), StandardCharsets.UTF_8);
                line = line.substring(0, line.length() - System.lineSeparator().length());
                for (char c : line.toCharArray()) {
                    assertTrue(!(c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029),
                            "raw control character " + (int) c + " in " + line);
                }
                if (line.contains("rejected")) {
                    assertTrue(line.contains("us-east-1/\\u001b[2J\\u0000\\u007f\\u009b\\u2028x.json.gz"), line);
                }
            }
        } finally {
            intake.detachAppender(captured);
        }
    }

    @Test
    void anEmptyObjectIsDeadLetteredButAFileOfNoRecordsIsDone() throws Exception {
        newChain(30, 5);
        Path routes = routesWithWebhook(webhook.url().toString(), 2, 100, 100);
        try (RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes).start(aws())) {
            chain.put("AWSLogs/1/CloudTrail/us-east-1/zero-bytes.json.gz", new byte[0]);
            chain.put("AWSLogs/1/CloudTrail/us-east-1/gzip-of-nothing.json.gz", DemoSamples.gzip(new byte[0]));
            chain.put("AWSLogs/1/CloudTrail/us-east-1/no-calls.json.gz",
                    DemoSamples.gzip("{\"Records\":[]}".getBytes(StandardCharsets.UTF_8)));
            List<Message> dead = drainDeadLetters(2);
            Set<String> keys = new HashSet<>();
            for (Message m : dead) {
                assertEquals("empty-object", m.messageAttributes().get(DeadLetterQueue.ATTR_REASON).stringValue());
                String detail = m.messageAttributes().get(DeadLetterQueue.ATTR_DETAIL).stringValue();
                keys.add(detail.replaceAll(".*/(\\S+\\.json\\.gz).*", "$1"));
            }
            assertEquals(Set.of("zero-bytes.json.gz", "gzip-of-nothing.json.gz"), keys);
            Eventually.within(WAIT, "source queue empty", () -> chain.messagesIn(chain.queueUrl) == 0);
            PipelineMetrics metrics = app.context().getRegistry().findSingleByType(PipelineMetrics.class);
            Eventually.throughout(Duration.ofSeconds(2), "nothing else dead-lettered",
                    () -> metrics.count("trailrouter.messages", "outcome", "dead-lettered") == 2.0);
            assertEquals(2.0, metrics.count("trailrouter.input.rejected", "reason", "empty-object"));
            assertEquals(1.0, metrics.count("trailrouter.objects.fetched"), "the file of no calls was read to its end");
            assertEquals(4.0, metrics.count("trailrouter.messages", "outcome", "deleted"), "the s3:TestEvent, no-calls and the two dead-lettered");
            assertEquals(0, deliveredEvents());
        }
    }

    @Test
    void aRecordWithA50MbStringIsDeadLetteredAtOnceNotRetried() throws Exception {
        newChain(30, 5);
        Path routes = routesWithWebhook(webhook.url().toString(), 2, 100, 100);
        // one record whose responseElements holds a 50 MB string, gzipped as it is generated (about 50 KB stored)
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (var out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write(("{\"Records\":[{\"eventVersion\":\"1.08\",\"eventName\":\"Big\",\"responseElements\":{\"blob\":\"")
                    .getBytes(StandardCharsets.UTF_8));
            byte[] chunk = "a".repeat(64 * 1024).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 800; i++) {
                out.write(chunk);
            }
            out.write("\"}}]}".getBytes(StandardCharsets.UTF_8));
        }
        try (RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes).start(aws())) {
            long started = System.nanoTime();
            chain.put("AWSLogs/1/CloudTrail/us-east-1/huge-string.json.gz", gz.toByteArray());
            List<Message> dead = drainDeadLetters(1);
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertEquals("record-too-large", dead.get(0).messageAttributes().get(DeadLetterQueue.ATTR_REASON).stringValue());
            assertTrue(dead.get(0).messageAttributes().get(DeadLetterQueue.ATTR_DETAIL).stringValue().contains("String value length"));
            assertTrue(millis < 15_000, "dead-lettered on the first receive, " + millis + " ms");
            PipelineMetrics metrics = app.context().getRegistry().findSingleByType(PipelineMetrics.class);
            assertEquals(0.0, metrics.count("trailrouter.messages", "outcome", "failed"), "never failed as transient");
            // counted after the delete, which follows the DLQ write this test has just read: wait for it
            Eventually.within(Duration.ofSeconds(10), "the rejection counted",
                    () -> metrics.count("trailrouter.input.rejected", "reason", "record-too-large") == 1.0);
        }
    }

    @Test
    void objectOverTheSizeCapIsDeadLetteredBeforeAnyOfItIsDelivered() throws Exception {
        newChain(30, 5);
        Path routes = routesWithWebhook(webhook.url().toString(), 2, 100, 100);
        try (RecordingProxy proxy = new RecordingProxy(aws().endpoint());
             RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes)
                .property("trailrouter.aws.endpoint", proxy.endpoint())
                .property("trailrouter.s3.max-object-bytes", 64 * 1024).start(aws())) {
            chain.put("AWSLogs/1/CloudTrail/us-east-1/big.json.gz", DemoSamples.gzip(repeatedRecords(12)));   // ~430 KB
            chain.put("AWSLogs/1/CloudTrail/us-east-1/small.json.gz", DemoSamples.gzip(repeatedRecords(1)));  // ~36 KB
            List<Message> dead = drainDeadLetters(1);
            assertEquals("object-too-large", dead.get(0).messageAttributes().get(DeadLetterQueue.ATTR_REASON).stringValue());
            Eventually.within(WAIT, "small file delivered", () -> deliveredEvents() == 30);
            Eventually.within(WAIT, "source queue empty", () -> chain.messagesIn(chain.queueUrl) == 0);
            assertTrue(events(webhook.accepted()).stream()
                    .noneMatch(e -> e.path("origin").path("key").asText().endsWith("big.json.gz")), "nothing of the big file");
            // neither can be proven small by its stored size: the first GET is counted through, then re-read once
            assertEquals(1, gets(proxy, "big.json.gz"), "over the cap: rejected by the counting pass of its one GET");
            assertEquals(2, gets(proxy, "small.json.gz"), "within the cap: the counting pass, then one re-read");
        }
    }

    private static long gets(RecordingProxy proxy, String key) {
        return proxy.requests.stream().filter(r -> r.method().equals("GET") && r.path().contains(key)).count();
    }

    @Test
    void failedDeadLetterWriteKeepsTheMessage() throws Exception {
        newChain(30, 5);
        Path routes = routesWithWebhook(webhook.url().toString(), 2, 100, 100);
        String noSuchQueue = chain.queueUrl.substring(0, chain.queueUrl.lastIndexOf('/') + 1) + "no-such-queue";
        try (RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes)
                .property("trailrouter.queue.q.dead-letter-queue-url", noSuchQueue).start(aws())) {
            chain.sqs().sendMessage(b -> b.queueUrl(chain.queueUrl).messageBody("not json"));
            PipelineMetrics metrics = app.context().getRegistry().findSingleByType(PipelineMetrics.class);
            Eventually.within(WAIT, "the exchange failed", () -> metrics.count("trailrouter.messages", "outcome", "failed") >= 1);
            assertEquals(1, chain.messagesIn(chain.queueUrl), "not deleted when the DLQ write failed");
            assertEquals(0.0, metrics.count("trailrouter.messages", "outcome", "dead-lettered"));
        }
    }

    // --- start-up checks ---------------------------------------------------------------------------------------

    @Test
    void refusesToStartWhenBadInputWouldHaveNowhereToGo() throws Exception {
        newChain(30, 5);
        String bare = chain.sqs().createQueue(b -> b.queueName("no-dlq-" + CHAINS.incrementAndGet())).queueUrl();
        Path routes = routesWithWebhook(webhook.url().toString(), 2, 100, 100);
        Exception e = assertThrows(Exception.class,
                () -> RunningTrailRouter.with().queue("bare", bare).routesDir(routes).start(aws()).close());
        assertTrue(messages(e).contains("has no redrive policy"), messages(e));
    }

    @Test
    void malformedRouteFileStopsStartUpNamingTheFile() throws Exception {
        newChain(30, 5);
        Path routes = routesWithWebhook(webhook.url().toString(), 2, 100, 100);
        Files.writeString(routes.resolve("destinations/broken-slack.yaml"), "- templatedRoute:\n    routeTemplateRef: [webhook\n");
        Exception e = assertThrows(Exception.class,
                () -> RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes).start(aws()).close());
        assertTrue(messages(e).contains("broken-slack.yaml"), messages(e));
    }

    @Test
    void destinationFileMissingARequiredParameterStopsStartUpNamingFileAndParameter() throws Exception {
        newChain(30, 5);
        Path routes = destination("siem", "webhook", params("name", "siem"));
        Exception e = assertThrows(Exception.class,
                () -> RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes).start(aws()).close());
        assertTrue(messages(e).contains("siem.yaml"), messages(e));
        assertTrue(messages(e).contains("url"), messages(e));
    }

    @Test
    void refusesToStartWithoutAnyDestination() throws Exception {
        newChain(30, 5);
        Path empty = Files.createDirectories(tmp.resolve("empty-routes"));
        Exception e = assertThrows(Exception.class,
                () -> RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(empty).start(aws()).close());
        assertTrue(messages(e).contains("no destination is declared"), messages(e));
    }

}
