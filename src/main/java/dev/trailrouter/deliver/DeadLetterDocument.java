package dev.trailrouter.deliver;

import java.util.List;

import dev.trailrouter.event.Event;

/**
 * What a destination's dead-letter target holds: one JSON document per failed batch (or per part of one, when a batch
 * is larger than an SQS message may be). The replay route reads it back.
 *
 * @param destination the destination's name
 * @param reason      why delivery failed, secrets redacted
 * @param failedAt    ISO-8601
 * @param events      the events that were not delivered, in the Event format
 */
public record DeadLetterDocument(String destination, String reason, String failedAt, List<Event> events) {
}
