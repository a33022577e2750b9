package dev.trailrouter.decode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.trailrouter.event.Event;
import dev.trailrouter.event.LogEvents;
import dev.trailrouter.event.Origin;
import dev.trailrouter.decode.RejectedInputException;

/**
 * Decodes a CloudWatch Logs subscription payload in any of the forms a forwarder may put on SQS (docs/cloudwatch-
 * forwarder.md): the JSON object {@code {"awslogs": {"data": "<base64 gzip>"}}} (what Lambda receives, passed on as is),
 * the bare base64 gzip text, or the already decoded JSON ({@code messageType}, {@code logGroup}, {@code logEvents} …).
 */
public final class CloudWatchPayloads {

    /** A subscription payload is at most about 1 MB uncompressed; more is not a CloudWatch Logs payload. */
    static final int MAX_DECODED_BYTES = 16 * 1024 * 1024;

    private final ObjectMapper json;

    public CloudWatchPayloads(ObjectMapper json) {
        this.json = json;
    }

    /** The decoded payload JSON, with {@code messageType} DATA_MESSAGE or CONTROL_MESSAGE. */
    public JsonNode decode(JsonNode received) {
        JsonNode payload;
        if (received.isTextual()) {
            payload = gunzipBase64(received.asText());
        } else if (received.path("awslogs").path("data").isTextual()) {
            payload = gunzipBase64(received.path("awslogs").path("data").asText());
        } else {
            payload = received;
        }
        String type = payload.path("messageType").asText("");
        if (!type.equals("DATA_MESSAGE") && !type.equals("CONTROL_MESSAGE")) {
            throw new RejectedInputException("malformed-cloudwatch-payload",
                    "messageType is '" + type + "', expected DATA_MESSAGE or CONTROL_MESSAGE");
        }
        if (type.equals("DATA_MESSAGE") && (!payload.path("logEvents").isArray() || !payload.path("logGroup").isTextual())) {
            throw new RejectedInputException("malformed-cloudwatch-payload", "DATA_MESSAGE without logGroup or logEvents");
        }
        return payload;
    }

    public static boolean isControl(JsonNode payload) {
        return "CONTROL_MESSAGE".equals(payload.path("messageType").asText());
    }

    /** One event per log event; a message holding a CloudTrail record becomes a CloudTrail event. */
    public List<Event> events(JsonNode payload, Origin message) {
        Origin stream = message.atLogStream(payload.path("logGroup").asText(), payload.path("logStream").asText());
        String owner = payload.path("owner").asText(null);
        List<Event> events = new ArrayList<>();
        long index = 0;
        for (JsonNode logEvent : payload.path("logEvents")) {
            events.add(LogEvents.from(logEvent, parseMessage(logEvent.path("message").asText("")), owner,
                    stream.atIndex(index++)));
        }
        return events;
    }

    private JsonNode parseMessage(String message) {
        String m = message.strip();
        if (!m.startsWith("{")) {
            return null;
        }
        try {
            JsonNode node = json.readTree(m);
            return node != null && node.isObject() ? node : null;
        } catch (IOException | NumberFormatException e) {
            // a log line that merely starts with a brace, or holds a number no BigDecimal holds (1e2147483648): it
            // is delivered as the text it is, as any other line; the payload's other lines are not held up by it
            return null;
        }
    }

    /** gzip, as CloudWatch Logs subscriptions send; zlib (0x78 …), as some forwarders re-encode it. */
    private static InputStream inflating(byte[] compressed) throws IOException {
        if (compressed.length > 1 && (compressed[0] & 0xff) == 0x78) {
            return new InflaterInputStream(new ByteArrayInputStream(compressed));
        }
        return new GZIPInputStream(new ByteArrayInputStream(compressed));
    }

    private JsonNode gunzipBase64(String data) {
        byte[] compressed;
        try {
            compressed = Base64.getMimeDecoder().decode(data);
        } catch (IllegalArgumentException e) {
            throw new RejectedInputException("malformed-cloudwatch-payload", "data is not base64: " + e.getMessage(), e);
        }
        try (InputStream in = new DecompressedSizeCap(inflating(compressed), MAX_DECODED_BYTES, "CloudWatch Logs payload")) {
            JsonNode node = json.readTree(in);
            if (node == null || !node.isObject()) {
                throw new RejectedInputException("malformed-cloudwatch-payload", "decoded data is not a JSON object");
            }
            return node;
        } catch (RejectedInputException e) {
            throw e;
        } catch (IOException e) {
            throw new RejectedInputException("malformed-cloudwatch-payload", "data is not gzip/zlib JSON: " + e.getMessage(), e);
        }
    }
}
