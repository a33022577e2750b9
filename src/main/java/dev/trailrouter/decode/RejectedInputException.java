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

    /** A short, stable, metric-friendly reason such as {@code malformed-json} or {@code object-not-found}. */
    public String reason() {
        return reason;
    }
}
