package dev.trailrouter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import dev.trailrouter.demo.DemoSamples;
import dev.trailrouter.demo.WebhookReceiver.Answer;
import dev.trailrouter.intake.DeadLetterQueue;
import dev.trailrouter.observe.PipelineMetrics;
import dev.trailrouter.support.Fixtures;
import dev.trailrouter.support.Payloads;
import dev.trailrouter.support.RecordingProxy;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Every intake shape through the real chain on the emulator: EventBridge rules (raw, and inside SNS), the CloudWatch
 * Logs forwarder's messages on a FIFO queue, CloudTrail's SNS notice, EventBridge's Object Created, non-CloudTrail
 * objects, the bucket allow-list and cross-account assume-role with an external ID.
 */
abstract class IntakeShapesContract extends ContractSupport {

    Path routes() throws Exception {
        return destination("all", "webhook", params("name", "all", "url", webhook.url().toString(),
                "maxRetries", "0"));
    }

    Map<String, Integer> kinds() {
        Map<String, Integer> kinds = new HashMap<>();
        events(webhook.accepted()).forEach(e -> kinds.merge(e.get("kind").asText(), 1, Integer::sum));
        return kinds;
    }

    @Test
    void eventBridgeRulesDeliverApiCallsAndFindingsRawAndThroughSns() throws Exception {
        newChain(30, 5);
        JsonNode apiCall = Fixtures.json("envelopes/cloud-custodian_cloud-custodian__event-cloud-trail-ec2-create-tags.json");
        JsonNode finding = Fixtures.JSON.readTree(Fixtures.text("securityhub_findings/test-securityhub-findings.line1.log"));
        ObjectNode second = finding.deepCopy();
        second.put("Id", finding.get("Id").asText() + "-2");
        ObjectNode securityHub = Fixtures.JSON.createObjectNode();
        securityHub.putArray("findings").add(finding).add(second);
        JsonNode guardDuty = Fixtures.JSON.readTree(Payloads.lines("guardduty/test-guardduty.log").get(0));
        JsonNode generic = Fixtures.json("envelopes/aws-powertools_powertools-lambda-python__eventBridgeEvent.json");
        try (EventBridgeClient events = eventBridge();
             AutoCloseable rule = ruleToQueue(events, chain.queueUrl, "aws.ec2", "aws.securityhub", "aws.guardduty",
                     generic.get("source").asText());
             RunningTrailRouter app = RunningTrailRouter.with().queue("events", chain.queueUrl).routesDir(routes()).start(aws())) {
            var failed = events.putEvents(b -> b.entries(
                    entry("aws.ec2", "AWS API Call via CloudTrail", apiCall),
                    entry("aws.securityhub", "Security Hub Findings - Imported", securityHub),
                    entry("aws.guardduty", "GuardDuty Finding", guardDuty),
                    entry(generic.get("source").asText(), generic.get("detail-type").asText(), generic.get("detail"))))
                    .failedEntryCount();
            assertEquals(0, failed);
            // EventBridge → SNS → SQS: the emulator's EventBridge has no SNS target, so the envelope is published
            // to the topic as EventBridge would (SNS wraps it in its Notification envelope on the way to SQS)
            chain.sns().publish(b -> b.topicArn(chain.topicArn).message(
                    Payloads.eventBridge("aws.guardduty", "GuardDuty Finding", guardDuty).toString()));
            Eventually.within(WAIT, "6 events", () -> deliveredEvents() >= 6);
            Eventually.within(WAIT, "queue empty", () -> chain.messagesIn(chain.queueUrl) == 0);
            assertEquals(Map.of("cloudtrail", 1, "securityhub", 2, "guardduty", 2, "eventbridge", 1), kinds());
            JsonNode trail = events(webhook.accepted()).stream().filter(e -> e.get("kind").asText().equals("cloudtrail")).findFirst().get();
            assertEquals("CreateTags", trail.get("name").asText());
            assertEquals(apiCall, trail.get("detail"));
        }
    }

