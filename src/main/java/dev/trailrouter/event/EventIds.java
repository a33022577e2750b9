package dev.trailrouter.event;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/** Helpers shared by the normalisers: stable content ids and null-safe field access. */
public final class EventIds {

    private EventIds() {
    }

    /** Same source, position and content give the same id, so a redelivered message yields the same ids. */
    public static String contentHash(Origin origin, String content) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(origin.sourceKey().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(String.valueOf(origin.index()).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(content.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    public static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isValueNode() && !value.isNull() && !value.asText().isEmpty()
                ? Optional.of(value.asText()) : Optional.empty();
    }

    public static String textOrNull(JsonNode node, String field) {
        return text(node, field).orElse(null);
    }
}
