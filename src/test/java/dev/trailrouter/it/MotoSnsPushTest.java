package dev.trailrouter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import dev.trailrouter.demo.MotoServer;
import dev.trailrouter.demo.WebhookReceiver;
import dev.trailrouter.intake.SnsHttp;
import dev.trailrouter.intake.SnsPushRoutes;
import dev.trailrouter.observe.PipelineMetrics;
import dev.trailrouter.support.Fixtures;
import dev.trailrouter.support.Payloads;

/**
 * The emulator's SNS pushes real Notifications to the listener: moto 5.2 POSTs to an HTTP subscription, signed with
 * SignatureVersion 2 by a certificate it generates and serves from its own endpoint as
 * {@code sns.<region>.amazonaws.com/SimpleNotificationService-<hex>.pem}, issued to CN=sns.amazonaws.com. The
 * production rules still run on that URL and certificate (the default host pattern, SNS's path shape, the subject
 * check, the Timestamp window); only where the certificate is fetched from is mapped to the emulator, by a test-only {@link SnsHttp} bound
 * in the registry — no configuration key reaches it. The messages are real EventBridge envelopes: the emulator's
 * EventBridge puts a CloudTrail API call (envelopes/cloud-custodian_…_create-tags.json) and a GuardDuty finding
 * (guardduty/test-guardduty.log) on a queue, and each envelope is published to the topic as EventBridge would.
 */
class MotoSnsPushTest extends ContractSupport {

    static final String REGION = "us-east-1";

    @Override
    protected AwsEmulator aws() {
        return Emulators.moto();
    }

    <T> T client(software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<?, T> builder) {
        return builder.endpointOverride(aws().endpoint()).region(Region.of(REGION))
                .credentialsProvider(() -> AwsBasicCredentials.create("testing", "testing")).build();
    }

