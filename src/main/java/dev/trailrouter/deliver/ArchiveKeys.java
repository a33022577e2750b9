package dev.trailrouter.deliver;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.regex.Pattern;

import dev.trailrouter.event.Event;
import dev.trailrouter.event.Origin;

/**
 * Archive object keys: {@code <prefix>/<kind>/<account>/<region>/yyyy/MM/dd/HH/<origin-derived-name>.json.gz}. The name
 * comes from where the events were read (source object or queue message) and the position of the first event, so a
 * redelivered message writes the same keys and overwrites its earlier objects instead of adding copies.
 */
public final class ArchiveKeys {

    private static final Pattern NOT_IN_SEGMENT = Pattern.compile("[^A-Za-z0-9._-]");
    private static final Pattern NOT_IN_STEM = Pattern.compile("[^A-Za-z0-9_-]");
    private static final Pattern EDGE_SLASHES = Pattern.compile("^/+|/+$");
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH").withZone(ZoneOffset.UTC);

    private ArchiveKeys() {
    }

    /** The partition an event belongs to (everything before the file name). */
    public static String partition(String prefix, Event event) {
        return (prefix.isEmpty() ? "" : trimSlashes(prefix) + "/") + segment(event.kind()) + "/" + segment(event.account())
                + "/" + segment(event.region()) + "/" + hour(event.time());
    }

    /** The file name for a group of events whose first (lowest-positioned) event is {@code first}. */
    public static String name(Event first) {
        Origin origin = first.origin();
        String source = origin.key() != null ? origin.bucket() + "/" + origin.key() : origin.queue() + "/" + origin.messageId();
        String stem = origin.key() != null ? origin.key().substring(origin.key().lastIndexOf('/') + 1) : origin.messageId();
        int dot = stem.indexOf('.');
        stem = NOT_IN_STEM.matcher(dot > 0 ? stem.substring(0, dot) : stem).replaceAll("_");
        long index = origin.index() == null ? 0 : origin.index();
        return stem + "-" + hash(source) + "-" + String.format("%07d", index) + ".json.gz";
    }

    static String hour(String time) {
        if (time == null) {
            return "unknown-time";
        }
        try {
            return HOUR.format(Instant.parse(time));
        } catch (DateTimeParseException e) {
            return "unknown-time";
        }
    }

    private static String segment(String value) {
        return value == null || value.isBlank() ? "unknown" : NOT_IN_SEGMENT.matcher(value).replaceAll("_");
    }

    private static String trimSlashes(String prefix) {
        return EDGE_SLASHES.matcher(prefix).replaceAll("");
    }

    private static String hash(String source) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(source.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
