package dev.trailrouter.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LogFormatTest {

    @Test
    void anUnknownFormatIsTheTextFormatNeverSilence() {
        // logback.xml names the appender by this value: one it does not know would attach no appender at all
        assertEquals("text", LogFormat.of(null));
        assertEquals("text", LogFormat.of("plain"));
        assertEquals("text", LogFormat.of("jsno"));
        assertEquals("json", LogFormat.of("json"));
        assertEquals("json", LogFormat.of(" JSON "));
    }
}
