package dev.trailrouter.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.trailrouter.config.SecretRef;

/** Untrusted text in a log line: one line, bounded, and no secret in it. */
class LogSafeTest {

    @Test
    void anInjectedLineBreakCannotForgeALogLine() {
        String key = "AWSLogs/x.json.gz\r\n12:00:00.000 INFO  forged line";
        assertEquals("AWSLogs/x.json.gz\\r\\n12:00:00.000 INFO  forged line", LogSafe.oneLine(key));
    }

    @Test
    void longTextIsCutAndSecretsAreMasked() {
        assertEquals(501, LogSafe.oneLine("x".repeat(10_000)).length(), "500 characters and an ellipsis");
        SecretRef.remember("hooks-secret-T000/B000/XXXX");
        String line = LogSafe.oneLine("POST https://hooks.example/hooks-secret-T000/B000/XXXX failed");
        assertTrue(!line.contains("hooks-secret") && line.contains("****"), line);
    }
}
