package dev.trailrouter.observe;

/** Keeps untrusted text (keys, parser messages quoting input) on one log line. */
public final class LogSafe {

    private LogSafe() {
    }

    public static String oneLine(String text) {
        if (text == null) {
            return "";
        }
        String line = dev.trailrouter.config.SecretRef.redact(text).replace("\r", "\\r").replace("\n", "\\n");
        return line.length() > 500 ? line.substring(0, 500) + "…" : line;
    }
}
