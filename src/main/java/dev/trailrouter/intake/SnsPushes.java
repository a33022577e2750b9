package dev.trailrouter.intake;

import static dev.trailrouter.observe.LogFields.field;
import static dev.trailrouter.observe.LogFields.only;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.trailrouter.decode.DecodedMessage;
import dev.trailrouter.decode.EnvelopeDecoder;
import dev.trailrouter.decode.RejectedInputException;
import dev.trailrouter.ledger.DeliveryLedger;
import dev.trailrouter.ledger.UnitKind;
import dev.trailrouter.ledger.Verdict;
import dev.trailrouter.observe.LogSafe;
import dev.trailrouter.observe.PipelineMetrics;
import dev.trailrouter.state.DeliveredEvents;
import dev.trailrouter.state.StateStoreException;

/**
 * What one SNS push endpoint does with a request, in order: parse, check the topic against the endpoint's allow-list,
 * check the Timestamp is within SNS's retry horizon (a replay of an old capture is refused however long ago its
 * MessageId was forgotten), verify the signature (always; {@link SnsSignatures}), then act on the message type —
 * confirm a subscription, log an unsubscription, or deliver a notification — and answer with the status SNS acts on:
 * <ul>
 *   <li>2xx only when the notification's {@link DeliveryLedger} (kind PUSH_NOTIFICATION) says done: every destination
 *       accepted or dead-lettered its events; or when its MessageId was delivered before (dedup);</li>
 *   <li>5xx when SNS must try again: a destination failed without a dead-letter target (500), the endpoint is at its
 *       concurrency bound, the dedup store cannot answer, the signing certificate cannot be fetched just now, or
 *       delivery outlasted the answer budget (503);</li>
 *   <li>4xx when trying again cannot help (SNS does not retry a 4xx; it moves the message to the subscription's DLQ
 *       when it has one): 400 malformed or undecodable, 403 forged, stale or not allowed, 413 too large.</li>
 * </ul>
 *
 * <p><b>The 15 s budget.</b> SNS waits 15 s for an answer and then counts the attempt failed. A notification whose
 * delivery is still running after {@code answer-within-millis} (12 s) is answered 503 and keeps running; its MessageId
 * stays "in flight" until the ledger decides. SNS's retry (20 s later by default) then joins the running delivery
 * instead of starting a second one, and once it is done the MessageId is recorded and every later retry is answered
 * 200 from dedup. So a slow destination costs SNS a retry, never a duplicate from this instance, and nothing is
 * acknowledged before it was delivered. A spool-then-2xx design was rejected: it acknowledges before delivery and
 * needs a second durable store with its own recovery.
 */
final class SnsPushes {

    private static final Logger LOG = LoggerFactory.getLogger("dev.trailrouter.intake");

    /** The status, the outcome counted, a metric-safe reason and a one-line text for the answer's body. */
    record Answer(int status, String outcome, String reason, String text) {
        static Answer of(int status, String outcome, String reason, String text) {
            return new Answer(status, outcome, reason == null ? "-" : reason, text);
        }
    }

    /**
     * A delivery's end: the ledger's verdict and the ledger itself (for the outcome line); or {@link #BEFORE}: the
     * MessageId turned out to be delivered already, nothing was run.
     */
    record Delivered(Verdict verdict, DeliveryLedger ledger, boolean before) {
        static final Delivered BEFORE = new Delivered(null, null, true);

        Delivered(Verdict verdict, DeliveryLedger ledger) {
            this(verdict, ledger, false);
        }
    }

    private final SnsPushSettings.Endpoint endpoint;
    private final SnsPushSettings settings;
    private final SigningCertificates certificates;
    private final SnsHttp http;
    private final ObjectMapper json;
    private final EnvelopeDecoder decoder;
    private final PipelineMetrics metrics;
    private final DeliveredEvents delivered;
    private final CamelContext context;
    private final ProducerTemplate producer;
    private final ExecutorService executor;
    private final Semaphore permits;
    private final Clock clock;
    private final Map<String, CompletableFuture<Delivered>> inFlight = new ConcurrentHashMap<>();

    /** Refusals that say the certificate could not be had now, not that the message is bad: 503, SNS retries. */
    static final java.util.Set<String> RETRYABLE = java.util.Set.of("cert-unavailable", "cert-fetch-busy");

