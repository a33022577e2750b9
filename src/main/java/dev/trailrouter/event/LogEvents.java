package dev.trailrouter.event;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A CloudWatch Logs subscription's log event as an Event. The org trail's log group carries CloudTrail records as
 * messages: those become CloudTrail events like any other; every other message becomes a {@code cloudwatch-log} event
 * whose {@code detail} is the log event ({@code id}, {@code timestamp}, {@code message}) as delivered.
 */
public final class LogEvents {

    public static final String KIND = "cloudwatch-log";

    private LogEvents() {
    }

    /**
     * @param logEvent  one element of the payload's {@code logEvents}
     * @param message   its message parsed as JSON, or null when it is not a JSON object
     * @param owner     the payload's {@code owner} (the account)
     */
    public static Event from(JsonNode logEvent, JsonNode message, String owner, Origin origin) {
        if (CloudTrailEvents.isRecord(message)) {
            return CloudTrailEvents.fromRecord(message, origin);
        }
        long timestamp = logEvent.path("timestamp").asLong(-1);
        return new Event(
                EventIds.text(logEvent, "id").orElseGet(() -> EventIds.contentHash(origin, logEvent.toString())),
                timestamp >= 0 ? Instant.ofEpochMilli(timestamp).toString() : null,
                KIND,
                owner,
                null,
                "logs.amazonaws.com",
                origin.logGroup(),
                null,
                null,
                null,
                origin,
                logEvent);
    }
}
