package dev.trailrouter.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonMappingException;
import org.junit.jupiter.api.Test;

/** Which failures are bad input: the message is dead-lettered with a reason instead of coming back for ever. */
class RejectedInputExceptionTest {

    @Test
    void aRejectionAnywhereInTheChainIsItself() {
        RejectedInputException rejected = new RejectedInputException("malformed-json", "x");
        assertSame(rejected, RejectedInputException.in(new IllegalStateException("wrapped", rejected)));
    }

    /** Jackson, with BigDecimal for floats, throws a bare NumberFormatException for an exponent past an int. */
    @Test
    void valuesNoTypeHoldsAreBadInputWhereverTheyAreThrown() {
        NumberFormatException jackson = assertThrows(NumberFormatException.class,
                () -> JsonLimits.objectMapper().readTree("{\"x\":1e2147483648}"));
        RejectedInputException rejected = RejectedInputException.in(jackson);
        assertEquals("malformed-value", rejected.reason());
        assertTrue(rejected.getMessage().contains("NumberFormatException"), rejected.getMessage());

        ArithmeticException overflow = assertThrows(ArithmeticException.class,
                () -> Duration.between(Instant.parse("-300000000-01-01T00:00:00Z"), Instant.now()).toMillis());
        assertEquals("malformed-value", RejectedInputException.in(new RuntimeException(overflow)).reason());
        java.time.DateTimeException beyond = assertThrows(java.time.DateTimeException.class,
                () -> Instant.ofEpochSecond(99_999_999_999_999_999L));
        assertEquals("malformed-value", RejectedInputException.in(JsonMappingException.wrapWithPath(
                new RuntimeException(beyond), new JsonMappingException.Reference(null, "detail"))).reason());
    }

    @Test
    void transientFailuresAreNot() {
        assertNull(RejectedInputException.in(new UncheckedIOException(new IOException("connection reset"))));
        assertNull(RejectedInputException.in(new IllegalStateException("a bug")));
    }
}
