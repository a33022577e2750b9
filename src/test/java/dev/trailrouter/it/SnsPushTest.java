package dev.trailrouter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.trailrouter.demo.MotoServer;
import dev.trailrouter.demo.WebhookReceiver;
import dev.trailrouter.intake.SnsHttp;
import dev.trailrouter.intake.SnsPushRoutes;
import dev.trailrouter.observe.PipelineMetrics;
import dev.trailrouter.support.Fixtures;

/**
 * The SNS push intake end to end with our own SNS stand-in ({@link SnsTestSigner}: a keytool key pair, its certificate
 * served over HTTPS from localhost, a test trust store): the real Main, real destination route files, real HTTP
 * receivers, requests POSTed as SNS does. The notifications carry an EventBridge "AWS API Call via CloudTrail" event
 * whose detail is the real CloudTrail record of envelopes/cloud-custodian_…_event-cloud-trail-ec2-create-tags.json.
 */
class SnsPushTest extends ContractSupport {

    static final String TOPIC = "arn:aws:sns:us-east-1:111122223333:trailrouter-events";
    static final String OTHER_TOPIC = "arn:aws:sns:us-east-1:444455556666:someone-elses-topic";

    SnsTestSigner signer;
    RunningTrailRouter running;
    int port;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    protected AwsEmulator aws() {
        return Emulators.moto();
    }

