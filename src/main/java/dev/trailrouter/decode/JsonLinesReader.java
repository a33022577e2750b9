package dev.trailrouter.decode;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.trailrouter.event.CloudTrailEvents;
import dev.trailrouter.event.Event;
import dev.trailrouter.event.EventBridgeEvents;
import dev.trailrouter.event.EventIds;
import dev.trailrouter.event.FindingEvents;
import dev.trailrouter.event.Origin;

/**
 * Newline-delimited JSON: one object per line. Each line is recognised like a message body: a CloudTrail record, an
 * EventBridge event (findings included), a GuardDuty or Security Hub finding, or else a generic {@code json} event
 * whose {@code detail} is the object.
 */
final class JsonLinesReader extends TextLogReader {

    public static final String KIND = "json";

    private final ObjectMapper json;

    JsonLinesReader(ObjectMapper json, InputStream content, String object, Origin origin) {
        super(content, object, origin);
        this.json = json;
    }

    @Override
    protected List<Event> parse(String line, Origin at) {
        if (line.isBlank()) {
            return List.of();
        }
        JsonNode node;
        try {
            node = json.readTree(line);
        } catch (JsonProcessingException e) {
            if (JsonLimits.exceeded(e)) {
                throw JsonLimits.tooLarge(object + " line " + lineNumber(), e);
            }
            throw malformed("not a JSON object: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw malformed(e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw malformed("not a JSON object");
        }
        return events(node, at);
    }

    static List<Event> events(JsonNode node, Origin at) {
        if (CloudTrailEvents.isRecord(node)) {
            return List.of(CloudTrailEvents.fromRecord(node, at));
        }
        if (EventBridgeEvents.isEnvelope(node)) {
            return EventBridgeEvents.fromEnvelope(node, at);
        }
        if (FindingEvents.isGuardDutyFinding(node)) {
            return List.of(FindingEvents.guardDuty(node, at));
        }
        if (FindingEvents.isSecurityHubFinding(node)) {
            return List.of(FindingEvents.securityHub(node, at));
        }
        return List.of(new Event(EventIds.contentHash(at, node.toString()), null, KIND, null, null, null, null,
                null, null, null, at, node));
    }
}
