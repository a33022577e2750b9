package dev.trailrouter.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class HttpRetryPolicyTest {

    private static Exchange failedWith(Exception e) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setException(e);
        return exchange;
    }

    private static HttpOperationFailedException status(int code, Map<String, String> headers) {
        return new HttpOperationFailedException("http://receiver/events", code, "status " + code, null, headers, "");
    }

    @Test
    void retriesServerErrorsTimeoutsAndThrottling() {
        for (int code : new int[] {500, 502, 503, 504, 408, 429}) {
            assertTrue(DeliveryFailures.isRetryable(failedWith(status(code, Map.of()))), "status " + code);
        }
        assertTrue(DeliveryFailures.isRetryable(failedWith(new RuntimeException(new ConnectException("refused")))));
    }

    @Test
    void otherClientErrorsArePermanent() {
        for (int code : new int[] {400, 401, 403, 404, 410, 413, 422}) {
            assertFalse(DeliveryFailures.isRetryable(failedWith(status(code, Map.of()))), "status " + code);
        }
        assertFalse(DeliveryFailures.isRetryable(failedWith(new IllegalStateException("bug"))));
    }

    @Test
    void retryAfterSecondsBecomesTheNextDelay() {
        Exchange exchange = failedWith(status(429, Map.of("Retry-After", "2")));
        HttpRetryPolicy.applyRetryAfter(exchange, 60_000);
        assertEquals(2000L, exchange.getIn().getHeader(Exchange.REDELIVERY_DELAY, Long.class));
    }

    @Test
    void retryAfterIsCappedAndClearedWhenAbsent() {
        Exchange exchange = failedWith(status(503, Map.of("retry-after", "3600")));
        HttpRetryPolicy.applyRetryAfter(exchange, 30_000);
        assertEquals(30_000L, exchange.getIn().getHeader(Exchange.REDELIVERY_DELAY, Long.class));
        exchange.setException(status(500, Map.of()));
        HttpRetryPolicy.applyRetryAfter(exchange, 30_000);
        assertNull(exchange.getIn().getHeader(Exchange.REDELIVERY_DELAY));
    }

    @Test
    void retryAfterMayBeAnHttpDate() {
        String inTenSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(10));
        long millis = HttpRetryPolicy.retryAfterMillis(inTenSeconds);
        assertTrue(millis > 8_000 && millis <= 10_000, "got " + millis);
        assertNull(HttpRetryPolicy.retryAfterMillis("soon"));
    }
}
