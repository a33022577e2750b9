package dev.trailrouter.deliver;

/** A destination's own signal that a failure is transient (e.g. SNS batch entries failed on the service side). */
public class RetryableDeliveryException extends RuntimeException {
    public RetryableDeliveryException(String message) {
        super(message);
    }
}
