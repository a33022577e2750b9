package dev.trailrouter.intake.backfill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trailrouter.state.FileCheckpoints;
import dev.trailrouter.state.StateStoreException;

/** The backfill's pieces that need no emulator: key layout, watermark, checkpoint value, request identity, progress. */
class BackfillPiecesTest {

    private static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-11-02T00:00:00Z");
    // a key as CloudTrail writes it for an organization trail (docs: "Finding your CloudTrail log files")
    private static final String KEY = "AWSLogs/o-abc123defg/111122223333/CloudTrail/us-east-1/2026/11/01/"
            + "111122223333_CloudTrail_us-east-1_20261101T0005Z_lHbmZ2Ue9Ocq7VqF.json.gz";

    @TempDir
    Path tmp;

    @Test
    void readsTheTimeOfALogFilesNameAndTellsDigestsAndOtherFilesApart() {
        assertEquals(Optional.of(Instant.parse("2026-11-01T00:05:00Z")), TrailKeys.keyTime(KEY));
        assertEquals(Optional.empty(), TrailKeys.keyTime(KEY.replace(".json.gz", "") + "/notes.txt"));
        assertEquals(Optional.empty(), TrailKeys.keyTime("AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/01/readme.md"));
        assertTrue(TrailKeys.isDigest("AWSLogs/o-abc123defg/111122223333/CloudTrail-Digest/us-east-1/2026/11/01/"
                + "111122223333_CloudTrail-Digest_us-east-1_org_us-east-1_20261101T010000Z.json.gz"));
        assertFalse(TrailKeys.isDigest(KEY));
    }

    @Test
    void theDayFoldersOfAWindowIncludeTheDayItsLateFilesAreIn() {
        assertEquals(List.of("2026/11/01/"), TrailKeys.days(FROM, TO));
        assertEquals(List.of("2026/11/01/", "2026/11/02/"), TrailKeys.days(FROM, TO.plus(Duration.ofMinutes(15))));
        assertEquals(List.of("2026/10/31/", "2026/11/01/"),
                TrailKeys.days(Instant.parse("2026-10-31T23:00:00Z"), Instant.parse("2026-11-01T00:10:00Z")));
        assertEquals(Instant.parse("2026-11-01T00:00:00Z"), TrailKeys.dayOf("x/CloudTrail/us-east-1/2026/11/01/"));
    }

    @Test
    void theWatermarkMovesOnlyOverAnUnbrokenRunOfSettledKeys() {
        SettledOrder order = new SettledOrder("a0");
        order.listed("a1");
        order.listed("a2");
        order.listed("a3");
        assertFalse(order.settle("a2"), "a1 is still in flight");
        assertEquals("a0", order.watermark());
        assertTrue(order.settle("a1"));
        assertEquals("a2", order.watermark(), "a1 and a2 settled");
        assertFalse(order.allSettled());
        assertTrue(order.settle("a3"));
        assertEquals("a3", order.watermark());
        assertTrue(order.allSettled());
    }

    @Test
    void theCheckpointIsAFewHundredBytesAndAnUnreadableOneIsAnErrorNamingIt() throws Exception {
        ObjectMapper json = new ObjectMapper();
        FileCheckpoints store = new FileCheckpoints(tmp);
        assertEquals(Optional.empty(), BackfillCheckpoint.read(store, "run", json));
        BackfillCheckpoint progress = new BackfillCheckpoint(KEY, false, 1200, 54000, 3, 0, 1,
                List.of(new BackfillCheckpoint.Rejected("AWSLogs/x/notes.txt", "not-cloudtrail")));
        progress.write(store, "run", "s3://b/ [from, to)", json);
        assertEquals(Optional.of(progress), BackfillCheckpoint.read(store, "run", json));
        assertTrue(Files.size(tmp.resolve("run.checkpoint")) < 500, Files.readString(tmp.resolve("run.checkpoint")));

        Files.writeString(tmp.resolve("run.checkpoint"), "{\"watermark\": \"AWSLo");
        StateStoreException torn = assertThrows(StateStoreException.class, () -> BackfillCheckpoint.read(store, "run", json));
        assertTrue(torn.getMessage().startsWith("checkpoint 'run' cannot be read: "), torn.getMessage());
        Files.writeString(tmp.resolve("run.checkpoint"), "{\"last\": \"something else\"}");
        assertThrows(StateStoreException.class, () -> BackfillCheckpoint.read(store, "run", json));
    }

    @Test
    void aRerunWithTheSameArgumentsHasTheSameCheckpointAndADifferentWindowOrDestinationListAnother() {
        BackfillRequest request = request(Set.of("siem"), 4);
        assertEquals(request.checkpointName(), request(Set.of("siem"), 8).checkpointName(), "concurrency is not identity");
        assertNotEquals(request.checkpointName(), request(Set.of("archive"), 4).checkpointName());
        assertNotEquals(request.checkpointName(), request(Set.of(), 4).checkpointName());
        assertTrue(request.checkpointName().matches("backfill-org-trail-[0-9a-f]{16}"), request.checkpointName());
        assertEquals("AWSLogs/o-abc123defg/", request.prefix());
        IllegalArgumentException backwards = assertThrows(IllegalArgumentException.class, () -> new BackfillRequest(
                "b", "", TO, FROM, Duration.ZERO, Set.of(), Set.of(), Set.of(), 1, 1));
        assertEquals("--from 2026-11-02T00:00:00Z must be before --to 2026-11-01T00:00:00Z", backwards.getMessage());
    }

    @Test
    void progressCountsObjectsAgainstAnEstimatedTotalUntilTheListingEnds() {
        String partial = BackfillProgress.line(new Backfill.Snapshot(50, 70, 60, 5000, 2, 8, false), 10);
        assertEquals("backfill: objects 50/240~, events 5000, day folders 2/8, 5.0 objects/s, 500 events/s, eta 0:38",
                partial);
        String listed = BackfillProgress.line(new Backfill.Snapshot(200, 240, 240, 20000, 8, 8, true), 40);
        assertEquals("backfill: objects 200/240, events 20000, day folders 8/8, 5.0 objects/s, 500 events/s, eta 0:08",
                listed);
    }

    private static BackfillRequest request(Set<String> destinations, int concurrency) {
        return new BackfillRequest("org-trail", "AWSLogs/o-abc123defg", FROM, TO, Duration.ofMinutes(15), Set.of(),
                Set.of("us-east-1"), destinations, concurrency, 3);
    }
}
