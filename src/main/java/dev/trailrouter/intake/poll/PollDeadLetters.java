package dev.trailrouter.intake.poll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.trailrouter.decode.PolledRecords.Malformed;
import dev.trailrouter.event.EventIds;

/**
 * Where a poller's unreadable records go: a poller has no queue whose DLQ could hold them (polling is what runs where
 * no queue is allowed), so each is a JSON file {@code <dir>/<poller>/<record id>.json} holding the record as the API
 * returned it, the reason, the page it was on and when. Written atomically (temporary file, forced, renamed), and named
 * by the record's id, so the second read of a window (trailing-window) rewrites the same file instead of adding one.
 * A write that fails keeps the page's checkpoint where it is: the page is read again at a later poll.
 */
final class PollDeadLetters {

    private final Path dir;
    private final ObjectMapper json;

    private static final java.util.regex.Pattern SAFE_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private final com.fasterxml.jackson.databind.ObjectWriter writer;

    PollDeadLetters(Path dir, ObjectMapper json) {
        this.dir = dir;
        this.json = json;
        this.writer = json.writerWithDefaultPrettyPrinter();
    }

    Path dir() {
        return dir;
    }

    /** @return the file written */
    Path write(String poller, String page, Malformed record) throws IOException {
        Path pollerDir = Files.createDirectories(dir.resolve(poller));
        String id = record.id() != null && SAFE_ID.matcher(record.id()).matches() ? record.id()
                : "sha256-" + EventIds.contentHash(dev.trailrouter.event.Origin.ofMessage(poller, "-"), record.record());
        ObjectNode letter = json.createObjectNode();
        letter.put("poller", poller);
        letter.put("page", page);
        letter.put("reason", record.reason());
        letter.put("failedAt", Instant.now().toString());
        letter.put("record", record.record());
        Path file = pollerDir.resolve(id + ".json");
        dev.trailrouter.state.AtomicFiles.write(file, writer.writeValueAsBytes(letter));
        return file;
    }
}
