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
    void everyControlCharacterIsEscapedNotPassedRaw() {
        // ESC (an ANSI colour sequence a terminal would obey), NUL, BEL, DEL, the C1 CSI and NEL, U+2028 and U+2029
        String key = "AWSLogs/\u001b[31mred\u0000\u0007\u007f\u009b\u0085\u2028\u2029\tend";
        String line = LogSafe.oneLine(key);
        assertEquals("AWSLogs/\\u001b[31mred\\u0000\\u0007\\u007f\\u009b\\u0085\\u2028\\u2029\\tend", line);
        for (char c : line.toCharArray()) {
            assertTrue(!LogSafe.isControl(c), "raw control character " + (int) c + " in " + line);
        }
        assertEquals("AWSLogs/ünïcödé €", LogSafe.oneLine("AWSLogs/ünïcödé €"), "printable text is left alone");
    }

    @Test
    void longTextIsCutAndSecretsAreMasked() {
        assertEquals(501, LogSafe.oneLine("x".repeat(10_000)).length(), "500 characters and an ellipsis");
        SecretRef.remember("hooks-secret-T000/B000/XXXX");
        String line = LogSafe.oneLine("POST https://hooks.example/hooks-secret-T000/B000/XXXX failed");
        assertTrue(!line.contains("hooks-secret") && line.contains("****"), line);
    }
}
