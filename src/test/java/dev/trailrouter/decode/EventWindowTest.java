package dev.trailrouter.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.trailrouter.event.Event;

/** A backfill's window keeps records by their own time: [from, to), and an unreadable time is kept, never lost. */
class EventWindowTest {

    private final EventWindow window = new EventWindow(Instant.parse("2026-11-01T00:00:00Z"),
            Instant.parse("2026-11-02T00:00:00Z"));

    private static Event at(String time) {
        return new Event("id", time, "cloudtrail", null, null, null, null, null, null, null, null, null);
    }

    @Test
    void keepsTheRecordsOfTheWindowByEventTime() {
        assertTrue(window.keeps(at("2026-11-01T00:00:00Z")), "from is inside");
        assertTrue(window.keeps(at("2026-11-01T23:59:59Z")));
        assertFalse(window.keeps(at("2026-11-02T00:00:00Z")), "to is outside");
        assertFalse(window.keeps(at("2026-10-31T23:59:00Z")), "the minute before: the previous window's");
    }

    @Test
    void keepsARecordWhoseTimeCannotBeRead() {
        assertTrue(window.keeps(at(null)));
        assertTrue(window.keeps(at("Nov 1, 2026 12:00 AM")));
        assertEquals(0, window.skipped().sum(), "counting is the reader's: keeps() only answers");
    }

    @Test
    void aFileThePreviousRangesRunCouldNotReadKeepsItsEarlierRecords() {
        java.time.Duration lateness = java.time.Duration.ofMinutes(15);
        Event lastSecondBefore = at("2026-10-31T23:59:59Z");
        // written 00:05: the run of the range before read it (its files up to 00:15): the record is that run's
        assertFalse(window.forFileWritten(java.util.Optional.of(Instant.parse("2026-11-01T00:05:00Z")), lateness)
                .keeps(lastSecondBefore));
        // written 00:20 (a late delivery): the run before never listed it, so this run keeps the record
        EventWindow late = window.forFileWritten(java.util.Optional.of(Instant.parse("2026-11-01T00:20:00Z")), lateness);
        assertTrue(late.keeps(lastSecondBefore));
        assertFalse(late.keeps(at("2026-11-02T00:00:00Z")), "the end still holds: the next range's run reads it");
        assertFalse(window.forFileWritten(java.util.Optional.empty(), lateness).keeps(lastSecondBefore),
                "no key time: the window as given");
    }
}
