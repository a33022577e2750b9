package dev.trailrouter.deliver;

import java.io.IOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.util.ObjectHelper;

/**
 * What is worth retrying when posting to an HTTP destination, and for how long to wait when the receiver says so.
 * Retried: connection failures and timeouts, 5xx, 408 and 429. Every other 4xx is permanent: the same request would
 * be refused again.
 */
public final class HttpRetryPolicy {

    private HttpRetryPolicy() {
    }

    static boolean isRetryable(Throwable caught) {
        HttpOperationFailedException http = ObjectHelper.getException(HttpOperationFailedException.class, caught);
        if (http != null) {
            int status = http.getStatusCode();
            return status >= 500 || status == 408 || status == 429;
        }
        return ObjectHelper.getException(IOException.class, caught) != null;
    }

    /**
     * Called by the error handler after each failed attempt: a {@code Retry-After} on a 429 or 503 replaces the
     * computed backoff for the next attempt (capped), any other failure falls back to the exponential backoff.
     */
    public static void applyRetryAfter(Exchange exchange, long maxDelayMillis) {
        HttpOperationFailedException http = ObjectHelper.getException(HttpOperationFailedException.class, exchange.getException());
        Long delay = null;
        if (http != null && (http.getStatusCode() == 429 || http.getStatusCode() == 503)) {
            delay = retryAfterMillis(header(http, "Retry-After"));
        }
        if (delay != null) {
            exchange.getIn().setHeader(Exchange.REDELIVERY_DELAY, Math.min(delay, maxDelayMillis));
        } else {
            exchange.getIn().removeHeader(Exchange.REDELIVERY_DELAY);
        }
    }

    /** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
    static Long retryAfterMillis(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        try {
            return Math.max(0, Long.parseLong(v)) * 1000;
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, Duration.between(ZonedDateTime.now(at.getZone()), at).toMillis());
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    private static String header(HttpOperationFailedException e, String name) {
        if (e.getResponseHeaders() == null) {
            return null;
        }
        return e.getResponseHeaders().entrySet().stream()
                .filter(h -> h.getKey().equalsIgnoreCase(name))
                .map(h -> h.getValue())
                .findFirst().orElse(null);
    }
}
