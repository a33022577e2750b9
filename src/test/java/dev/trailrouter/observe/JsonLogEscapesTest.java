package dev.trailrouter.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import net.logstash.logback.encoder.LogstashEncoder;

import dev.trailrouter.support.Fixtures;

/** The JSON format: a raw control character never reaches the line, and the structured fields are JSON fields. */
class JsonLogEscapesTest {

    private static String encode(LoggingEvent event) {
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        encoder.setJsonFactoryDecorator(new JsonLogEscapes());
        encoder.start();
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }

    @Test
    void everyControlCharacterIsEscaped() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger("dev.trailrouter.intake");
        String raw = "a\u001b[2Jb\u0000c\u007fd\u0085e\u009bf\u2028g\u2029h\r\ni";
        String line = encode(new LoggingEvent("x", logger, Level.WARN, "library says {}", null, new Object[] {raw}));
        String body = line.substring(0, line.length() - System.lineSeparator().length());
        for (char c : body.toCharArray()) {
            assertTrue(!LogSafe.isControl(c), "raw control character " + (int) c + " in " + body);
        }
        assertEquals("library says " + raw, Fixtures.JSON.readTree(body).path("message").asText(), "the same text, escaped");
    }

    @Test
    void fieldsAreJsonFieldsAndThePlainTextIsUnchanged() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger("dev.trailrouter.intake");
        LoggingEvent event = new LoggingEvent("x", logger, Level.INFO, "{} {} {} done", null, new Object[] {
                LogFields.field("queue", "orgtrail"), LogFields.field("messageId", "message", "m-1"),
                LogFields.field("events", 1234), LogFields.only("outcome", "done")});
        assertEquals("queue=orgtrail message=m-1 events=1234 done", event.getFormattedMessage());
        var json = Fixtures.JSON.readTree(encode(event));
        assertEquals("orgtrail", json.path("queue").asText());
        assertEquals("m-1", json.path("messageId").asText());
        assertEquals(1234, json.path("events").asInt());
        assertTrue(json.path("events").isNumber());
        assertEquals("done", json.path("outcome").asText());
        java.time.OffsetDateTime.parse(json.path("@timestamp").asText());
    }
}
