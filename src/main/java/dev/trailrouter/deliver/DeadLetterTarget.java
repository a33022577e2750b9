package dev.trailrouter.deliver;

import java.util.List;

import dev.trailrouter.event.Event;

/**
 * Where a destination puts the events it could not deliver, with the reason: {@code sqs:<queue URL>} or
 * {@code dir:<path>}. A write that fails throws, which fails the SQS message: it is then not deleted.
 */
public interface DeadLetterTarget {

    void write(String destination, String reason, List<Event> events);

    /** The spec as written in the destination file, for logs. */
    String describe();
}
