package dev.trailrouter.event;

import com.fasterxml.jackson.databind.JsonNode;

/** Turns one CloudTrail record into an {@link Event}; the record itself becomes {@code detail}, untouched. */
public final class CloudTrailEvents {

    public static final String KIND = "cloudtrail";

    private CloudTrailEvents() {
    }

    public static Event fromRecord(JsonNode record, Origin origin) {
        JsonNode identity = record.path("userIdentity");
        return new Event(
                text(record, "eventID").orElseGet(() -> contentHash(origin, record)),
                text(record, "eventTime").orElse(null),
                KIND,
                text(record, "recipientAccountId").or(() -> text(identity, "accountId")).orElse(null),
                text(record, "awsRegion").orElse(null),
                text(record, "eventSource").orElse(null),
                text(record, "eventName").orElse(null),
                actor(identity),
                text(record, "sourceIPAddress").orElse(null),
                record.path("readOnly").isBoolean() ? record.path("readOnly").asBoolean() : null,
                origin,
                record);
    }

    /** Principal ARN when there is one; for assumed roles the session issuer is less useful than the session ARN. */
    static String actor(JsonNode identity) {
        return text(identity, "arn")
                .or(() -> text(identity, "userName"))
                .or(() -> text(identity, "principalId"))
                .or(() -> text(identity, "invokedBy"))
                .orElse(null);
    }

    private static java.util.Optional<String> text(JsonNode node, String field) {
        return EventIds.text(node, field);
    }

    /** Same origin and same content give the same id, so a redelivered message yields the same ids. */
    static String contentHash(Origin origin, JsonNode record) {
        return EventIds.contentHash(origin, record.toString());
    }

    /**
     * Whether a JSON object is a CloudTrail record (from a log file, EventBridge or CloudWatch Logs). Insights events
     * are records too, though they have no top-level eventSource or eventName (those are in insightDetails).
     */
    public static boolean isRecord(JsonNode node) {
        return node != null && node.isObject() && node.hasNonNull("eventVersion")
                && ((node.hasNonNull("eventSource") && (node.hasNonNull("eventName") || node.hasNonNull("eventCategory")))
                    || "AwsCloudTrailInsight".equals(node.path("eventType").asText()));
    }
}
