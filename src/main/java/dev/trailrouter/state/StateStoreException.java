package dev.trailrouter.state;

/** A dedup or checkpoint store could not answer (unreachable, throttled past its retries, unreadable). */
public class StateStoreException extends RuntimeException {

    public StateStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StateStoreException(String message) {
        super(message);
    }
}
