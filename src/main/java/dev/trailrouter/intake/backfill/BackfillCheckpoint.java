package dev.trailrouter.intake.backfill;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.trailrouter.state.Checkpoints;
import dev.trailrouter.state.StateStoreException;

/**
 * A backfill's durable progress, one small JSON value under the run's name ({@link BackfillRequest#checkpointName}).
 *
 * <p>The run's objects form one sequence in key order (day folders sorted, keys listed in order within each), so one
 * key says how far it got: the <em>watermark</em>, the last key such that it and every key before it is settled (its
 * ledger's verdict was done, or it was rejected as bad input). Objects finished after the watermark while an earlier
 * one was still in flight are read again after a kill; dedup keeps their events from reaching a destination twice.
 * A resumed run lists no day folder before the watermark's, and lists the watermark's folder from the watermark on.
 * The value stays a few hundred bytes whatever the number of objects: rejected keys are the only list, kept to
 * {@value #MAX_REJECTED_KEPT} (the count is exact).
 *
 * @param watermark     last key settled with every key before it, or null before the first
 * @param complete      every object of the window is settled
 * @param objects       objects settled so far (all runs with this name)
 * @param events        events delivered so far
 * @param outside       records read but outside the window (kept by eventTime)
 * @param deadLettered  rejected objects written to the dead-letter queue
 * @param rejectedCount rejected objects not dead-lettered (the run exits non-zero while there are any)
 * @param rejected      the first of those, key and reason
 */
record BackfillCheckpoint(String watermark, boolean complete, long objects, long events, long outside,
                          long deadLettered, long rejectedCount, List<Rejected> rejected) {

    static final int MAX_REJECTED_KEPT = 20;

    record Rejected(String key, String reason) {
    }

    static BackfillCheckpoint empty() {
        return new BackfillCheckpoint(null, false, 0, 0, 0, 0, 0, List.of());
    }

    /**
     * The saved progress, or empty for a first run. A value that is there but not a checkpoint of this format throws:
     * starting over silently would deliver the whole window again.
     */
    static Optional<BackfillCheckpoint> read(Checkpoints store, String name, ObjectMapper json) {
        Optional<String> value = store.read(name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            JsonNode node = json.readTree(value.get());
            if (node == null || node.path("version").asInt() != 1 || !node.has("objects")) {
                throw new IllegalArgumentException("not a version 1 backfill checkpoint");
            }
            List<Rejected> rejected = new ArrayList<>();
            for (JsonNode r : node.path("rejected")) {
                rejected.add(new Rejected(r.path("key").asText(), r.path("reason").asText()));
            }
            return Optional.of(new BackfillCheckpoint(
                    node.path("watermark").isTextual() ? node.path("watermark").asText() : null,
                    node.path("complete").asBoolean(), node.path("objects").asLong(), node.path("events").asLong(),
                    node.path("outside").asLong(), node.path("deadLettered").asLong(),
                    node.path("rejectedCount").asLong(), List.copyOf(rejected)));
        } catch (Exception e) {
            throw new StateStoreException("checkpoint '" + name + "' cannot be read: " + e.getMessage()
                    + " (move it away to start the window over; its events would be delivered again, dedup drops "
                    + "those already accepted)", e);
        }
    }

    void write(Checkpoints store, String name, String run, ObjectMapper json) {
        ObjectNode node = json.createObjectNode();
        node.put("version", 1);
        node.put("run", run);
        node.put("watermark", watermark);
        node.put("complete", complete);
        node.put("objects", objects);
        node.put("events", events);
        node.put("outside", outside);
        node.put("deadLettered", deadLettered);
        node.put("rejectedCount", rejectedCount);
        var list = node.putArray("rejected");
        for (Rejected r : rejected) {
            list.addObject().put("key", r.key()).put("reason", r.reason());
        }
        store.write(name, node.toString());
    }
}