    @Test
    void cloudWatchLogsForwarderMessagesOnAFifoQueueKeepTheirOrderThroughAFailure() throws Exception {
        newChain(30, 5);
        String fifo = fifoQueueWithDlq("cwl", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "2"));
        List<JsonNode> payloads = List.of(
                Payloads.cloudTrailDataMessage("111122223333_CloudTrail_us-east-2", "cloudtrail/test-console-login-json.log"),
                Payloads.cherwegDataMessages().get(0),
                Payloads.cherwegDataMessages().get(1));
        List<String> order = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            String body = Payloads.forwarderMessage(payloads.get(i));
            int n = i;
            order.add(chain.sqs().sendMessage(b -> b.queueUrl(fifo).messageBody(body).messageGroupId("trail-stream")
                    .messageDeduplicationId("m" + n)).messageId());
        }
        chain.sqs().sendMessage(b -> b.queueUrl(fifo).messageGroupId("other-stream").messageDeduplicationId("c")
                .messageBody(Payloads.forwarderMessage(Fixtures.json("envelopes/vectordotdev_vector__remap.yaml__cloudwatch_CONTROL_MESSAGE.json"))));
        webhook.respondWith(n -> n == 0 ? Answer.of(500) : Answer.of(200)); // the first message fails once
        try (RunningTrailRouter app = RunningTrailRouter.with().queue("logs", fifo).routesDir(routes())
                .property("trailrouter.queue.logs.visibility-timeout", 2).start(aws())) {
            PipelineMetrics metrics = app.context().getRegistry().findSingleByType(PipelineMetrics.class);
            Eventually.within(WAIT, "the first message failed", () -> metrics.count("trailrouter.messages", "outcome", "failed") >= 3);
            assertEquals(0, deliveredEvents(), "the group's later messages were held back behind the failed one");
            Eventually.within(WAIT, "3 + 27 + 27 events and the queue empty",
                    () -> deliveredEvents() == 57 && chain.messagesIn(fifo) == 0);
            if (aws().fifoRedeliveryInOrder()) {
                assertEquals(order, messageOrder(), "each message's events in the group's order, the failed one first");
            }
            Map<String, Integer> kinds = kinds();
            assertEquals(Map.of("cloudtrail", 3, "cloudwatch-log", 54), kinds);
            assertTrue(events(webhook.accepted()).stream().anyMatch(
                    e -> e.get("origin").get("logGroup").asText().equals("aws-cloudtrail-logs-111122223333")));
            assertEquals(1.0, metrics.count("trailrouter.messages", "outcome", "control-message"));
        }
    }

    @Test
    void fifoGroupIsDeliveredInOrder() throws Exception {
        newChain(30, 5);
        String fifo = fifoQueueWithDlq("ord", Map.of());
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            JsonNode payload = Payloads.cloudTrailDataMessage("stream-" + i, "cloudtrail/test-console-login-json.log");
            int n = i;
            order.add(chain.sqs().sendMessage(b -> b.queueUrl(fifo).messageBody(Payloads.forwarderMessage(payload))
                    .messageGroupId("trail-stream").messageDeduplicationId("o" + n)).messageId());
        }
        try (RunningTrailRouter app = RunningTrailRouter.with().queue("logs", fifo).routesDir(routes()).start(aws())) {
            Eventually.within(WAIT, "18 events", () -> deliveredEvents() == 18 && chain.messagesIn(fifo) == 0);
            assertEquals(order, messageOrder());
        }
    }

    @Test
    void fifoGroupsAreDeliveredSideBySideEachInItsOwnOrder() throws Exception {
        newChain(30, 5);
        String fifo = fifoQueueWithDlq("side", Map.of());
        Map<String, List<String>> sentPerGroup = new java.util.TreeMap<>();
        for (int i = 0; i < 4; i++) {
            for (String group : List.of("stream-a", "stream-b", "stream-c")) {
                JsonNode payload = Payloads.cloudTrailDataMessage(group, "cloudtrail/test-console-login-json.log");
                String dedup = group + i;
                sentPerGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(chain.sqs().sendMessage(b -> b.queueUrl(fifo)
                        .messageBody(Payloads.forwarderMessage(payload)).messageGroupId(group)
                        .messageDeduplicationId(dedup)).messageId());
            }
        }
        webhook.respondWith(n -> Answer.slow(200, 150)); // slow enough that a second POST of a group would overtake
        try (RunningTrailRouter app = RunningTrailRouter.with().queue("logs", fifo).routesDir(routes()).start(aws())) {
            Eventually.within(WAIT, "36 events", () -> deliveredEvents() == 36 && chain.messagesIn(fifo) == 0);
        }
        Map<String, List<String>> deliveredPerGroup = new java.util.TreeMap<>();
        for (String id : messageOrder()) {
            sentPerGroup.forEach((group, ids) -> {
                if (ids.contains(id)) {
                    deliveredPerGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(id);
                }
            });
        }
        assertEquals(sentPerGroup, deliveredPerGroup, "each group's messages in the order they were sent");
        assertTrue(webhook.mostAtOnce() >= 2, "different groups were delivered side by side: " + webhook.mostAtOnce());
    }

    /** The SQS message ids in the order their events arrived at the webhook. */
    List<String> messageOrder() {
        List<String> delivered = new ArrayList<>();
        for (JsonNode event : events(webhook.accepted())) {
            String id = event.get("origin").get("messageId").asText();
            if (delivered.isEmpty() || !delivered.get(delivered.size() - 1).equals(id)) {
                delivered.add(id);
            }
        }
        return delivered;
    }

    @Test
    void cloudTrailsSnsNoticeAndEventBridgeObjectCreatedFetchTheirObjects() throws Exception {
        newChain(30, 5);
        String quiet = "no-notifications-" + CHAINS.incrementAndGet();
        chain.s3().createBucket(b -> b.bucket(quiet));
        List<byte[]> files = new ArrayList<>(DemoSamples.asCloudTrailObjects().values());
        String k1 = "AWSLogs/111122223333/CloudTrail/us-east-2/2014/07/16/team a/x=1/a.json.gz";
        String k2 = "AWSLogs/111122223333/CloudTrail/us-east-1/2021/01/01/b+c.json.gz";
        String k3 = "AWSLogs/111122223333/CloudTrail/us-east-2/2020/01/01/via eventbridge.json.gz";
        chain.s3().putObject(b -> b.bucket(quiet).key(k1), software.amazon.awssdk.core.sync.RequestBody.fromBytes(files.get(0)));
        chain.s3().putObject(b -> b.bucket(quiet).key(k2), software.amazon.awssdk.core.sync.RequestBody.fromBytes(files.get(2)));
        chain.s3().putObject(b -> b.bucket(quiet).key(k3), software.amazon.awssdk.core.sync.RequestBody.fromBytes(files.get(1)));
        ObjectNode objectCreated = (ObjectNode) Fixtures.json(
                "envelopes/aws-powertools_powertools-lambda-python__s3EventBridgeNotificationObjectCreatedEvent.json");
        ((ObjectNode) objectCreated.get("detail").get("bucket")).put("name", quiet);
        ((ObjectNode) objectCreated.get("detail").get("object")).put("key", k3);
        try (EventBridgeClient events = eventBridge();
             RunningTrailRouter app = RunningTrailRouter.with().queue("notices", chain.queueUrl).routesDir(routes()).start(aws())) {
            // CloudTrail's own notice, as CloudTrail publishes it to its SNS topic
            ObjectNode notice = Fixtures.JSON.createObjectNode().put("s3Bucket", quiet);
            notice.putArray("s3ObjectKey").add(k1).add(k2);
            chain.sns().publish(b -> b.topicArn(chain.topicArn).message(notice.toString()));
            try (AutoCloseable rule = ruleToQueue(events, chain.queueUrl, "aws.s3")) {
                assertEquals(0, events.putEvents(b -> b.entries(entry("aws.s3", "Object Created", objectCreated.get("detail"))))
                        .failedEntryCount());
                Eventually.within(WAIT, "11 + 9 + 30 records", () -> deliveredEvents() == 50);
            }
            Map<String, Integer> perKey = new HashMap<>();
            events(webhook.accepted()).forEach(e -> perKey.merge(e.get("origin").get("key").asText(), 1, Integer::sum));
            assertEquals(Map.of(k1, 11, k2, 9, k3, 30), perKey);
        }
    }

    @Test
    void flowLogsCloudFrontLogsAndJsonLinesFromTheBucket() throws Exception {
        newChain(30, 5);
        String flowLog = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"
                + Fixtures.text("vpcflow/test-extra-samples.log");
        try (RunningTrailRouter app = RunningTrailRouter.with().queue("logs", chain.queueUrl).routesDir(routes()).start(aws())) {
            chain.put("AWSLogs/123456789010/vpcflowlogs/eu-west-1/2016/10/31/123456789010_vpcflowlogs_eu-west-1_fl_x.log.gz",
                    DemoSamples.gzip(flowLog.getBytes(StandardCharsets.UTF_8)));
            chain.put("cloudfront/E2EXAMPLE.2019-12-04-21.abcdef12.gz",
                    DemoSamples.gzip(Fixtures.text("cloudfront_logs/test-cloudfront.log").getBytes(StandardCharsets.UTF_8)));
            chain.put("guardduty/findings.jsonl.gz",
                    DemoSamples.gzip(Fixtures.text("guardduty/test-guard_duty.first2lines.log").getBytes(StandardCharsets.UTF_8)));
            int flows = Payloads.lines("vpcflow/test-extra-samples.log").size();
            Eventually.within(WAIT, "all lines delivered", () -> deliveredEvents() == flows + 12 + 2);
            assertEquals(Map.of("vpcflow", flows, "cloudfront", 12, "guardduty", 2), kinds());
        }
    }

    @Test
    void notificationForABucketOutsideTheAllowListIsDeadLetteredAndNeverFetched() throws Exception {
        newChain(30, 5);
        try (RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes())
                .property("trailrouter.queue.q.allowed-buckets", "org-trail-bucket,another-bucket/AWSLogs/").start(aws())) {
            chain.put("AWSLogs/1/CloudTrail/us-east-1/f.json.gz", DemoSamples.asCloudTrailObjects().values().iterator().next());
            List<Message> dead = drainDeadLetters(1);
            assertEquals("bucket-not-allowed", dead.get(0).messageAttributes().get(DeadLetterQueue.ATTR_REASON).stringValue());
            assertEquals(0, deliveredEvents());
            PipelineMetrics metrics = app.context().getRegistry().findSingleByType(PipelineMetrics.class);
            assertEquals(0.0, metrics.count("trailrouter.objects.fetched"), "never fetched");
        }
    }

    @Test
    void objectInABucketOfAnotherRegionIsFollowedThere() throws Exception {
        newChain(30, 5);
        String bucket = "eu-trail-" + CHAINS.incrementAndGet();
        chain.s3().createBucket(b -> b.bucket(bucket));
        String key = "AWSLogs/1/CloudTrail/eu-west-1/2024/01/01/f.json.gz";
        chain.s3().putObject(b -> b.bucket(bucket).key(key),
                software.amazon.awssdk.core.sync.RequestBody.fromBytes(DestinationContract.BEATS));
        try (RecordingProxy proxy = new RecordingProxy(aws().endpoint())) {
            // what S3 answers a request signed for the wrong region: 301 naming the bucket's region
            proxy.intercept(r -> r.path().startsWith("/" + bucket) && r.header("Authorization").contains("/us-east-1/s3/")
                    ? new RecordingProxy.Answer(301, Map.of("x-amz-bucket-region", "eu-west-1", "Content-Type", "application/xml"),
                            "<Error><Code>PermanentRedirect</Code><Message>The bucket is in this region: eu-west-1.</Message>"
                                    + "<BucketName>" + bucket + "</BucketName></Error>")
                    : null);
            try (RunningTrailRouter app = RunningTrailRouter.with().queue("q", chain.queueUrl).routesDir(routes())
                    .property("trailrouter.aws.endpoint", proxy.endpoint()).start(aws())) {
                chain.sqs().sendMessage(b -> b.queueUrl(chain.queueUrl).messageBody(
                        PipelineContract.notificationFor(bucket, key)));
                Eventually.within(WAIT, "the object's 11 events", () -> deliveredEvents() == 11);
                List<String> scopes = proxy.requests.stream().filter(r -> r.path().startsWith("/" + bucket))
                        .map(r -> r.header("Authorization").replaceAll(".*Credential=[^/]+/\\d+/([a-z0-9-]+)/s3/.*", "$1")).toList();
                assertTrue(scopes.contains("us-east-1") && scopes.contains("eu-west-1"),
                        "first signed for the queue's region, then followed to the bucket's: " + scopes);
            }
        }
    }

    @Test
    void crossAccountQueueIsReadWithAnAssumedRoleAndExternalId() throws Exception {
        newChain(30, 5);
        try (RecordingProxy proxy = new RecordingProxy(aws().endpoint());
             RunningTrailRouter app = RunningTrailRouter.with().queue("partner", chain.queueUrl).routesDir(routes())
                     .property("trailrouter.aws.endpoint", proxy.endpoint())
                     .property("trailrouter.queue.partner.role-arn", "arn:aws:iam::123456789012:role/trailrouter-reader")
                     .property("trailrouter.queue.partner.external-id", "ext-7f3a9c").start(aws())) {
            chain.put("AWSLogs/1/CloudTrail/us-east-2/f.json.gz", DemoSamples.asCloudTrailObjects().values().iterator().next());
            Eventually.within(WAIT, "11 events", () -> deliveredEvents() == 11);
            RecordingProxy.Recorded assume = proxy.requests.stream().filter(r -> r.body().contains("Action=AssumeRole"))
                    .findFirst().orElseThrow(() -> new AssertionError("no AssumeRole call"));
            assertTrue(assume.body().contains("ExternalId=ext-7f3a9c"), assume.body());
            assertTrue(assume.body().contains("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Ftrailrouter-reader"), assume.body());
            assertTrue(assume.header("Authorization").contains("Credential=testing/"), "AssumeRole is called with the base credentials");
            List<RecordingProxy.Recorded> getObject = proxy.requests.stream()
                    .filter(r -> r.method().equals("GET") && r.path().contains("/AWSLogs/")).toList();
            assertTrue(!getObject.isEmpty(), "the object was fetched through the proxy");
            for (RecordingProxy.Recorded r : getObject) {
                assertTrue(!r.header("Authorization").contains("Credential=testing/"), "S3 read with the assumed role: " + r.header("Authorization"));
            }
            assertTrue(proxy.requests.stream().filter(r -> r.header("X-Amz-Target").contains("ReceiveMessage"))
                    .allMatch(r -> !r.header("Authorization").contains("Credential=testing/")), "SQS read with the assumed role");
        }
    }
    @Test
    void aQueuesOwnProfileAndRoleSessionNameAreUsed() throws Exception {
        newChain(30, 5);
        String direct = chain.sqs().createQueue(b -> b.queueName("direct-" + CHAINS.incrementAndGet())).queueUrl();
        Path config = Files.writeString(tmp.resolve("aws-config"), "[profile partner-reader]\n[profile direct-reader]\n");
        Path credentials = Files.writeString(tmp.resolve("aws-credentials"), """
                [partner-reader]
                aws_access_key_id = AKIAPARTNERREADER001
                aws_secret_access_key = partner-secret
                [direct-reader]
                aws_access_key_id = AKIADIRECTREADER0001
                aws_secret_access_key = direct-secret
                """);
        String savedConfig = System.getProperty("aws.configFile");
        String savedCredentials = System.getProperty("aws.sharedCredentialsFile");
        System.setProperty("aws.configFile", config.toString());
        System.setProperty("aws.sharedCredentialsFile", credentials.toString());
        try (RecordingProxy proxy = new RecordingProxy(aws().endpoint());
             RunningTrailRouter app = RunningTrailRouter.with().queue("partner", chain.queueUrl).queue("direct", direct)
                     .routesDir(routes())
                     .property("trailrouter.aws.endpoint", proxy.endpoint())
                     .property("trailrouter.queue.partner.profile", "partner-reader")
                     .property("trailrouter.queue.partner.role-arn", "arn:aws:iam::123456789012:role/trailrouter-reader")
                     .property("trailrouter.queue.partner.role-session-name", "soc-eu-reader")
                     .property("trailrouter.queue.direct.profile", "direct-reader")
                     .property("trailrouter.queue.direct.dead-letter-queue-url", chain.deadLetterQueueUrl).start(aws())) {
            chain.put("AWSLogs/1/CloudTrail/us-east-2/f.json.gz", DemoSamples.asCloudTrailObjects().values().iterator().next());
            Eventually.within(WAIT, "11 events", () -> deliveredEvents() == 11);
            RecordingProxy.Recorded assume = proxy.requests.stream().filter(r -> r.body().contains("Action=AssumeRole"))
                    .findFirst().orElseThrow(() -> new AssertionError("no AssumeRole call"));
            assertTrue(assume.body().contains("RoleSessionName=soc-eu-reader"), assume.body());
            assertTrue(assume.header("Authorization").contains("Credential=AKIAPARTNERREADER001/"),
                    "AssumeRole is called with the queue's profile: " + assume.header("Authorization"));
            String directName = direct.substring(direct.lastIndexOf('/') + 1);
            List<RecordingProxy.Recorded> directReceives = proxy.requests.stream()
                    .filter(r -> r.header("X-Amz-Target").contains("ReceiveMessage") && r.body().contains(directName)).toList();
            assertTrue(!directReceives.isEmpty(), "the direct queue was read through the proxy");
            for (RecordingProxy.Recorded r : directReceives) {
                assertTrue(r.header("Authorization").contains("Credential=AKIADIRECTREADER0001/"), r.header("Authorization"));
            }
        } finally {
            restore("aws.configFile", savedConfig);
            restore("aws.sharedCredentialsFile", savedCredentials);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
