package dev.trailrouter.event;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

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
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isEmpty()
                ? java.util.Optional.of(value.asText()) : java.util.Optional.empty();
    }

    /** Same origin and same content give the same id, so a redelivered message yields the same ids. */
    static String contentHash(Origin origin, JsonNode record) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(String.valueOf(origin.bucket()).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(String.valueOf(origin.key()).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(String.valueOf(origin.index()).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(record.toString().getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
