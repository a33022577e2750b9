package dev.trailrouter.deliver;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

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
    /** SNS takes 256 KiB per message including attributes. */
    static final int MAX_MESSAGE_BYTES = 240 * 1024;

    @Override
    public void configure() {
        var template = template(TEMPLATE, "Publishes events to an SNS topic with filterable message attributes")
                .templateParameter("topicArn", null, "the topic's ARN")
                .templateParameter("payload", "event", "event (the whole Event) or summary (without detail)");
        begin(template)
                .setProperty(TOPIC, constant("{{topicArn}}"))
                .setProperty(PAYLOAD, constant("{{payload}}"))
                .filter(simple("${body.size()} > 0"))
                    .split(simple("${collate(10)}"))
                        .setProperty(CHUNK, body())
                        .process(DestinationTemplate::markStart)
                        .process(SnsTemplate::publish)
                    .end()
                .end();
    }

    static void publish(Exchange exchange) throws Exception {
        List<Event> events = events(exchange);
        DeliveryRuntime runtime = DeliveryRuntime.of(exchange);
        ObjectMapper json = runtime.json;
        String topic = exchange.getProperty(TOPIC, String.class);
        boolean summary = "summary".equals(exchange.getProperty(PAYLOAD, "event", String.class));
        List<PublishBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            String message = summary ? json.writeValueAsString(summary(json, event)) : json.writeValueAsString(event);
            if (message.length() > MAX_MESSAGE_BYTES) {
                message = json.writeValueAsString(summary(json, event));
            }
            PublishBatchRequestEntry.Builder entry = PublishBatchRequestEntry.builder()
                    .id(Integer.toString(i)).message(message).messageAttributes(attributes(event));
            if (topic.endsWith(".fifo")) {
                entry.messageGroupId(event.account() == null ? "trailrouter" : event.account())
                        .messageDeduplicationId(event.id().replaceAll("[^A-Za-z0-9_-]", "_"));
            }
            entries.add(entry.build());
        }
        SnsClient sns = runtime.sns(topic);
        PublishBatchResponse response = sns.publishBatch(b -> b.topicArn(topic).publishBatchRequestEntries(entries));
        if (!response.failed().isEmpty()) {
            var failure = response.failed().get(0);
            String reason = response.failed().size() + " of " + entries.size() + " not published: " + failure.code()
                    + " " + failure.message();
            throw Boolean.TRUE.equals(failure.senderFault())
                    ? new IllegalStateException(reason) : new RetryableDeliveryException(reason);
        }
        delivered(exchange, events.size());
    }

    static ObjectNode summary(ObjectMapper json, Event event) {
        ObjectNode node = json.valueToTree(event);
        node.remove("detail");
        return node;
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

    /** A finding's own severity label when it has one; for API calls: error when the call failed, else info. */
    static String severity(Event event) {
        if (event.detail() == null) {
            return "info";
        }
        String label = event.detail().path("severity").path("label").asText("");
        if (!label.isEmpty()) {
            return label.toLowerCase();
        }
        return event.detail().hasNonNull("errorCode") ? "error" : "info";
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
