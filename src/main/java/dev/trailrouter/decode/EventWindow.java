package dev.trailrouter.decode;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.atomic.LongAdder;

import dev.trailrouter.event.Event;

/**
 * The events of a time range [from, to): what a backfill delivers of the objects it reads. A CloudTrail log file near
 * the range's start also holds records of the minutes before it (a file is written minutes after its records), and
 * those belong to the run of the previous range; so records are kept by their own {@code eventTime}. An event whose
 * time cannot be read is kept: a bad timestamp is no reason to lose it.
 *
 * @param from    first instant kept
 * @param to      first instant no longer kept
 * @param skipped counts the events left out, for the run's summary
 */
public record EventWindow(Instant from, Instant to, LongAdder skipped) {

    public EventWindow(Instant from, Instant to) {
        this(from, to, new LongAdder());
    }

    public boolean keeps(Event event) {
        if (event.time() == null) {
            return true;
        }
        try {
            Instant time = Instant.parse(event.time());
            return !time.isBefore(from) && time.isBefore(to);
        } catch (DateTimeParseException e) {
            return true;
        }
    }
}