    @Test
    void anEventBridgeEventPublishedToAnAllowedTopicReachesEveryDestinationOnceAndSnsGets2xxOnlyAfterThat() throws Exception {
        int n = CHAINS.incrementAndGet();
        try (SnsClient sns = client(SnsClient.builder()); SqsClient sqs = client(SqsClient.builder());
             EventBridgeClient events = client(EventBridgeClient.builder()); WebhookReceiver second = new WebhookReceiver()) {
            String topic = sns.createTopic(b -> b.name("trailrouter-push-" + n)).topicArn();
            String otherTopic = sns.createTopic(b -> b.name("not-allowed-" + n)).topicArn();

            webhook.respondWith(i -> WebhookReceiver.Answer.slow(200, 400));
            destination("first", "webhook", params("name", "first", "url", webhook.url().toString()));
            Path routes = destination("second", "webhook", params("name", "second", "url", second.url().toString()));
            int port = MotoServer.freePort();
            URI moto = aws().endpoint();
            List<URI> fetched = new java.util.concurrent.CopyOnWriteArrayList<>();
            SnsHttp fromEmulator = new SnsHttp(Duration.ofSeconds(5)) {
                @Override
                public byte[] get(URI uri) throws java.io.IOException {
                    fetched.add(uri);
                    // https://sns.us-east-1.amazonaws.com/<name>.pem, fetched from the emulator; moto_server picks the
                    // service and region of a request by its credential scope, so the GET carries one (no signature)
                    var request = java.net.http.HttpRequest.newBuilder(moto.resolve(uri.getRawPath()))
                            .header("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20260101/" + REGION + "/sns/aws4_request")
                            .timeout(Duration.ofSeconds(5)).GET().build();
                    try {
                        var response = java.net.http.HttpClient.newHttpClient().send(request,
                                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                        if (response.statusCode() != 200) {
                            throw new java.io.IOException("HTTP " + response.statusCode() + " from the emulator");
                        }
                        return response.body();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.IOException(e);
                    }
                }
            };
            try (RunningTrailRouter running = RunningTrailRouter.with().routesDir(routes)
                    .property("trailrouter.sns-push.endpoints", "cloudtrail")
                    .property("trailrouter.sns-push.cloudtrail.topics", topic)
                    .property("trailrouter.sns-push.host", "127.0.0.1")
                    .property("trailrouter.sns-push.port", port)
                    .bean(SnsPushRoutes.HTTP_BEAN, fromEmulator)
                    .start(aws())) {
                String endpoint = "http://127.0.0.1:" + port + "/sns/cloudtrail";
                sns.subscribe(b -> b.topicArn(topic).protocol("http").endpoint(endpoint));
                sns.subscribe(b -> b.topicArn(otherTopic).protocol("http").endpoint(endpoint));

                List<String> envelopes = eventBridgeEnvelopes(sqs, events, n);
                for (String envelope : envelopes) {
                    Instant published = Instant.now();
                    sns.publish(b -> b.topicArn(topic).message(envelope)); // the emulator POSTs while we wait
                    Instant answered = Instant.now();
                    // the emulator's publish returns once trailrouter answered, and that was after both destinations
                    WebhookReceiver.Request last = webhook.accepted().get(webhook.accepted().size() - 1);
                    assertFalse(last.at().isAfter(answered), "answered before the slow destination took the event");
                    assertTrue(Duration.between(published, answered).toMillis() >= 400);
                }
                sns.publish(b -> b.topicArn(otherTopic).message(envelopes.get(0))); // validly signed, topic not allowed

                // the default host rule (this test sets no cert-host-pattern) against an S3 bucket named "sns" by its
                // own hostnames: refused before anything is fetched, whatever the signature
                java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
                for (String host : List.of("sns.s3.amazonaws.com", "sns.s3-external-1.amazonaws.com",
                        "sns.s3-us-west-2.amazonaws.com", "sns.s3-accelerate.amazonaws.com")) {
                    com.fasterxml.jackson.databind.node.ObjectNode forged = Fixtures.JSON.createObjectNode();
                    forged.put("Type", "Notification");
                    forged.put("MessageId", java.util.UUID.randomUUID().toString());
                    forged.put("TopicArn", topic);
                    forged.put("Message", envelopes.get(0));
                    forged.put("Timestamp", Instant.now().toString());
                    forged.put("SignatureVersion", "2");
                    forged.put("Signature", java.util.Base64.getEncoder().encodeToString(new byte[256]));
                    forged.put("SigningCertURL", "https://" + host + "/SimpleNotificationService-0123abcd.pem");
                    var answer = client.send(java.net.http.HttpRequest.newBuilder(URI.create(endpoint))
                            .header("x-amz-sns-message-type", "Notification")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(forged.toString())).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                    assertEquals(403, answer.statusCode(), host);
                    assertEquals("refused: cert-url-host\n", answer.body(), host);
                }
                assertTrue(fetched.stream().allMatch(u -> u.getHost().matches("sns\\.us-east-1\\.amazonaws\\.com")
                        && u.getPath().matches("/SimpleNotificationService-[0-9a-f]+\\.pem")), fetched.toString());
                assertFalse(fetched.isEmpty(), "the emulator's certificates were fetched by their SNS URL");

                PipelineMetrics metrics = running.context().getRegistry().findSingleByType(PipelineMetrics.class);
                assertEquals(2.0, metrics.count("trailrouter.sns.push", "outcome", "delivered", "status", "200"));
                assertEquals(1.0, metrics.count("trailrouter.sns.push", "reason", "topic-not-allowed", "status", "403"));
                assertEquals(4.0, metrics.count("trailrouter.sns.push", "reason", "cert-url-host", "status", "403"));
                for (WebhookReceiver receiver : List.of(webhook, second)) {
                    List<JsonNode> delivered = events(receiver.accepted());
                    assertEquals(2, delivered.size(), "each destination got each event once");
                    assertEquals("CreateTags", delivered.get(0).get("name").asText());
                    assertEquals("guardduty", delivered.get(1).get("kind").asText());
                }
            }
        }
    }

    /** Two events through the emulator's EventBridge into a queue; the envelopes EventBridge wrote, as received. */
    List<String> eventBridgeEnvelopes(SqsClient sqs, EventBridgeClient events, int n) throws Exception {
        String queue = sqs.createQueue(b -> b.queueName("push-source-" + n)).queueUrl();
        String arn = sqs.getQueueAttributes(b -> b.queueUrl(queue).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String rule = "push-" + n;
        events.putRule(b -> b.name(rule).eventPattern("{\"source\":[\"aws.ec2\",\"aws.guardduty\"]}"));
        events.putTargets(b -> b.rule(rule).targets(t -> t.id("queue").arn(arn)));
        try {
            JsonNode apiCall = Fixtures.json("envelopes/cloud-custodian_cloud-custodian__event-cloud-trail-ec2-create-tags.json");
            JsonNode finding = Fixtures.JSON.readTree(Payloads.lines("guardduty/test-guardduty.log").get(0));
            assertEquals(0, events.putEvents(b -> b.entries(entry("aws.ec2", "AWS API Call via CloudTrail", apiCall)))
                    .failedEntryCount());
            assertEquals(0, events.putEvents(b -> b.entries(entry("aws.guardduty", "GuardDuty Finding", finding)))
                    .failedEntryCount());
            List<String> bodies = new ArrayList<>();
            Eventually.within(WAIT, "two EventBridge envelopes in the queue", () -> {
                for (Message m : sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                    bodies.add(m.body());
                }
                return bodies.size() >= 2;
            });
            bodies.sort((a, b) -> Boolean.compare(a.contains("aws.guardduty"), b.contains("aws.guardduty")));
            return bodies;
        } finally {
            events.removeTargets(b -> b.rule(rule).ids("queue"));
            events.deleteRule(b -> b.name(rule));
        }
    }
}
