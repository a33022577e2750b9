package dev.trailrouter.decode;

import java.io.InputStream;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.trailrouter.event.Event;
import dev.trailrouter.event.EventIds;
import dev.trailrouter.event.Origin;

/**
 * CloudFront standard logs: {@code #Version} and {@code #Fields} header lines, then one tab-separated request per line.
 * Each becomes a {@code cloudfront} event whose {@code detail} holds the named fields as written (still URL-encoded,
 * as CloudFront writes them).
 */
final class CloudFrontLogReader extends TextLogReader {

    public static final String KIND = "cloudfront";

    private final ObjectMapper json;
    private String[] fields;

    CloudFrontLogReader(ObjectMapper json, InputStream content, String object, Origin origin) {
        super(content, object, origin);
        this.json = json;
    }

    static boolean isHeader(String firstLine) {
        return firstLine.startsWith("#Version:") || firstLine.startsWith("#Fields:");
    }

    @Override
    protected List<Event> parse(String line, Origin at) {
        if (line.startsWith("#Fields:")) {
            fields = line.substring("#Fields:".length()).trim().split(" +");
            return List.of();
        }
        if (line.startsWith("#") || line.isBlank()) {
            return List.of();
        }
        if (fields == null) {
            throw malformed("a request line before the #Fields header");
        }
        String[] values = line.split("\t", -1);
        if (values.length > fields.length) {
            throw malformed("has " + values.length + " fields, #Fields names " + fields.length);
        }
        // fewer is accepted: logs written before CloudFront added its newer trailing fields lack them
        ObjectNode detail = json.createObjectNode();
        for (int i = 0; i < values.length; i++) {
            detail.put(fields[i], values[i]);
        }
        String date = detail.path("date").asText(null);
        String time = detail.path("time").asText(null);
        String requestId = detail.path("x-edge-request-id").asText("");
        return List.of(new Event(
                requestId.isEmpty() || requestId.equals("-") ? EventIds.contentHash(at, line) : requestId,
                date != null && time != null ? date + "T" + time + "Z" : null,
                KIND,
                null,
                null,
                "cloudfront.amazonaws.com",
                detail.path("cs-method").asText(null),
                null,
                detail.path("c-ip").asText(null),
                null,
                at,
                detail));
    }
}