    SnsPushes(SnsPushSettings.Endpoint endpoint, SnsPushSettings settings, SigningCertificates certificates, SnsHttp http,
              ObjectMapper json, EnvelopeDecoder decoder, PipelineMetrics metrics, DeliveredEvents delivered,
              CamelContext context, ProducerTemplate producer, ExecutorService executor, Semaphore permits, Clock clock) {
        this.endpoint = endpoint;
        this.settings = settings;
        this.certificates = certificates;
        this.http = http;
        this.json = json;
        this.decoder = decoder;
        this.metrics = metrics;
        this.delivered = delivered;
        this.context = context;
        this.producer = producer;
        this.executor = executor;
        this.permits = permits;
        this.clock = clock;
    }

    /** The route's one step: answers the request in the exchange (status, a one-line text body, no request headers). */
    void handle(Exchange exchange) {
        Answer answer;
        try {
            answer = answer(exchange.getIn().getBody(String.class),
                    exchange.getIn().getHeader("x-amz-sns-message-type", String.class));
        } catch (RuntimeException e) {
            // a bug or an unexpected failure: SNS tries again, nothing is acknowledged
            LOG.warn("sns-push {} failed: {}", field("endpoint", endpoint.name()), LogSafe.rootCause(e));
            LOG.debug("sns-push failure", e);
            answer = Answer.of(500, "failed", "internal", "failed");
        }
        count(answer);
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, answer.status());
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getMessage().setBody(answer.text() + "\n");
    }

    Answer answer(String body, String typeHeader) {
        if (body == null || body.isBlank()) {
            return refusedAsMalformed("empty", "empty body");
        }
        JsonNode message;
        try {
            message = json.readTree(body);
        } catch (IOException | NumberFormatException e) { // 1e2147483648 is not an IOException: see RejectedInputException.in
            return refusedAsMalformed("malformed-json", "body is not JSON");
        }
        if (message == null || !message.isObject() || !message.path("Type").isTextual()) {
            return refusedAsMalformed("not-sns", "body is not an SNS message (no Type)");
        }
        String type = message.get("Type").asText();
        if (typeHeader != null && !typeHeader.equals(type)) {
            return refusedAsMalformed("type-mismatch", "x-amz-sns-message-type " + LogSafe.brief(typeHeader) + " is not the body's Type");
        }
        String topic = message.path("TopicArn").asText("");
        String messageId = message.path("MessageId").asText("");
        if (!endpoint.topics().contains(topic)) {
            return refused("topic-not-allowed", message, "topic " + topic + " is not in " + SnsPushSettings.PREFIX
                    + endpoint.name() + ".topics");
        }
        try {
            fresh(message);
            X509Certificate certificate = certificates.certificate(SnsSignatures.text(message, "SigningCertURL"));
            SnsSignatures.verify(message, certificate, clock.instant());
        } catch (SnsSignatures.Refused e) {
            if (RETRYABLE.contains(e.reason())) {
                // the certificate could not be had just now: that says nothing against the message, SNS tries again
                LOG.warn("{} {} {} not verified yet, SNS will try again: {}", field("endpoint", endpoint.name()),
                        field("messageId", "message", LogSafe.brief(messageId)), field("topic", topic), LogSafe.brief(e.getMessage()),
                        only("outcome", "retry"));
                return Answer.of(503, "retry", e.reason(), "signing certificate unavailable, try again");
            }
            return refused(e.reason(), message, e.getMessage());
        }
        return switch (type) {
            case "Notification" -> notification(message, body, messageId, topic);
            case "SubscriptionConfirmation" -> confirm(message, topic);
            case "UnsubscribeConfirmation" -> {
                LOG.warn("{} {} {} unsubscribed: SNS confirmed an Unsubscribe of this endpoint from the topic; nothing "
                        + "more arrives from it until it is subscribed again", field("endpoint", endpoint.name()),
                        field("topic", topic), field("messageId", "message", messageId),
                        only("outcome", "unsubscribe-confirmation"));
                yield Answer.of(200, "unsubscribe-confirmation", null, "unsubscribe confirmation noted");
            }
            default -> refusedAsMalformed("unknown-type", "Type " + LogSafe.brief(type) + " is not an SNS HTTP message type");
        };
    }

    /**
     * Refuses a message whose (signed) Timestamp is older than {@code max-message-age-millis} or further ahead than
     * {@code max-clock-skew-millis}. MessageId dedup alone cannot stop a replay: an id is forgotten after the store's
     * TTL, after a restart without a durable store, or after {@value RecentMessageIds#CAPACITY} newer ids; a captured
     * notification replayed then would be delivered again. SNS retries a delivery for at most an hour (its delivery
     * policy's limit) and every retry carries the first attempt's Timestamp, so a genuine message is never older than
     * that plus clock skew; the dedup TTL is checked at start-up to outlast this window, so every message young
     * enough to pass is one whose id is still remembered. Checked before the certificate is fetched: a stale replay
     * costs nothing.
     */
    private void fresh(JsonNode message) {
        java.time.Instant sent;
        try {
            sent = java.time.Instant.parse(SnsSignatures.text(message, "Timestamp"));
        } catch (java.time.format.DateTimeParseException e) {
            throw new SnsSignatures.Refused("bad-timestamp", "Timestamp " + LogSafe.brief(message.path("Timestamp").asText())
                    + " is not an ISO-8601 instant");
        }
        java.time.Instant now = clock.instant();
        if (sent.isBefore(now.minus(settings.maxMessageAge()))) {
            throw new SnsSignatures.Refused("stale-timestamp", "Timestamp " + sent + " is older than "
                    + SnsPushSettings.PREFIX + "max-message-age-millis=" + settings.maxMessageAge().toMillis()
                    + " (SNS stops retrying within an hour): a replay");
        }
        if (sent.isAfter(now.plus(settings.maxClockSkew()))) {
            throw new SnsSignatures.Refused("stale-timestamp", "Timestamp " + sent + " is more than "
                    + SnsPushSettings.PREFIX + "max-clock-skew-millis=" + settings.maxClockSkew().toMillis()
                    + " ahead of this host's clock (" + now + ")");
        }
    }

    private Answer confirm(JsonNode message, String topic) {
        URI subscribe;
        try {
            subscribe = SnsSignatures.snsUrl(SnsSignatures.text(message, "SubscribeURL"), settings.certHost(), "subscribe-url");
        } catch (SnsSignatures.Refused e) {
            return refused(e.reason(), message, e.getMessage());
        }
        if (subscribe.getRawQuery() == null || !subscribe.getRawQuery().contains("Action=ConfirmSubscription")) {
            return refused("subscribe-url-action", message, "SubscribeURL does not confirm a subscription");
        }
        try {
            http.get(subscribe);
        } catch (IOException e) {
            // the URL carries the subscription's token: only its host is logged
            LOG.warn("{} {} subscription confirmation failed: GET of SubscribeURL on {}: {} (SNS does not resend it: "
                    + "confirm from the console or call ConfirmSubscription)", field("endpoint", endpoint.name()),
                    field("topic", topic), subscribe.getHost(), LogSafe.oneLine(e.getMessage()),
                    only("outcome", "confirm-failed"));
            return Answer.of(502, "confirm-failed", "subscribe-url-unavailable", "subscription not confirmed");
        }
        LOG.info("{} {} subscription confirmed (GET of SubscribeURL on {})", field("endpoint", endpoint.name()),
                field("topic", topic), subscribe.getHost(), only("outcome", "confirmed"));
        return Answer.of(200, "confirmed", null, "subscription confirmed");
    }

    private Answer notification(JsonNode message, String body, String messageId, String topic) {
        long messageBytes = message.path("Message").asText("").getBytes(StandardCharsets.UTF_8).length;
        if (messageBytes > settings.maxMessageBytes()) {
            return refused(413, "message-too-large", message, "Message is " + messageBytes + " bytes, more than "
                    + SnsPushSettings.PREFIX + "max-message-bytes=" + settings.maxMessageBytes());
        }
        try {
            if (delivered.accepted(endpoint.dedupKey(), List.of(messageId)).contains(messageId)) {
                LOG.debug("sns-push endpoint={} message={} delivered before: acknowledged again", endpoint.name(), messageId);
                return Answer.of(200, "duplicate", null, "delivered before");
            }
        } catch (StateStoreException e) {
            LOG.warn("{} {} dedup store cannot answer, SNS will try again: {}", field("endpoint", endpoint.name()),
                    field("messageId", "message", messageId), LogSafe.oneLine(e.getMessage()),
                    only("outcome", "dedup-unavailable"));
            return Answer.of(503, "retry", "dedup-unavailable", "dedup store unavailable, try again");
        }
        CompletableFuture<Delivered> delivery = inFlight.get(messageId);
        boolean joined = delivery != null;
        if (!joined) {
            if (!permits.tryAcquire()) {
                return Answer.of(503, "busy", "concurrency-limit", "busy, try again");
            }
            CompletableFuture<Delivered> started = new CompletableFuture<>();
            delivery = inFlight.putIfAbsent(messageId, started);
            if (delivery != null) { // the same MessageId started on another thread just now: join it
                permits.release();
                joined = true;
            } else {
                delivery = started;
                // Checked again now that this request owns the MessageId: between the check above and putIfAbsent,
                // another request may have delivered it, recorded it and left inFlight (record comes before remove).
                // Without this a second delivery would start; with it, whoever joined `started` meanwhile is
                // answered as a duplicate too.
                Answer before = deliveredBefore(messageId, started);
                if (before != null) {
                    return before;
                }
                try {
                    executor.execute(() -> deliver(body, messageId, topic, started));
                } catch (RejectedExecutionException stopping) {
                    inFlight.remove(messageId, started);
                    permits.release();
                    return Answer.of(503, "busy", "stopping", "stopping, try again");
                }
            }
        }
        Delivered result;
        try {
            result = delivery.get(settings.answerWithin().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("{} {} {} still being delivered after {} ms: answered 503 so SNS tries again; the retry joins "
                    + "this delivery and is acknowledged once it is done", field("endpoint", endpoint.name()),
                    field("messageId", "message", messageId), field("topic", topic), settings.answerWithin().toMillis(),
                    only("outcome", "late"));
            return Answer.of(503, "late", "answer-budget", "still delivering, try again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Answer.of(503, "retry", "interrupted", "stopping, try again");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StateStoreException) {
                return Answer.of(503, "retry", "dedup-unavailable", "dedup store unavailable, try again");
            }
            return Answer.of(500, "failed", "internal", "failed");
        }
        if (result.before()) {
            return Answer.of(200, "duplicate", null, "delivered before");
        }
        Verdict verdict = result.verdict();
        return switch (verdict.decision()) {
            case DONE -> joined ? Answer.of(200, "duplicate", null, "delivered") : Answer.of(200, "delivered", null, "delivered");
            case RETRY -> Answer.of(500, "retry", "destination-failed", "not delivered, try again");
            case REJECT -> Answer.of(400, "rejected", verdict.reason(), "rejected: " + verdict.reason());
        };
    }

    /**
     * The second dedup check, made by the request that owns {@code started}: null when the MessageId is still new
     * (deliver it), else the answer, after giving back the MessageId and the permit and completing {@code started} so
     * that a request that joined it meanwhile gets the same answer.
     */
    private Answer deliveredBefore(String messageId, CompletableFuture<Delivered> started) {
        boolean before;
        try {
            before = delivered.accepted(endpoint.dedupKey(), List.of(messageId)).contains(messageId);
        } catch (StateStoreException e) {
            inFlight.remove(messageId, started);
            permits.release();
            started.completeExceptionally(e);
            LOG.warn("{} {} dedup store cannot answer, SNS will try again: {}", field("endpoint", endpoint.name()),
                    field("messageId", "message", messageId), LogSafe.oneLine(e.getMessage()),
                    only("outcome", "dedup-unavailable"));
            return Answer.of(503, "retry", "dedup-unavailable", "dedup store unavailable, try again");
        }
        if (!before) {
            return null;
        }
        inFlight.remove(messageId, started);
        permits.release();
        started.complete(Delivered.BEFORE);
        LOG.debug("sns-push endpoint={} message={} delivered meanwhile by another request: acknowledged", endpoint.name(),
                messageId);
        return Answer.of(200, "duplicate", null, "delivered before");
    }

    /**
     * Runs the notification through the same decoding and delivery as an SQS message, in an exchange of its own that
     * carries its ledger, off the HTTP thread (so the answer can be given at the budget while delivery goes on).
     */
    private void deliver(String body, String messageId, String topic, CompletableFuture<Delivered> done) {
        Exchange exchange = new DefaultExchange(context);
        DeliveryLedger ledger = DeliveryLedger.open(exchange, endpoint.source(), messageId, UnitKind.PUSH_NOTIFICATION);
        ledger.original(body);
        try {
            DecodedMessage decoded = decoder.decode(body);
            ledger.shape("sns-push/" + decoded.shape().name().toLowerCase(java.util.Locale.ROOT));
            String stage = switch (decoded.shape()) {
                case EVENTBRIDGE -> "direct:decode-eventbridge";
                case CLOUDWATCH_LOGS -> "direct:decode-cloudwatch";
                case S3_TEST_EVENT -> null;
                default -> throw new RejectedInputException("unsupported-shape", "the push intake takes events carried "
                        + "in the notification (EventBridge, CloudWatch Logs); " + decoded.shape().name().toLowerCase(
                        java.util.Locale.ROOT) + " names S3 objects: subscribe an SQS queue to that topic instead");
            };
            if (stage != null) {
                exchange.getIn().setBody(decoded);
                producer.send(stage, exchange);
                IntakeUnits.caught(ledger, exchange.getException());
            }
        } catch (RuntimeException e) {
            RejectedInputException rejected = RejectedInputException.in(e);
            if (rejected != null) {
                ledger.reject(rejected.reason(), rejected.getMessage());
            } else {
                ledger.failedToProcess(LogSafe.rootCause(e));
            }
        }
        Verdict verdict = null;
        try {
            // PUSH_NOTIFICATION units never defer (UnitKind.mayDefer is false: DeliveryLedger.deferred refuses them,
            // and the one destination that groups, Slack, delivers at once for them), so settled() is complete here.
            // Should that ever change, this must not block a delivery thread on a group: it is a bug, answered 500.
            CompletableFuture<Void> settled = ledger.settled();
            if (!settled.isDone()) {
                throw new IllegalStateException("a push notification's ledger waits for deferred deliveries");
            }
            verdict = ledger.verdict();
            if (verdict.done()) {
                try {
                    delivered.record(endpoint.dedupKey(), List.of(messageId));
                } catch (RuntimeException e) { // StateStoreException, or a store refusing the id
                    // delivered: the 2xx stands; a retry SNS would not make is the only thing left unguarded
                    LOG.warn("{} {} delivered, but its MessageId could not be recorded for dedup: {}",
                            field("endpoint", endpoint.name()), field("messageId", "message", messageId),
                            LogSafe.oneLine(e.getMessage()));
                }
            }
            outcome(ledger, verdict, topic);
        } catch (RuntimeException e) {
            LOG.error("{} {} delivery failed, answered 500 (SNS retries): {}", field("endpoint", endpoint.name()),
                    field("messageId", "message", messageId), LogSafe.rootCause(e), only("outcome", "failed"));
        } finally {
            inFlight.remove(messageId, done);
            permits.release();
            // whatever happened above, the requests waiting on it are answered (a failure: 500, SNS retries)
            if (verdict != null) {
                done.complete(new Delivered(verdict, ledger));
            } else {
                done.completeExceptionally(new IllegalStateException("no verdict"));
            }
        }
    }

    private void outcome(DeliveryLedger ledger, Verdict verdict, String topic) {
        switch (verdict.decision()) {
            case DONE -> LOG.info("{} {} {} {} {} {} delivered", field("endpoint", endpoint.name()),
                    field("messageId", "message", ledger.unitId()), field("topic", topic), field("shape", ledger.shape()),
                    field("events", ledger.events()), field("millis", ledger.millis()), only("outcome", "done"));
            case RETRY -> LOG.warn("{} {} {} {} {} not delivered, SNS tries again: {} {}", field("endpoint", endpoint.name()),
                    field("messageId", "message", ledger.unitId()), field("shape", ledger.shape()),
                    field("events", ledger.events()), field("millis", ledger.millis()), LogSafe.oneLine(verdict.reason()),
                    ledger.summary(), only("outcome", "failed"), only("reason", LogSafe.oneLine(verdict.reason())));
            case REJECT -> LOG.warn("{} {} {} rejected {} detail=\"{}\" (answered 400: SNS moves it to the "
                            + "subscription's dead-letter queue when it has one)", field("endpoint", endpoint.name()),
                    field("messageId", "message", ledger.unitId()), field("topic", topic),
                    field("reason", verdict.reason()), LogSafe.oneLine(verdict.detail()), only("outcome", "rejected"));
        }
    }

    private Answer refused(String reason, JsonNode message, String detail) {
        return refused(403, reason, message, detail);
    }

    private Answer refused(int status, String reason, JsonNode message, String detail) {
        LOG.warn("{} {} {} refused ({}) {}: {}", field("endpoint", endpoint.name()),
                field("messageId", "message", LogSafe.brief(message.path("MessageId").asText("-"))),
                field("topic", LogSafe.brief(message.path("TopicArn").asText("-"))), status, field("reason", reason),
                LogSafe.brief(detail), only("outcome", "refused"));
        return Answer.of(status, "refused", reason, "refused: " + reason);
    }


    private Answer refusedAsMalformed(String reason, String detail) {
        LOG.warn("{} refused (400) {}: {}", field("endpoint", endpoint.name()), field("reason", reason),
                LogSafe.oneLine(detail), only("outcome", "refused"));
        return Answer.of(400, "refused", reason, "refused: " + reason);
    }

    private void count(Answer answer) {
        metrics.snsPush(endpoint.name(), answer.outcome(), answer.reason(), answer.status());
    }

    /** MessageIds whose delivery is running (for the stop and for tests). */
    int inFlight() {
        return inFlight.size();
    }
}
