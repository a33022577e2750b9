package dev.trailrouter.deliver;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;

import dev.trailrouter.event.Event;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;

/**
 * The {@code sns} destination: publishes each event (or a compact summary without {@code detail}) to a topic, ten per
 * PublishBatch call, with the message attributes {@code kind}, {@code name}, {@code account}, {@code region} and
 * {@code severity} so subscribers can filter with SNS filter policies. An event too large for SNS is sent as its
 * summary. FIFO topics get the account as message group and the event id as deduplication id.
 */
public final class SnsTemplate extends DestinationTemplate {

    public static final String TEMPLATE = "sns";
    static final String TOPIC = "trailrouterSnsTopic";
    static final String PAYLOAD = "trailrouterSnsPayload";
    /**
     * SNS takes 256 KiB per message including attributes, and 256 KiB for a whole PublishBatch request: a message
     * over this is sent as its summary, and a batch is cut where the next message would take it over this.
     */
    static final int MAX_BYTES = 240 * 1024;

    @Override
    public void configure() {
        var template = template(TEMPLATE, "Publishes events to an SNS topic with filterable message attributes")
                .templateParameter("topicArn", null, "the topic's ARN")
                .templateParameter("payload", "event", "event (the whole Event) or summary (without detail)");
        begin(template)
                .setProperty(TOPIC, constant("{{topicArn}}"))
                .setProperty(PAYLOAD, constant("{{payload}}"))
                .split(simple("${collate(10)}"))
                    .setProperty(CHUNK, body())
                    .process(DestinationTemplate::markStart)
                    .process(SnsTemplate::publish)
                .end();
    }

    static void publish(Exchange exchange) throws Exception {
        List<Event> events = events(exchange);
        DeliveryRuntime runtime = DeliveryRuntime.of(exchange);
        ObjectMapper json = runtime.json;
        String topic = exchange.getProperty(TOPIC, String.class);
        boolean summary = "summary".equals(exchange.getProperty(PAYLOAD, "event", String.class));
        SnsClient sns = runtime.sns(topic);
        for (List<PublishBatchRequestEntry> batch : batches(json, events, topic, summary)) {
            publishBatch(sns, topic, batch);
        }
        delivered(exchange, events.size());
    }

    static ObjectNode summary(ObjectMapper json, Event event) {
        ObjectNode node = json.valueToTree(event);
        node.remove("detail");
        return node;
    }

    /**
     * The PublishBatch requests for these events (at most 10 of them): an event over {@link #MAX_BYTES} as its
     * summary, and a new request wherever the next message would take the request over {@link #MAX_BYTES}.
     */
    static List<List<PublishBatchRequestEntry>> batches(ObjectMapper json, List<Event> events, String topic,
                                                        boolean summary) throws Exception {
        List<List<PublishBatchRequestEntry>> batches = new ArrayList<>();
        List<PublishBatchRequestEntry> entries = new ArrayList<>();
        int batchBytes = 0;
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            String message = summary ? json.writeValueAsString(summary(json, event)) : json.writeValueAsString(event);
            Map<String, MessageAttributeValue> attributes = attributes(event);
            int bytes = utf8Length(message) + attributeBytes(attributes);
            if (bytes > MAX_BYTES) {
                message = json.writeValueAsString(summary(json, event));
                bytes = utf8Length(message) + attributeBytes(attributes);
            }
            if (!entries.isEmpty() && batchBytes + bytes > MAX_BYTES) {
                batches.add(entries);
                entries = new ArrayList<>();
                batchBytes = 0;
            }
            PublishBatchRequestEntry.Builder entry = PublishBatchRequestEntry.builder()
                    .id(Integer.toString(i)).message(message).messageAttributes(attributes);
            if (topic.endsWith(".fifo")) {
                entry.messageGroupId(event.account() == null ? "trailrouter" : event.account())
                        .messageDeduplicationId(event.id().replaceAll("[^A-Za-z0-9_-]", "_"));
            }
            entries.add(entry.build());
            batchBytes += bytes;
        }
        if (!entries.isEmpty()) {
            batches.add(entries);
        }
        return batches;
    }

    private static void publishBatch(SnsClient sns, String topic, List<PublishBatchRequestEntry> entries) {
        PublishBatchResponse response = sns.publishBatch(b -> b.topicArn(topic).publishBatchRequestEntries(entries));
        if (!response.failed().isEmpty()) {
            var failure = response.failed().get(0);
            String reason = response.failed().size() + " of " + entries.size() + " not published: " + failure.code()
                    + " " + failure.message();
            throw Boolean.TRUE.equals(failure.senderFault())
                    ? new IllegalStateException(reason) : new RetryableDeliveryException(reason);
        }
    }

    static int utf8Length(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    private static int attributeBytes(Map<String, MessageAttributeValue> attributes) {
        int bytes = 0;
        for (var attribute : attributes.entrySet()) {
            bytes += utf8Length(attribute.getKey()) + utf8Length(attribute.getValue().dataType())
                    + utf8Length(attribute.getValue().stringValue());
        }
        return bytes;
    }

    static Map<String, MessageAttributeValue> attributes(Event event) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        put(attributes, "kind", event.kind());
        put(attributes, "name", event.name());
        put(attributes, "account", event.account());
        put(attributes, "region", event.region());
        put(attributes, "severity", severity(event));
        return attributes;
    }

    /**
     * A finding's severity: Security Hub's {@code Severity.Label} (ASFF), or GuardDuty's numeric {@code severity} by
     * GuardDuty's bands (low below 4, medium below 7, high below 9, critical from 9), in lower case. For an API call:
     * error when it failed, else info.
     */
    static String severity(Event event) {
        JsonNode detail = event.detail();
        if (detail == null) {
            return "info";
        }
        String label = detail.path("Severity").path("Label").asText("");
        if (!label.isEmpty()) {
            return label.toLowerCase(java.util.Locale.ROOT);
        }
        JsonNode score = detail.path("severity");
        if (score.isNumber()) {
            double s = score.asDouble();
            return s >= 9 ? "critical" : s >= 7 ? "high" : s >= 4 ? "medium" : "low";
        }
        return detail.hasNonNull("errorCode") ? "error" : "info";
    }

    private static void put(Map<String, MessageAttributeValue> attributes, String name, String value) {
        if (value != null && !value.isBlank()) {
            attributes.put(name, MessageAttributeValue.builder().dataType("String").stringValue(value).build());
        }
    }

    static void check(Map<String, String> params, UnaryOperator<String> resolve) {
        String arn = resolve.apply(params.get("topicArn"));
        if (!arn.matches("arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]+(\\.fifo)?")) {
            throw new IllegalArgumentException("parameter 'topicArn' is not an SNS topic ARN: '" + arn + "'");
        }
        String payload = params.getOrDefault("payload", "event");
        if (!payload.equals("event") && !payload.equals("summary")) {
            throw new IllegalArgumentException("parameter 'payload' must be event or summary, got '" + payload + "'");
        }
    }
}
