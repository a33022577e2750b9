package dev.trailrouter.observe;

import net.logstash.logback.argument.StructuredArgument;
import net.logstash.logback.argument.StructuredArguments;

/**
 * Log arguments that are also fields: in the plain format a field reads {@code key=value} inside the message, as the
 * lines always did; in the JSON format ({@code TRAILROUTER_LOG_FORMAT=json}) it is also a JSON field of its own.
 */
public final class LogFields {

    private LogFields() {
    }

    /** Written {@code key=value} in the message, and field {@code key}. */
    public static StructuredArgument field(String key, Object value) {
        return StructuredArguments.keyValue(key, value);
    }

    /** Written {@code textKey=value} in the message, and field {@code jsonKey} (e.g. message= and messageId). */
    public static StructuredArgument field(String jsonKey, String textKey, Object value) {
        return StructuredArguments.keyValue(jsonKey, value, textKey + "={1}");
    }

    /** A JSON field only, not written in the message (pass it after the message's own arguments). */
    public static StructuredArgument only(String key, Object value) {
        return StructuredArguments.value(key, value);
    }
}
