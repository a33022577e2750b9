package dev.trailrouter.observe;

/**
 * Keeps untrusted text (keys, parser messages quoting input) on one log line and free of control characters: CR, LF
 * and TAB become {@code \r}, {@code \n}, {@code \t}; every other C0 control, DEL, every C1 control and the Unicode
 * line and paragraph separators (U+2028, U+2029) become {@code \}{@code uXXXX}. A terminal never sees a raw ESC, a
 * log shipper never a NUL, and no reader splits the line. Known secrets are masked first; the result is cut at 500
 * characters.
 */
public final class LogSafe {

    static final int MAX_CHARS = 500;

    private LogSafe() {
    }

    public static String oneLine(String text) {
        if (text == null) {
            return "";
        }
        String line = neutralise(dev.trailrouter.config.SecretRef.redact(text));
        return line.length() > MAX_CHARS ? line.substring(0, MAX_CHARS) + "…" : line;
    }

    /** Text from a request not (yet) verified, for a log line: one line, at most 256 characters. */
    public static String brief(String text) {
        String line = oneLine(text);
        return line.length() <= 256 ? line : line.substring(0, 256) + "…";
    }

    /** Whether a character must not reach a log line raw. */
    public static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
    }

    /** Every control character escaped, nothing cut, nothing masked. */
    public static String neutralise(String text) {
        int first = 0;
        while (first < text.length() && !isControl(text.charAt(first))) {
            first++;
        }
        if (first == text.length()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (isControl(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** The innermost cause of a failure as "Type: message" (the wrappers' messages usually repeat it); "unknown" for none. */
    public static String rootCause(Throwable failure) {
        Throwable root = failure;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == null ? "unknown" : root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
