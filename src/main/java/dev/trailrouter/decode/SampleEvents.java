package dev.trailrouter.decode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.trailrouter.event.CloudTrailEvents;
import dev.trailrouter.event.Event;
import dev.trailrouter.event.EventBridgeEvents;
import dev.trailrouter.event.FindingEvents;
import dev.trailrouter.event.Origin;

/**
 * One Event of every kind, decoded by the same code as live input from real records bundled in {@code samples/} (see
 * its SOURCES.md): what {@code trailrouter validate} and the start-up check evaluate every destination filter on.
 */
public final class SampleEvents {

    private static final Origin ORIGIN = Origin.ofMessage("sample", "sample");

    private SampleEvents() {
    }

    /** Kind → its sample Event, in a stable order. */
    public static Map<String, Event> byKind(ObjectMapper json) {
        List<Event> events = new ArrayList<>();
        events.add(CloudTrailEvents.fromRecord(read(json, "cloudtrail-record.json"), ORIGIN));
        events.addAll(EventBridgeEvents.fromEnvelope(read(json, "eventbridge.json"), ORIGIN));
        events.add(FindingEvents.securityHub(read(json, "securityhub-finding.json"), ORIGIN));
        events.add(FindingEvents.guardDuty(read(json, "guardduty-finding.json"), ORIGIN));
        events.addAll(new CloudWatchPayloads(json).events(read(json, "cloudwatch-logs-data-message.json"), ORIGIN));
        events.add(first(json, "vpcflow.log", "AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/11/30/flow.log"));
        events.add(first(json, "cloudfront.log", "cloudfront/E2EXAMPLE.2026-11-30-09.abcdef.log"));
        events.add(first(json, "ndjson.log", "logs/app.ndjson"));
        Map<String, Event> byKind = new LinkedHashMap<>();
        events.forEach(e -> byKind.putIfAbsent(e.kind(), e));
        return byKind;
    }

    private static Event first(ObjectMapper json, String sample, String key) {
        try (EventSource source = ObjectFormats.open(json, new ByteArrayInputStream(bytes(sample)), key, ORIGIN)) {
            return source.next();
        } catch (IOException e) {
            throw new UncheckedIOException("sample " + sample, e);
        }
    }

    private static JsonNode read(ObjectMapper json, String sample) {
        try {
            return json.readTree(bytes(sample));
        } catch (IOException e) {
            throw new UncheckedIOException("sample " + sample, e);
        }
    }

    private static byte[] bytes(String sample) {
        try (InputStream in = SampleEvents.class.getClassLoader().getResourceAsStream("samples/" + sample)) {
            if (in == null) {
                throw new IllegalStateException("missing samples/" + sample + " on the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("sample " + sample, e);
        }
    }
}
