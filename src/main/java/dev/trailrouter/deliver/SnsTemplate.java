package dev.trailrouter.deliver;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;

import dev.trailrouter.event.Event;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;

/**
 * The {@code sns} destination: publishes each event (or a compact summary without {@code detail}) to a topic, ten per
 * PublishBatch call, with the message attributes {@code kind}, {@code name}, {@code account}, {@code region} and
 * {@code severity} so subscribers can filter with SNS filter policies. An event too large for SNS is sent as its
 * summary. FIFO topics get the account as message group and the event id as deduplication id. Publishes through the
 * {@code aws2-sns} endpoint in batch mode. Parameters: {@code destination-types/sns.json}.
 */
public final class SnsTemplate extends DestinationTemplate {

    public static final String TEMPLATE = "sns";
    /**
     * SNS takes 256 KiB per message including attributes, and 256 KiB for a whole PublishBatch request: a message
     * over this is sent as its summary, and a batch is cut where the next message would take it over this.
     */
    static final int MAX_BYTES = 240 * 1024;

    @Override
    public void configure() {
        var template = template(TEMPLATE, SnsTemplate::endpoint);
        begin(template)
                .split(simple("${collate(10)}")).id("chunks")
                    .setProperty(CHUNK, body())
                    .process(SnsTemplate::requests).id("render")
                    .split(body()).id("requests")
                        .setProperty(CHUNK, simple("${body.events}"))
                        .process(DestinationFailure::checkEarlier).id("gave-up-earlier")
                        .setBody(simple("${body.entries}"))
                        .process(DestinationTemplate::markStart)
                        .to("{{endpoint}}").id("publish")
                        .process(SnsTemplate::checkResponse).id("check")
                        .process(exchange -> delivered(exchange, exchange.getProperty(CHUNK, List.class))).id("delivered")
                    .end()
                .end();
    }

    /** {@code aws2-sns} in batch mode, with a client for the topic's own region (from its ARN). */
    static String endpoint(CamelContext context, Destination destination) {
        String topic = destination.value("topicArn");
        String client = "trailrouterSns-" + destination.name();
        context.getRegistry().bind(client, DeliveryRuntime.of(context).sns(topic, destination));
        return "aws2-sns://" + topic + "?amazonSNSClient=#" + client + "&autoCreateTopic=false&batchEnabled=true";
    }

    /** One PublishBatch request and the events it carries. */
    public record Request(List<Event> events, List<PublishBatchRequestEntry> entries) {
    }

    /** The chunk's PublishBatch requests (usually one; more when ten large events would exceed its size). */
    static void requests(Exchange exchange) throws Exception {
        Destination destination = Destination.of(exchange);
        List<Event> events = events(exchange);
        String topic = destination.value("topicArn");
        boolean summary = "summary".equals(destination.value("payload"));
        List<Request> requests = new ArrayList<>();
        int from = 0;
        for (List<PublishBatchRequestEntry> batch : batches(DeliveryRuntime.of(exchange).json, events, topic, summary)) {
            List<PublishBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) { // each entry's id is its event's index in the request
                entries.add(batch.get(i).toBuilder().id(Integer.toString(i)).build());
            }
            requests.add(new Request(events.subList(from, from + batch.size()), entries));
            from += batch.size();
        }
        exchange.getIn().setBody(requests);
    }

    /**
     * A request SNS took only in part: the entries it accepted are counted as delivered, and the failed ones become
     * the batch that goes to the dead letters (or keeps the unit, whose redelivery publishes them again). They are not
     * retried in the route: a retry would re-run this check, not the publish. Partial failures are rare; SNS answers
     * throttling and its own faults for the whole request, which is retried.
     */
    @SuppressWarnings("unchecked")
    static void checkResponse(Exchange exchange) {
        PublishBatchResponse response = exchange.getIn().getBody(PublishBatchResponse.class);
        if (response == null || response.failed().isEmpty()) {
            return;
        }
        List<Event> events = exchange.getProperty(CHUNK, List.class);
        List<Event> failed = new ArrayList<>();
        for (var entry : response.failed()) {
            failed.add(events.get(Integer.parseInt(entry.id())));
        }
        if (!response.successful().isEmpty()) {
            List<Event> published = new ArrayList<>();
            for (var entry : response.successful()) {
                published.add(events.get(Integer.parseInt(entry.id())));
            }
            delivered(exchange, published);
        }
        exchange.setProperty(CHUNK, failed);
        var first = response.failed().get(0);
        throw new IllegalStateException(response.failed().size() + " of " + events.size() + " not published: "
                + first.code() + " " + first.message());
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
}