    @BeforeEach
    void stand() throws Exception {
        signer = SnsTestSigner.start(tmp);
    }

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
        signer.close();
    }

    /** The real Main with one push endpoint 'events' allowing TOPIC, our stand-in's certificate host and trust store. */
    void start(Path routes, String... extra) throws Exception {
        start(routes, null, extra);
    }

    /** The same, with {@code deliveredEvents} (when not null) as the dedup store. */
    void start(Path routes, dev.trailrouter.state.DeliveredEvents deliveredEvents, String... extra) throws Exception {
        port = MotoServer.freePort();
        RunningTrailRouter.Builder builder = RunningTrailRouter.with().routesDir(routes)
                .property("trailrouter.sns-push.endpoints", "events")
                .property("trailrouter.sns-push.events.topics", TOPIC)
                .property("trailrouter.sns-push.host", "127.0.0.1")
                .property("trailrouter.sns-push.port", port)
                .property("trailrouter.sns-push.cert-host-pattern", signer.hostPattern())
                .bean(SnsPushRoutes.HTTP_BEAN, new SnsHttp(signer.trust, Duration.ofSeconds(5)));
        if (deliveredEvents != null) {
            builder.bean("deliveredEvents", deliveredEvents);
        }
        for (int i = 0; i < extra.length; i += 2) {
            builder.property(extra[i], extra[i + 1]);
        }
        running = builder.start(aws());
    }

    static String apiCallEvent() {
        ObjectNode envelope = Fixtures.JSON.createObjectNode();
        envelope.put("version", "0");
        envelope.put("id", java.util.UUID.randomUUID().toString());
        envelope.put("detail-type", "AWS API Call via CloudTrail");
        envelope.put("source", "aws.ec2");
        envelope.put("account", "644160558196");
        envelope.put("time", Instant.now().toString());
        envelope.put("region", "us-west-2");
        envelope.putArray("resources");
        envelope.set("detail", Fixtures.json("envelopes/cloud-custodian_cloud-custodian__event-cloud-trail-ec2-create-tags.json"));
        return envelope.toString();
    }

    record Answer(int status, String body, Instant at) {
    }

    Answer post(JsonNode message) throws Exception {
        return post(message.toString(), message.path("Type").asText());
    }

    Answer post(String body, String type) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sns/events"))
                        .timeout(Duration.ofSeconds(20)).header("Content-Type", "text/plain; charset=UTF-8")
                        .header("x-amz-sns-message-type", type).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(), Instant.now());
    }

    double counted(String... tags) {
        return running.context().getRegistry().findSingleByType(PipelineMetrics.class).count("trailrouter.sns.push", tags);
    }

    @Test
    void aNotificationIsAcknowledgedOnlyAfterEveryDestinationAcceptedItAndItsReplayIsNotDeliveredAgain() throws Exception {
        try (WebhookReceiver second = new WebhookReceiver()) {
            webhook.respondWith(n -> WebhookReceiver.Answer.slow(200, 700));
            destination("first", "webhook", params("name", "first", "url", webhook.url().toString()));
            Path routes = destination("second", "webhook", params("name", "second", "url", second.url().toString()));
            start(routes);

            ObjectNode notification = signer.notification(TOPIC, apiCallEvent());
            Instant sent = Instant.now();
            Answer answer = post(notification);
            assertEquals(200, answer.status(), answer.body());
            assertEquals(1, events(webhook.accepted()).size());
            assertEquals(1, events(second.accepted()).size());
            assertEquals("CreateTags", events(webhook.accepted()).get(0).get("name").asText());
            // 2xx only after both destinations took it: the slow one answered at least 700 ms after the request
            assertFalse(webhook.accepted().get(0).at().isAfter(answer.at()), "answered before the slow destination took it");
            assertTrue(Duration.between(sent, answer.at()).toMillis() >= 700);

            Answer replay = post(notification); // SNS delivers at least once: the same MessageId again
            assertEquals(200, replay.status(), replay.body());
            assertEquals(1, webhook.requests().size(), "a replayed MessageId is not delivered again");
            assertEquals(1, second.requests().size());
            assertEquals(1.0, counted("outcome", "delivered"));
            assertEquals(1.0, counted("outcome", "duplicate"));
        }
    }

    @Test
    void aMessageWithTextBeyondAsciiVerifiesOverItsUtf8BytesAndIsDeliveredUnchanged() throws Exception {
        start(routesWithWebhook(webhook.url().toString(), 0, 100, 100));
        ObjectNode envelope = (ObjectNode) Fixtures.JSON.readTree(apiCallEvent());
        ((ObjectNode) envelope.get("detail")).put("userAgent", "console.amazonaws.com — Zoë's ✓ 東京");
        Answer answer = post(signer.notification(TOPIC, envelope.toString()));
        assertEquals(200, answer.status(), answer.body());
        assertEquals("console.amazonaws.com — Zoë's ✓ 東京",
                events(webhook.accepted()).get(0).get("detail").get("userAgent").asText());
    }

    /**
     * A signed event holding a number no BigDecimal holds: bad input, answered 400 (SNS moves it to the
     * subscription's DLQ) with its reason, not 500 (which SNS retries, an hour of identical failures).
     */
    @Test
    void anEventWithANumberNoTypeHoldsIsRejectedWith400NotRetried() throws Exception {
        start(routesWithWebhook(webhook.url().toString(), 0, 100, 100));
        String event = apiCallEvent();
        String huge = event.substring(0, event.length() - 1) + ",\"n\":1e2147483648}";
        Answer answer = post(signer.notification(TOPIC, huge));
        assertEquals(400, answer.status(), answer.body());
        assertTrue(answer.body().contains("malformed-value"), answer.body());
        assertEquals(0, webhook.requests().size());
    }

    @Test
    void theEndpointsOwnDropRulesApplyAndADroppedEventIsAcknowledgedNotDelivered() throws Exception {
        start(routesWithWebhook(webhook.url().toString(), 0, 100, 100),
                "trailrouter.sns-push.events.drop-event-names", "CreateTags");
        Answer answer = post(signer.notification(TOPIC, apiCallEvent()));
        assertEquals(200, answer.status(), "dropped by rule: done, nothing to retry");
        assertEquals(0, webhook.requests().size());
        PipelineMetrics metrics = running.context().getRegistry().findSingleByType(PipelineMetrics.class);
        assertEquals(1.0, metrics.count("trailrouter.events.dropped", "intake", "sns-events"));
    }

    @Test
    void aDestinationFailingWithoutADeadLetterTargetIsAnswered5xxAndSnssRetryDeliversOnceAfterItRecovers() throws Exception {
        webhook.respondWith(n -> WebhookReceiver.Answer.of(n == 0 ? 503 : 200));
        start(routesWithWebhook(webhook.url().toString(), 0, 100, 100));
        ObjectNode notification = signer.notification(TOPIC, apiCallEvent());

        Answer failed = post(notification);
        assertEquals(500, failed.status(), failed.body());
        assertEquals(0, webhook.accepted().size());

        Answer retried = post(notification); // SNS's retry, same body, after the receiver recovered
        assertEquals(200, retried.status(), retried.body());
        assertEquals(1, events(webhook.accepted()).size());
        assertEquals(200, post(notification).status());
        assertEquals(1, events(webhook.accepted()).size(), "delivered once");
        assertEquals(1.0, counted("outcome", "retry", "status", "500"));
    }

    @Test
    void everyForgeryIsRefusedWith403CountedAndNeverDelivered() throws Exception {
        start(routesWithWebhook(webhook.url().toString(), 0, 100, 100));
        String event = apiCallEvent();
        Map<String, ObjectNode> forgeries = new LinkedHashMap<>();

        // signed by a key that is not the certificate's
        Path otherStore = tmp.resolve("other.p12");
        SnsTestSigner.keyPair(otherStore, "other", "CN=sns.amazonaws.com");
        java.security.KeyStore other = java.security.KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(otherStore)) {
            other.load(in, SnsTestSigner.PASSWORD.toCharArray());
        }
        forgeries.put("bad-signature", SnsTestSigner.sign(signer.notification(TOPIC, event),
                (java.security.PrivateKey) other.getKey("other", SnsTestSigner.PASSWORD.toCharArray())));
        ObjectNode tampered = signer.notification(TOPIC, event);
        tampered.put("Message", event.replace("CreateTags", "DeleteTags"));
        forgeries.put("bad-signature/tampered", tampered);
        forgeries.put("topic-not-allowed", signer.notification(OTHER_TOPIC, event));
        String[][] certUrls = {
                {"cert-url-host", "https://127.0.0.1:" + signer.origin().replaceAll(".*:", "") + "/SimpleNotificationService-test.pem"},
                {"cert-url-host/evil-suffix", "https://sns.us-east-1.amazonaws.com.evil/SimpleNotificationService-test.pem"},
                {"cert-url-host/s3-bucket", "https://sns.s3.amazonaws.com/SimpleNotificationService-test.pem"},
                {"cert-url-host/any-amazonaws", "https://s3.us-east-1.amazonaws.com/sns.us-east-1.amazonaws.com/x.pem"},
                {"cert-url-not-https", signer.certUrl().replace("https://", "http://")},
                // the allowed host, but not SNS's certificate path: nothing else on an SNS host is a certificate
                {"cert-url-path", signer.origin() + "/x.pem"},
                {"cert-url-path/not-hex", signer.origin() + "/SimpleNotificationService-test.pem"},
                {"cert-url-path/query", signer.certUrl() + "?x=1"},
        };
        for (String[] url : certUrls) {
            ObjectNode n = signer.notification(TOPIC, event);
            n.put("SigningCertURL", url[1]);
            forgeries.put(url[0], SnsTestSigner.sign(n, signer.key)); // a valid signature: only the URL is wrong
        }
        // a certificate on the allowed host and path, signature good, but issued to CN=evil.example, not SNS
        ObjectNode otherSubject = signer.notification(TOPIC, event);
        otherSubject.put("SigningCertURL", signer.otherSubjectCertUrl());
        forgeries.put("cert-subject", SnsTestSigner.sign(otherSubject, signer.otherSubjectKey));
        // validly signed, but sent (or captured) longer ago than SNS retries, or dated ahead of this clock
        ObjectNode old = signer.notification(TOPIC, event);
        old.put("Timestamp", Instant.now().minus(Duration.ofMinutes(71)).toString());
        forgeries.put("stale-timestamp", SnsTestSigner.sign(old, signer.key));
        ObjectNode ahead = signer.notification(TOPIC, event);
        ahead.put("Timestamp", Instant.now().plus(Duration.ofMinutes(6)).toString());
        forgeries.put("stale-timestamp/future", SnsTestSigner.sign(ahead, signer.key));
        for (Map.Entry<String, ObjectNode> forgery : forgeries.entrySet()) {
            Answer answer = post(forgery.getValue());
            String reason = forgery.getKey().replaceAll("/.*", "");
            assertEquals(403, answer.status(), forgery.getKey() + ": " + answer.body());
            assertEquals("refused: " + reason + "\n", answer.body(), forgery.getKey());
        }
        assertEquals(2.0, counted("reason", "bad-signature", "status", "403"));
        assertEquals(1.0, counted("reason", "topic-not-allowed"));
        assertEquals(4.0, counted("reason", "cert-url-host"));
        assertEquals(1.0, counted("reason", "cert-url-not-https"));
        assertEquals(3.0, counted("reason", "cert-url-path", "status", "403"));
        assertEquals(1.0, counted("reason", "cert-subject", "status", "403"));
        assertEquals(2.0, counted("reason", "stale-timestamp", "status", "403"));

        // a certificate that cannot be fetched says nothing against the message: 503, SNS retries (a 403 would be
        // final); the failure is remembered briefly, so the retry storm of a flood costs one fetch per URL
        ObjectNode unfetchable = signer.notification(TOPIC, event);
        unfetchable.put("SigningCertURL", signer.origin() + SnsTestSigner.MISSING_PATH);
        SnsTestSigner.sign(unfetchable, signer.key);
        Answer unavailable = post(unfetchable);
        assertEquals(503, unavailable.status(), unavailable.body());
        assertEquals(503, post(unfetchable).status());
        assertEquals(2.0, counted("reason", "cert-unavailable", "status", "503"));

        assertEquals(400, post("{not json", "Notification").status());
        assertEquals(400, post("{\"Type\":\"Notification\"}", "SubscriptionConfirmation").status(), "header and body disagree");
        String huge = "x".repeat(600 * 1024);
        assertEquals(413, post("{\"Type\":\"Notification\",\"Message\":\"" + huge + "\"}", "Notification").status(),
                "over the body cap");
        ObjectNode big = signer.notification(TOPIC, "\"" + "y".repeat(300 * 1024) + "\"");
        assertEquals(413, post(big).status(), "a Message over 256 KiB");
        assertEquals(1.0, counted("reason", "body-too-large", "status", "413"));
        assertEquals(1.0, counted("reason", "message-too-large", "status", "413"));
        assertEquals(0, webhook.requests().size(), "nothing forged or malformed was delivered");
    }

    @Test
    void aSubscriptionIsConfirmedOnlyForAnAllowedTopicAndAnSnsHostAndAnUnsubscriptionIsOnlyCounted() throws Exception {
        start(routesWithWebhook(webhook.url().toString(), 0, 100, 100));
        String confirm = signer.origin() + "/?Action=ConfirmSubscription&TopicArn=" + TOPIC + "&Token=2336412f";

        assertEquals(403, post(signer.confirmation("SubscriptionConfirmation", OTHER_TOPIC, confirm)).status());
        assertEquals(403, post(signer.confirmation("SubscriptionConfirmation", TOPIC, confirm.replace("https:", "http:"))).status());
        assertEquals(403, post(signer.confirmation("SubscriptionConfirmation", TOPIC,
                "https://sns.us-east-1.amazonaws.com.evil/?Action=ConfirmSubscription&Token=1")).status());
        ObjectNode forged = signer.confirmation("SubscriptionConfirmation", TOPIC, confirm);
        forged.put("SubscribeURL", confirm + "&x=1");
        assertEquals(403, post(forged).status(), "SubscribeURL is signed");
        assertEquals(0, signer.confirmations.size(), "nothing refused was fetched");

        Answer confirmed = post(signer.confirmation("SubscriptionConfirmation", TOPIC, confirm));
        assertEquals(200, confirmed.status(), confirmed.body());
        assertEquals(1, signer.confirmations.size());
        assertEquals(1.0, counted("outcome", "confirmed"));

        Answer unsubscribed = post(signer.confirmation("UnsubscribeConfirmation", TOPIC,
                signer.origin() + "/?Action=ConfirmSubscription&Token=2"));
        assertEquals(200, unsubscribed.status());
        assertEquals(1, signer.confirmations.size(), "an unsubscription is not acted on");
        assertEquals(1.0, counted("outcome", "unsubscribe-confirmation"));
        assertEquals(0, webhook.requests().size());
    }

    @Test
    void aDeliveryLongerThanTheBudgetIsAnswered503AndTheRetryJoinsItInsteadOfDeliveringAgain() throws Exception {
        webhook.respondWith(n -> WebhookReceiver.Answer.slow(200, 2500));
        start(routesWithWebhook(webhook.url().toString(), 0, 100, 100), "trailrouter.sns-push.answer-within-millis", "1000");
        ObjectNode notification = signer.notification(TOPIC, apiCallEvent());

        Answer late = post(notification);
        assertEquals(503, late.status(), late.body());
        assertTrue(webhook.requests().isEmpty(), "answered at the budget, while the destination was still taking it");
        // SNS's retries while it is still in flight join it (each waits at most the budget again) until it is done
        int tries = 1;
        Answer retry;
        do {
            retry = post(notification);
            tries++;
        } while (retry.status() == 503 && tries < 6);
        assertEquals(200, retry.status(), retry.body());
        assertEquals(200, post(notification).status());
        assertEquals(1, webhook.requests().size(), "delivered once");
        assertEquals(tries - 1, (int) counted("outcome", "late"), "every answer but the last was 503 at the budget");
    }

    @Test
    void theConcurrencyBoundAnswers503WhenFullAndASlowClientIsCutOff() throws Exception {
        webhook.respondWith(n -> WebhookReceiver.Answer.slow(200, 1500));
        start(routesWithWebhook(webhook.url().toString(), 0, 100, 100), "trailrouter.sns-push.max-concurrent", "1",
                "trailrouter.sns-push.read-timeout-millis", "1000");
        CompletableFuture<Answer> first = CompletableFuture.supplyAsync(() -> {
            try {
                return post(signer.notification(TOPIC, apiCallEvent()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Eventually.within(Duration.ofSeconds(10), "the first delivery under way", () -> !webhook.requests().isEmpty()
                || running.context().getInflightRepository().size() > 0);
        Thread.sleep(200);
        Answer busy = post(signer.notification(TOPIC, apiCallEvent()));
        assertEquals(503, busy.status(), busy.body());
        assertEquals(200, first.get().status());
        assertEquals(1.0, counted("reason", "concurrency-limit"));

        // a client that announces 500 bytes and sends 10
        Instant start = Instant.now();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /sns/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 500\r\n\r\n{\"Type\":\"N").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 503", status, "a retry for SNS, not a final 4xx");
        }
        long waited = Duration.between(start, Instant.now()).toMillis();
        assertTrue(waited >= 900 && waited < 5000, "cut off at the read timeout, after " + waited + " ms");
        assertEquals(1, webhook.requests().size());
        assertEquals(1.0, counted("reason", "read-timeout"));
    }

    @Test
    void aCapturedNotificationOlderThanSnssRetriesIsRefusedEvenWhenItsMessageIdIsForgottenAndAnHourOldRetryIsDelivered()
            throws Exception {
        start(routesWithWebhook(webhook.url().toString(), 0, 100, 100));
        // SNS's last retry of a message: the first attempt's Timestamp, just under its one-hour limit
        ObjectNode lateRetry = signer.notification(TOPIC, apiCallEvent());
        lateRetry.put("Timestamp", Instant.now().minus(Duration.ofMinutes(59)).toString());
        Answer delivered = post(SnsTestSigner.sign(lateRetry, signer.key));
        assertEquals(200, delivered.status(), delivered.body());
        assertEquals(1, webhook.requests().size());

        // a notification captured long ago (its MessageId never seen by this instance: restarted, in-memory dedup)
        ObjectNode captured = signer.notification(TOPIC, apiCallEvent());
        captured.put("Timestamp", Instant.now().minus(Duration.ofHours(3)).toString());
        Answer replay = post(SnsTestSigner.sign(captured, signer.key));
        assertEquals(403, replay.status(), replay.body());
        assertEquals("refused: stale-timestamp\n", replay.body());
        assertEquals(1, webhook.requests().size(), "the replay was not delivered");
    }

    @Test
    void aRequestWhoseDedupCheckRacedAFinishingDeliveryOfTheSameMessageIdDoesNotDeliverItAgain() throws Exception {
        // request A passes the dedup check, then stalls; B delivers the same MessageId, records it and leaves inFlight;
        // A then finds no delivery to join. It must check the store again rather than deliver a second time. (The
        // webhook's own event-id dedup shares this store and would drop a second delivery's event: A's answer, 200
        // "delivered" from a second run instead of "delivered before", is what shows the second run.)
        java.util.concurrent.CountDownLatch aChecked = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch bDone = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger checks = new java.util.concurrent.atomic.AtomicInteger();
        MemoryDeliveredEvents store = new MemoryDeliveredEvents() {
            @Override
            public java.util.Set<String> accepted(String destination, java.util.Collection<String> ids) {
                java.util.Set<String> answer = super.accepted(destination, ids);
                if (checks.getAndIncrement() == 0) { // A's first check: answered "new", then A stalls until B is done
                    aChecked.countDown();
                    try {
                        bDone.await(20, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return answer;
            }
        };
        start(routesWithWebhook(webhook.url().toString(), 0, 100, 100), store);
        ObjectNode notification = signer.notification(TOPIC, apiCallEvent());
        CompletableFuture<Answer> a = CompletableFuture.supplyAsync(() -> {
            try {
                return post(notification);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(aChecked.await(20, java.util.concurrent.TimeUnit.SECONDS), "A reached the dedup check");
        Answer b = post(notification); // SNS's retry, on another connection
        assertEquals(200, b.status(), b.body());
        assertEquals(1, webhook.requests().size());
        bDone.countDown();
        Answer answerA = a.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(200, answerA.status(), answerA.body());
        assertEquals("delivered before\n", answerA.body());
        assertEquals(1, webhook.requests().size(), "delivered once");
        assertEquals(1.0, counted("outcome", "duplicate"));
    }

    @Test
    void aPushIsNeverHeldForAGroupWindowEvenByADestinationThatGroupsQueueMessages() throws Exception {
        // Slack groups queue messages' events for groupWindowMillis; a push notification must not wait for a group
        // (PUSH_NOTIFICATION units never defer: SnsPushes answers from a settled ledger at once)
        Path routes = destination("alerts", "slack", params("name", "alerts", "url", "{{test.slack.url}}",
                "maxEventsPerMessage", "10", "groupWindowMillis", "5000"));
        start(routes, "test.slack.url", webhook.url().toString());
        Instant sent = Instant.now();
        Answer answer = post(signer.notification(TOPIC, apiCallEvent()));
        long millis = Duration.between(sent, answer.at()).toMillis();
        assertEquals(200, answer.status(), answer.body());
        assertTrue(millis < 5000, "answered after " + millis + " ms: held for the group window");
        assertEquals(1, webhook.accepted().size(), "posted to Slack before the answer");
    }

    /** A simple in-memory dedup store, as a durable one would be bound, that can be made to fail. */
    static class MemoryDeliveredEvents implements dev.trailrouter.state.DeliveredEvents {
        final Map<String, java.util.Set<String>> recorded = new java.util.concurrent.ConcurrentHashMap<>();
        volatile boolean down;

        @Override
        public java.util.Set<String> accepted(String destination, java.util.Collection<String> ids) {
            if (down) {
                throw new dev.trailrouter.state.StateStoreException("dedup table unreachable");
            }
            java.util.Set<String> known = recorded.getOrDefault(destination, java.util.Set.of());
            return ids.stream().filter(known::contains).collect(java.util.stream.Collectors.toSet());
        }

        @Override
        public void record(String destination, java.util.Collection<String> ids) {
            recorded.computeIfAbsent(destination, d -> java.util.concurrent.ConcurrentHashMap.newKeySet()).addAll(ids);
        }
    }

    @Test
    void aBoundDedupStoreRecordsTheMessageIdAfterDeliveryAndWhenItCannotAnswerNothingIsDeliveredAndSnsRetries() throws Exception {
        MemoryDeliveredEvents store = new MemoryDeliveredEvents();
        start(routesWithWebhook(webhook.url().toString(), 0, 100, 100), store);
        ObjectNode first = signer.notification(TOPIC, apiCallEvent());
        assertEquals(200, post(first).status());
        assertEquals(java.util.Set.of(first.get("MessageId").asText()), store.recorded.get("sns-push:events"));

        store.down = true;
        ObjectNode second = signer.notification(TOPIC, apiCallEvent());
        Answer unavailable = post(second);
        assertEquals(503, unavailable.status(), "dedup is never skipped silently: SNS retries");
        assertEquals(1, webhook.requests().size());
        assertEquals(1.0, counted("reason", "dedup-unavailable"));

        store.down = false;
        assertEquals(200, post(second).status());
        assertEquals(200, post(first).status(), "a replay, answered from the store");
        assertEquals(2, webhook.requests().size());
        assertEquals(1.0, counted("outcome", "duplicate"));
    }

    @Test
    void theListenerServesTlsItselfWithCamelsOwnSslSettings() throws Exception {
        start(routesWithWebhook(webhook.url().toString(), 0, 100, 100),
                "camel.ssl.enabled", "true",
                "camel.ssl.key-store", "file:" + signer.keystore,
                "camel.ssl.key-store-type", "PKCS12",
                "camel.ssl.keystore-password", SnsTestSigner.PASSWORD,
                "camel.server.use-global-ssl-context-parameters", "true");
        HttpClient tls = HttpClient.newBuilder().sslContext(signer.trust).connectTimeout(Duration.ofSeconds(5)).build();
        ObjectNode notification = signer.notification(TOPIC, apiCallEvent());
        HttpResponse<String> response = tls.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/sns/events"))
                        .timeout(Duration.ofSeconds(20)).header("x-amz-sns-message-type", "Notification")
                        .POST(HttpRequest.BodyPublishers.ofString(notification.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(1, events(webhook.accepted()).size());
        // plain HTTP on the TLS port gets no answer a client could take for SNS's
        assertThrowsAny(() -> post(notification));
        assertEquals(1, webhook.requests().size());
    }

    static void assertThrowsAny(org.junit.jupiter.api.function.Executable call) {
        try {
            call.execute();
        } catch (Throwable expected) {
            return;
        }
        throw new AssertionError("plain HTTP was answered on the TLS listener");
    }
}
