package dev.trailrouter.decode;

/**
 * Input that will never succeed however often it is retried (malformed JSON, unknown shape, missing object, an object
 * that is not a CloudTrail log or is over the size cap). The intake route writes the message to the dead-letter queue
 * with {@link #reason()} and only then lets SQS delete it.
 */
public class RejectedInputException extends RuntimeException {

    private final String reason;

    public RejectedInputException(String reason, String detail) {
        this(reason, detail, null);
    }

    public RejectedInputException(String reason, String detail, Throwable cause) {
        super(reason + ": " + detail, cause);
        this.reason = reason;
    }

    /**
     * The bad input a failure stands for, or null when it is not one: a RejectedInputException anywhere in the chain;
     * else a {@link dev.trailrouter.observe.ValueErrors value error}, which fails the same way on every attempt, so
     * retrying it would only keep the message coming back with no reason until its redrive: {@code malformed-value}.
     */
    public static RejectedInputException in(Throwable failure) {
        RejectedInputException rejected = org.apache.camel.util.ObjectHelper.getException(RejectedInputException.class, failure);
        if (rejected != null) {
            return rejected;
        }
        Throwable value = dev.trailrouter.observe.ValueErrors.find(failure);
        return value == null ? null : new RejectedInputException("malformed-value", "a value no number or time type "
                + "can hold (" + value.getClass().getSimpleName() + ": "
                + dev.trailrouter.observe.LogSafe.oneLine(value.getMessage()) + ")", failure);
    }

    /** A short, stable, metric-friendly reason such as {@code malformed-json} or {@code object-not-found}. */
    public String reason() {
        return reason;
    }
}
