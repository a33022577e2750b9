package dev.trailrouter.decode;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.trailrouter.event.CloudTrailEvents;
import dev.trailrouter.event.Event;
import dev.trailrouter.event.EventBridgeEvents;
import dev.trailrouter.event.FindingEvents;
import dev.trailrouter.event.Origin;

/**
 * The Events one JSON document becomes when it is given on its own ({@code trailrouter test-filter --event}): a
 * CloudTrail record, a CloudTrail log file ({@code {"Records": […]}}), an EventBridge event (API calls, sign-ins,
 * findings, anything else), or a Security Hub or GuardDuty finding. Decoded by the same code as live input.
 */
public final class DocumentEvents {

    private DocumentEvents() {
    }

    /** @throws IllegalArgumentException naming what the document is not */
    public static List<Event> of(JsonNode document, Origin origin) {
        if (document.isObject() && document.path("Records").isArray()) {
            List<Event> events = new ArrayList<>();
            int i = 0;
            for (JsonNode record : document.path("Records")) {
                events.add(CloudTrailEvents.fromRecord(record, origin.atIndex(i++)));
            }
            return events;
        }
        if (CloudTrailEvents.isRecord(document)) {
            return List.of(CloudTrailEvents.fromRecord(document, origin));
        }
        if (EventBridgeEvents.isEnvelope(document)) {
            return EventBridgeEvents.fromEnvelope(document, origin);
        }
        if (FindingEvents.isSecurityHubFinding(document)) {
            return List.of(FindingEvents.securityHub(document, origin));
        }
        if (FindingEvents.isGuardDutyFinding(document)) {
            return List.of(FindingEvents.guardDuty(document, origin));
        }
        throw new IllegalArgumentException("not a CloudTrail record, a CloudTrail log file, an EventBridge event or a "
                + "Security Hub or GuardDuty finding");
    }
}
