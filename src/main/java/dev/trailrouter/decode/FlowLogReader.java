package dev.trailrouter.decode;

import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.trailrouter.event.Event;
import dev.trailrouter.event.EventIds;
import dev.trailrouter.event.Origin;

/**
 * VPC flow logs as delivered to S3: a header line names the fields (the default version 2 format, versions 3 to 8, or
 * any custom format), then one space-separated record per line. Each record becomes a {@code vpcflow} event whose
 * {@code detail} holds the named fields as written ("-" included).
 */
final class FlowLogReader extends TextLogReader {

    public static final String KIND = "vpcflow";
    private static final Pattern REGION_IN_KEY = Pattern.compile("/vpcflowlogs/([a-z0-9-]+)/");

    private final ObjectMapper json;
    private String[] fields;
    private final String keyRegion;

    FlowLogReader(ObjectMapper json, InputStream content, String object, Origin origin) {
        super(content, object, origin);
        this.json = json;
        Matcher m = REGION_IN_KEY.matcher(origin.key() == null ? "" : origin.key());
        this.keyRegion = m.find() ? m.group(1) : null;
    }

    static boolean isHeader(String firstLine) {
        String line = firstLine.trim();
        return line.startsWith("version ") || line.contains("interface-id") || line.contains("srcaddr")
                || line.contains("account-id");
    }

    @Override
    protected List<Event> parse(String line, Origin at) {
        if (line.isBlank()) {
            return List.of();
        }
        String[] values = line.trim().split(" +");
        if (fields == null) {
            fields = values;
            return List.of();
        }
        if (values.length != fields.length) {
            throw malformed("has " + values.length + " fields, the header names " + fields.length);
        }
        ObjectNode detail = json.createObjectNode();
        for (int i = 0; i < fields.length; i++) {
            detail.put(fields[i], values[i]);
        }
        String action = value(detail, "action");
        return List.of(new Event(
                EventIds.contentHash(at, line),
                epoch(value(detail, "start")),
                KIND,
                value(detail, "account-id"),
                value(detail, "region") != null ? value(detail, "region") : keyRegion,
                "vpc-flow-logs",
                action != null ? action : value(detail, "log-status"),
                value(detail, "interface-id"),
                value(detail, "srcaddr"),
                null,
                at,
                detail));
    }

    private static String value(ObjectNode detail, String field) {
        String v = detail.path(field).asText(null);
        return v == null || v.equals("-") ? null : v;
    }

    private static String epoch(String seconds) {
        try {
            return seconds == null ? null : Instant.ofEpochSecond(Long.parseLong(seconds)).toString();
        } catch (NumberFormatException | java.time.DateTimeException e) {
            return null; // not a number, or past what an Instant holds: the record keeps no time, as for "-"
        }
    }
}
