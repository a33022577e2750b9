package dev.trailrouter.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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

    /**
     * The top-level fields of a record that {@link #fromCopy} reads, in the order of its {@code top} array: what
     * {@link #fromRecord} reads with {@code record.path(…)}, besides {@code readOnly} and {@code userIdentity}.
     */
    public static final java.util.List<String> TOP_FIELDS = java.util.List.of(
            "eventID", "eventTime", "recipientAccountId", "awsRegion", "eventSource", "eventName", "sourceIPAddress");
    /** The fields of {@code userIdentity} that {@link #fromCopy} reads, in the order of its {@code identity} array. */
    public static final java.util.List<String> IDENTITY_FIELDS = java.util.List.of(
            "accountId", "arn", "userName", "principalId", "invokedBy");

    /**
     * The same Event as {@link #fromRecord} for a record kept as its JSON bytes instead of built as a tree: the fields
     * come from the reader's own pass over the record, each as {@link EventIds#text} would have given it (a scalar's
     * text; null when absent, null, empty or not a scalar). A record without an eventID is parsed to hash it, as
     * {@link #contentHash} did with the tree.
     *
     * @param top      the values of {@link #TOP_FIELDS}
     * @param identity the values of {@link #IDENTITY_FIELDS} when {@code userIdentity} is an object, else nulls
     * @param readOnly the record's {@code readOnly} when it is a boolean, else null
     * @param writable false when the bytes must never be written as they are ({@link Event#withDetailJson})
     */
    public static Event fromCopy(String[] top, String[] identity, Boolean readOnly, byte[] json, boolean writable,
                                 ObjectMapper reader, Origin origin) {
        String id = top[0];
        if (id == null) {
            id = contentHash(origin, Event.parse(reader, json));
        }
        String actor = identity[1] != null ? identity[1]
                : identity[2] != null ? identity[2]
                : identity[3] != null ? identity[3]
                : identity[4];
        return Event.withDetailJson(id, top[1], KIND, top[2] != null ? top[2] : identity[0], top[3], top[4], top[5],
                actor, top[6], readOnly, origin, json, writable, reader);
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
