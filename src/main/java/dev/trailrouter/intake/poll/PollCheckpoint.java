package dev.trailrouter.intake.poll;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A poller's durable progress, two edges in time: everything before {@code settled} was read at least
 * trailing-window after it happened (so late arrivals are in), and everything before {@code fresh} was read at least
 * once. Each poll reads {@code [settled, now - trailing-window)} and {@code [fresh, now)}, so every event is read about
 * twice, once as soon as possible and once when it is old enough to be complete, and dedup drops the repeat.
 *
 * <p>Stored as {@code {"settled":"<ISO instant>","fresh":"<ISO instant>"}}.
 */
record PollCheckpoint(Instant settled, Instant fresh) {

    private static final Pattern FORMAT = Pattern.compile(
            "\\s*\\{\\s*\"settled\"\\s*:\\s*\"([^\"]+)\"\\s*,\\s*\"fresh\"\\s*:\\s*\"([^\"]+)\"\\s*}\\s*");

    static PollCheckpoint at(Instant start) {
        return new PollCheckpoint(start, start);
    }

    /** @throws IllegalArgumentException naming what is wrong, when the value is not a checkpoint */
    static PollCheckpoint parse(String value) {
        Matcher m = FORMAT.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("not {\"settled\":\"<time>\",\"fresh\":\"<time>\"}: '"
                    + (value.length() > 80 ? value.substring(0, 80) + "…" : value).replaceAll("\\s+", " ") + "'");
        }
        try {
            PollCheckpoint checkpoint = new PollCheckpoint(Instant.parse(m.group(1)), Instant.parse(m.group(2)));
            if (checkpoint.fresh.isBefore(checkpoint.settled)) {
                throw new IllegalArgumentException("fresh " + checkpoint.fresh + " is before settled " + checkpoint.settled);
            }
            return checkpoint;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("a time is not an ISO-8601 instant: " + e.getParsedString());
        }
    }

    String format() {
        return "{\"settled\":\"" + settled + "\",\"fresh\":\"" + fresh + "\"}";
    }
}
