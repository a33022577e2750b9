package dev.trailrouter.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trailrouter.support.LogLines;

/** The embedded dedup store: restarts, bounds, several processes on one directory, damaged lines. */
class FileDeliveredEventsTest {

    @TempDir
    Path dir;

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-11-30T12:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static List<String> ids(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "cloudtrail:ev-" + i).toList();
    }

    @Test
    void recordsSurviveARestartPerDestination() {
        try (FileDeliveredEvents store = new FileDeliveredEvents(dir, Duration.ofDays(1), 1000).open()) {
            store.record("siem", ids(0, 10));
        }
        try (FileDeliveredEvents again = new FileDeliveredEvents(dir, Duration.ofDays(1), 1000).open()) {
            assertEquals(Set.copyOf(ids(5, 10)), again.accepted("siem", ids(5, 15)));
            assertEquals(Set.of(), again.accepted("archive", ids(0, 10)), "another destination accepted none");
        }
    }

    @Test
    void entriesExpireAfterTheTtlAndTheOldestGoFirstPastMaxEntries() {
        TestClock clock = new TestClock();
        try (FileDeliveredEvents store = new FileDeliveredEvents(dir, Duration.ofHours(1), 100, clock, null).open()) {
            store.record("siem", ids(0, 10));
            clock.now = clock.now.plus(Duration.ofMinutes(59));
            assertEquals(10, store.accepted("siem", ids(0, 10)).size(), "live for the TTL");
            clock.now = clock.now.plus(Duration.ofMinutes(2));
            assertEquals(Set.of(), store.accepted("siem", ids(0, 10)), "expired after the TTL");

            store.record("siem", ids(100, 250)); // 150 entries, at most 100 kept: the first 50 recorded are gone
            assertEquals(100, store.size());
            assertEquals(Set.of(), store.accepted("siem", ids(100, 150)));
            assertEquals(Set.copyOf(ids(150, 250)), store.accepted("siem", ids(100, 250)));
        }
        try (FileDeliveredEvents reread = new FileDeliveredEvents(dir, Duration.ofHours(1), 100, clock, null).open()) {
            assertEquals(100, reread.size(), "the same bound when the log is read again after a restart");
            assertEquals(Set.copyOf(ids(150, 250)), reread.accepted("siem", ids(0, 250)));
        }
    }

    @Test
    void twoInstancesOnOneDirectorySeeEachOthersRecordsAcrossACompaction() throws Exception {
        TestClock clock = new TestClock();
        try (FileDeliveredEvents live = new FileDeliveredEvents(dir, Duration.ofHours(1), 1_000_000, clock, null).open();
             FileDeliveredEvents backfill = new FileDeliveredEvents(dir, Duration.ofHours(1), 1_000_000, clock, null).open()) {
            live.record("siem", ids(0, 5));
            assertEquals(Set.copyOf(ids(0, 5)), backfill.accepted("siem", ids(0, 10)), "the other's appends are read");
            backfill.record("siem", ids(5, 10));
            assertEquals(Set.copyOf(ids(0, 10)), live.accepted("siem", ids(0, 10)));

            // 10,000 more lines, then all of them expire: the next record finds the log mostly dead and compacts it
            for (int i = 0; i < FileDeliveredEvents.MIN_COMPACT_LINES; i += 1000) {
                live.record("siem", ids(1000 + i, 2000 + i));
            }
            clock.now = clock.now.plus(Duration.ofHours(2));
            backfill.record("siem", ids(50_000, 50_010));
            List<String> lines = Files.readAllLines(dir.resolve(FileDeliveredEvents.LOG_FILE));
            assertEquals(10, lines.size(), "compacted to the live entries by the backfill instance");
            assertEquals(Set.copyOf(ids(50_000, 50_010)), live.accepted("siem", ids(0, 60_000)),
                    "the live instance follows the compacted log: the 10 live entries, none of the expired");
            live.record("siem", ids(60_000, 60_005));
            assertEquals(15, backfill.accepted("siem", ids(0, 70_000)).size(), "and appends to it");
        }
    }

    @Test
    void twoProcessesAppendingAtOnceLoseNoRecordAndSeeEachOthers() throws Exception {
        List<Process> writers = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), DedupLogWriter.class.getName(), dir.toString(), name, "2000");
            builder.redirectErrorStream(true).redirectOutput(dir.resolve(name + ".out").toFile());
            writers.add(builder.start());
        }
        for (Process writer : writers) {
            assertTrue(writer.waitFor(120, TimeUnit.SECONDS), "writer finished");
            assertEquals(0, writer.exitValue(), Files.readString(dir.resolve(writers.indexOf(writer) == 0 ? "a.out" : "b.out")));
        }
        // each writer checked, while the other was writing, that everything it had recorded was seen (exit 0);
        // both processes' 2,000 records each are all in the log
        try (FileDeliveredEvents store = new FileDeliveredEvents(dir, Duration.ofDays(1), 1_000_000).open()) {
            List<String> all = new ArrayList<>();
            for (String name : List.of("a", "b")) {
                IntStream.range(0, 2000).forEach(i -> all.add(name + "-" + i));
            }
            assertEquals(4000, store.accepted("siem", all).size());
        }
        String seen = Files.readString(dir.resolve("a.out")) + Files.readString(dir.resolve("b.out"));
        assertTrue(seen.contains("saw the other's records"), "each saw the other's records while both ran:\n" + seen);
    }

    @Test
    void aTornLastLineAndAGarbledLineAreReportedAndTheRestIsKept() throws Exception {
        try (FileDeliveredEvents store = new FileDeliveredEvents(dir, Duration.ofDays(1), 1000).open()) {
            store.record("siem", ids(0, 3));
        }
        Path log = dir.resolve(FileDeliveredEvents.LOG_FILE);
        String good = Files.readString(log);
        long expires = Long.parseLong(good.substring(0, good.indexOf('\t')));
        Files.writeString(log, "garbage without tabs\n" + good + expires + "\tsiem\tcloudtrail:ev-3\n"
                + expires + "\tsi", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING); // a kill mid-line
        try (LogLines lines = LogLines.capture();
             FileDeliveredEvents store = new FileDeliveredEvents(dir, Duration.ofDays(1), 1000).open()) {
            assertEquals(Set.copyOf(ids(0, 4)), store.accepted("siem", ids(0, 10)), "every readable line kept");
            assertEquals(1, lines.containing("2 unreadable line(s) skipped, the first at byte 0").size(), lines.all().toString());
            store.record("siem", ids(4, 5)); // terminates the torn line first
        }
        try (FileDeliveredEvents store = new FileDeliveredEvents(dir, Duration.ofDays(1), 1000).open()) {
            assertEquals(Set.copyOf(ids(0, 5)), store.accepted("siem", ids(0, 10)), "the record after the torn line is whole");
        }
    }
    /**
     * Claims between two holders on one directory (as the live consumer and a backfill are): the second cannot claim
     * what the first claimed until the first releases it; what the first recorded is refused as accepted; a claim of
     * a process that is gone (a kill -9) and a claim past its TTL count no more; and a store closed with claims held
     * ends them.
     */
    @Test
    void aClaimKeepsOtherHoldersOffUntilReleasedRecordedOrItsProcessIsGone() throws Exception {
        TestClock clock = new TestClock();
        clock.now = Instant.now();
        try (FileDeliveredEvents a = new FileDeliveredEvents(dir, Duration.ofDays(1), 1000, clock, null).open();
             FileDeliveredEvents b = new FileDeliveredEvents(dir, Duration.ofDays(1), 1000, clock, null).open()) {
            assertEquals(Set.of(), a.claim("siem", ids(0, 10)));
            assertEquals(Set.of(), a.claim("siem", ids(0, 10)), "a holder's own claims are no obstacle to it");
            assertEquals(Set.copyOf(ids(5, 10)), b.claim("siem", ids(5, 15)), "b may claim only 10-14");
            assertEquals(Set.of(), b.claim("other", ids(0, 10)), "claims are per destination");

            a.release("siem", ids(5, 8));
            assertEquals(Set.copyOf(ids(8, 10)), b.claim("siem", ids(5, 10)), "5-7 released by a");
            a.record("siem", ids(8, 10));
            assertEquals(Set.copyOf(ids(8, 10)), b.claim("siem", ids(8, 10)), "8-9 accepted: refused, not claimed");
            b.release("siem", ids(5, 8));

            clock.now = clock.now.plus(FileDeliveredEvents.CLAIM_TTL).plusSeconds(1);
            assertEquals(Set.of(), b.claim("siem", ids(0, 5)), "a's claims of 0-4 past their TTL");
        }
        // a claim written by a process that has ended counts no more; a store closed with claims held ended them
        Process gone = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long pid = gone.pid();
        long started = gone.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        assertTrue(gone.waitFor(30, TimeUnit.SECONDS));
        Files.writeString(dir.resolve(FileDeliveredEvents.CLAIMS_FILE), "C\t" + pid + ":" + started + ":1\t"
                + System.currentTimeMillis() + "\tsiem\tcloudtrail:ev-100\n", StandardOpenOption.APPEND);
        try (FileDeliveredEvents c = new FileDeliveredEvents(dir, Duration.ofDays(1), 1000).open()) {
            assertEquals(Set.of(), c.claim("siem", List.of("cloudtrail:ev-100")), "its process is gone");
            assertEquals(Set.of(), c.claim("siem", ids(10, 15)), "b's claims ended when b was closed");
        }
    }
}
