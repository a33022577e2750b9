package dev.trailrouter.event;

import static dev.trailrouter.event.EventIds.text;
import static dev.trailrouter.event.EventIds.textOrNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * EventBridge events as Events. CloudTrail events delivered through EventBridge ("AWS API Call via CloudTrail", console
 * sign-ins, …) carry a CloudTrail record as {@code detail} and become CloudTrail events like those read from S3;
 * Security Hub events yield one event per finding; GuardDuty findings one event; any other EventBridge event is kept as
 * a generic {@code eventbridge} event whose {@code detail} is the whole envelope.
 */
public final class EventBridgeEvents {

    public static final String KIND = "eventbridge";

    static final Set<String> CLOUDTRAIL_DETAIL_TYPES = Set.of(
            "AWS API Call via CloudTrail",
            "AWS Console Sign In via CloudTrail",
            "AWS Console Action via CloudTrail",
            "AWS Service Event via CloudTrail",
            "AWS Insight via CloudTrail");

    private EventBridgeEvents() {
    }

    public static boolean isEnvelope(JsonNode node) {
        return node.hasNonNull("detail-type") && node.hasNonNull("source") && node.has("detail");
    }

    /** EventBridge's S3 "Object Created" notification (its keys are not URL-encoded). */
    public static boolean isS3ObjectCreated(JsonNode envelope) {
        return "aws.s3".equals(envelope.path("source").asText()) && "Object Created".equals(envelope.path("detail-type").asText());
    }

    public static List<Event> fromEnvelope(JsonNode envelope, Origin origin) {
        String detailType = envelope.path("detail-type").asText();
        String source = envelope.path("source").asText();
        JsonNode detail = envelope.path("detail");
        List<Event> events = new ArrayList<>();
        if (CLOUDTRAIL_DETAIL_TYPES.contains(detailType) && CloudTrailEvents.isRecord(detail)) {
            events.add(CloudTrailEvents.fromRecord(detail, origin));
        } else if ("aws.securityhub".equals(source) && detail.path("findings").isArray()) {
            int i = 0;
            for (JsonNode finding : detail.path("findings")) {
                events.add(FindingEvents.securityHub(finding, origin.atIndex(i++)));
            }
        } else if ("aws.guardduty".equals(source) && detail.isObject() && detail.hasNonNull("type")) {
            events.add(FindingEvents.guardDuty(detail, origin));
        } else {
            events.add(new Event(
                    text(envelope, "id").orElseGet(() -> EventIds.contentHash(origin, envelope.toString())),
                    textOrNull(envelope, "time"),
                    KIND,
                    textOrNull(envelope, "account"),
                    textOrNull(envelope, "region"),
                    source,
                    detailType,
                    null,
                    null,
                    null,
                    origin,
                    envelope));
        }
        return events;
    }
}
