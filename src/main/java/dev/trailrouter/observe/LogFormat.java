package dev.trailrouter.observe;

import ch.qos.logback.core.PropertyDefinerBase;

/**
 * The log format logback.xml uses: {@code json} when {@code TRAILROUTER_LOG_FORMAT} says json (any case), else
 * {@code text}. An unknown value must not silence the log (logback would attach no appender at all), so anything
 * else, "plain" included, is the plain text format.
 */
public final class LogFormat extends PropertyDefinerBase {

    @Override
    public String getPropertyValue() {
        return of(System.getenv("TRAILROUTER_LOG_FORMAT"));
    }

    static String of(String requested) {
        return requested != null && requested.trim().equalsIgnoreCase("json") ? "json" : "text";
    }
}
