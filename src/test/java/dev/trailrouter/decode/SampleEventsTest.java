package dev.trailrouter.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import dev.trailrouter.event.Event;

class SampleEventsTest {

    @Test
    void oneRealEventOfEveryKind() {
        Map<String, Event> samples = SampleEvents.byKind(new ObjectMapper());
        assertEquals(List.of("cloudtrail", "eventbridge", "securityhub", "guardduty", "cloudwatch-log", "vpcflow",
                "cloudfront", "json"), List.copyOf(samples.keySet()));
        assertEquals("ConsoleLogin", samples.get("cloudtrail").name());
        samples.values().forEach(e -> assertEquals(e.kind(), e.kind().trim()));
    }
}
