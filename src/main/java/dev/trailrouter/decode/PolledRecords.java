package dev.trailrouter.decode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.trailrouter.event.CloudTrailEvents;
import dev.trailrouter.event.Event;
import dev.trailrouter.event.LogEvents;
import dev.trailrouter.event.Origin;
import software.amazon.awssdk.services.cloudtrail.model.Resource;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;

/**
 * Decodes the records of one API page a poller read: CloudTrail {@code LookupEvents} events, whose
 * {@code CloudTrailEvent} string is the same record CloudTrail writes to its S3 log files (so it becomes the same
 * {@link Event}, id included, and dedup sees one event whichever intake brought it), and CloudWatch Logs
 * {@code FilterLogEvents} events, which become what the same log event becomes through a subscription
 * ({@link LogEvents}: a CloudTrail record in the message is a CloudTrail event, anything else a log event).
 *
 * <p>A LookupEvents record whose {@code CloudTrailEvent} is not a CloudTrail record (not JSON, not an object, or
 * without eventVersion or eventTime) is not an event: it is returned as {@link Malformed}, with the whole API
 * record and the reason, for the poller to dead-letter. The page's other records are decoded as usual.
 */
public final class PolledRecords {

    /** What one page held: its events, and the records that could not be read as events. */
    public record Page(List<Event> events, List<Malformed> malformed) {
    }

    /** A record that is not an event: its id (the API's), the record as the API returned it, and why. */
    public record Malformed(String id, String record, String reason) {
    }

    private final ObjectMapper json;

    public PolledRecords(ObjectMapper json) {
        this.json = json;
    }

    /** One LookupEvents page; {@code page} is the page's origin (the poller and the page id). */
    public Page lookupEvents(List<software.amazon.awssdk.services.cloudtrail.model.Event> records, Origin page) {
        List<Event> events = new ArrayList<>(records.size());
        List<Malformed> malformed = new ArrayList<>();
        long index = 0;
        for (var record : records) {
            Origin origin = page.atIndex(index++);
            String reason;
            String text = record.cloudTrailEvent();
            if (text == null || text.isBlank()) {
                reason = "CloudTrailEvent is missing";
            } else {
                JsonNode parsed;
                try {
                    parsed = json.readTree(text);
                    reason = parsed != null && parsed.isObject()
                            ? (isTrailRecord(parsed) ? null
                                : "CloudTrailEvent is not a CloudTrail record (no eventVersion or eventTime)")
                            : "CloudTrailEvent is not a JSON object";
                } catch (IOException e) {
                    parsed = null;
                    reason = "CloudTrailEvent is not JSON: " + firstLine(e.getMessage());
                }
                if (reason == null) {
                    Event event = CloudTrailEvents.fromRecord(parsed, origin);
                    if (!parsed.hasNonNull("eventID") && record.eventId() != null) {
                        // a record without eventID would get a hash of its origin, and every re-read of its window is
                        // another origin: the API's EventId keeps it one event for dedup
                        event = new Event(record.eventId(), event.time(), event.kind(), event.account(), event.region(),
                                event.service(), event.name(), event.actor(), event.sourceIp(), event.readOnly(),
                                event.origin(), event.detail());
                    }
                    events.add(event);
                    continue;
                }
            }
            malformed.add(new Malformed(record.eventId(), raw(record).toString(), reason));
        }
        return new Page(events, malformed);
    }

    /**
     * One FilterLogEvents page of a log group. {@code owner} is the account when the poller knows it (from the log
     * group's ARN), as a subscription payload's {@code owner}.
     */
    public Page filteredLogEvents(List<FilteredLogEvent> records, String logGroup, String owner, Origin page) {
        List<Event> events = new ArrayList<>(records.size());
        long index = 0;
        for (FilteredLogEvent record : records) {
            // the subscription payload's shape of a log event: the same id, timestamp and message
            ObjectNode logEvent = json.createObjectNode();
            logEvent.put("id", record.eventId());
            if (record.timestamp() != null) {
                logEvent.put("timestamp", record.timestamp());
            }
            logEvent.put("message", record.message());
            Origin origin = page.atLogStream(logGroup, record.logStreamName()).atIndex(index++);
            events.add(LogEvents.from(logEvent, parseMessage(record.message()), owner, origin));
        }
        return new Page(events, List.of());
    }

    /**
     * What every CloudTrail record has, Insights events included (they have no top-level eventSource or eventName):
     * the S3 path takes any object of a log file's Records; the API's string must at least look like one.
     */
    private static boolean isTrailRecord(JsonNode node) {
        return node.path("eventVersion").isTextual() && node.path("eventTime").isTextual();
    }

    private JsonNode parseMessage(String message) {
        String m = message == null ? "" : message.strip();
        if (!m.startsWith("{")) {
            return null;
        }
        try {
            JsonNode node = json.readTree(m);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null; // a log line that merely starts with a brace
        }
    }

    /** The API record as the API returned it (field names as on the wire), for the dead letter. */
    private ObjectNode raw(software.amazon.awssdk.services.cloudtrail.model.Event record) {
        ObjectNode raw = json.createObjectNode();
        raw.put("EventId", record.eventId());
        raw.put("EventName", record.eventName());
        raw.put("ReadOnly", record.readOnly());
        raw.put("AccessKeyId", record.accessKeyId());
        raw.put("EventTime", record.eventTime() == null ? null : record.eventTime().toString());
        raw.put("EventSource", record.eventSource());
        raw.put("Username", record.username());
        var resources = raw.putArray("Resources");
        for (Resource resource : record.resources()) {
            resources.addObject().put("ResourceType", resource.resourceType()).put("ResourceName", resource.resourceName());
        }
        raw.put("CloudTrailEvent", record.cloudTrailEvent());
        return raw;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
