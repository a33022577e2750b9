package dev.trailrouter.observe;

import java.time.DateTimeException;

import org.apache.camel.util.ObjectHelper;

/**
 * Failures that stand for a value no number or time type can hold: a number Jackson cannot make a BigDecimal of
 * ({@code 1e2147483648}: a bare NumberFormatException, neither an IOException nor a JsonProcessingException), a time
 * past what an Instant or a Duration holds (DateTimeException, ArithmeticException). Such a failure comes back the
 * same on every attempt: the intake dead-letters its message as bad input, a destination does not retry it. One list,
 * for decode, intake and deliver alike (deliver does not import decode).
 */
public final class ValueErrors {

    /** The exception types that count, for a route's {@code onException} too. */
    public static final Class<?>[] TYPES = {NumberFormatException.class, ArithmeticException.class, DateTimeException.class};

    private ValueErrors() {
    }

    /** The value error among the failure's causes, or null. */
    public static Throwable find(Throwable failure) {
        for (Class<?> type : TYPES) {
            Throwable found = ObjectHelper.getException(type.asSubclass(Throwable.class), failure);
            if (found != null) {
                return found;
            }
        }
        return null;
    }
}
