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
 * <p>The run of the previous range reads files written up to its end plus the lateness, so the records of the minutes
 * before {@code from} are its own only in those files. A file written later than that ({@link #forFileWritten}) was
 * never read by that run: its records from before {@code from} are kept here, or no run would deliver them.
 *
 * @param from         first instant kept
 * @param to           first instant no longer kept
 * @param skipped      counts the events left out, for the run's summary
 * @param keepsEarlier whether records before {@code from} are kept too (a file the previous range's run did not read)
 */
public record EventWindow(Instant from, Instant to, LongAdder skipped, boolean keepsEarlier) {

    public EventWindow(Instant from, Instant to) {
        this(from, to, new LongAdder(), false);
    }

    /**
     * The window for one file written at {@code written} (the time in its key, if it has one): a file written at or
     * after {@code from + lateness} was not read by the run of the range before this one, so it keeps its earlier
     * records.
     */
    public EventWindow forFileWritten(java.util.Optional<Instant> written, java.time.Duration lateness) {
        boolean late = written.isPresent() && !written.get().isBefore(from.plus(lateness));
        return new EventWindow(from, to, skipped, late);
    }

    public boolean keeps(Event event) {
        if (event.time() == null) {
            return true;
        }
        try {
            Instant time = Instant.parse(event.time());
            return (keepsEarlier || !time.isBefore(from)) && time.isBefore(to);
        } catch (DateTimeParseException e) {
            return true;
        }
    }
}
