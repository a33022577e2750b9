package dev.trailrouter.deliver;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonMappingException;
import org.junit.jupiter.api.Test;

class DeliveryFailuresTest {

    /**
     * Writing an event whose detail holds a number no BigDecimal holds fails inside Jackson as a JsonMappingException
     * (an IOException) around a NumberFormatException: the same on every attempt, so not retried (no retry budget
     * spent, the destination not marked down), while a plain I/O failure still is.
     */
    @Test
    void aValueNoTypeHoldsIsNotRetriedAnIoFailureIs() {
        JsonMappingException unwritable = JsonMappingException.wrapWithPath(
                new NumberFormatException("Exponent overflow"), new JsonMappingException.Reference(null, "detail"));
        assertFalse(DeliveryFailures.isRetryable(unwritable));
        assertTrue(DeliveryFailures.isRetryable(new IOException("connection reset")));
    }
}
