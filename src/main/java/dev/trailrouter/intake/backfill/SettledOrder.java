package dev.trailrouter.intake.backfill;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * The watermark over objects settled out of order: keys are added in key order as they are listed, settled in any
 * order by the workers, and the watermark moves to the last key of the unbroken run of settled keys from the start.
 * Holds only the keys between the watermark and the last listed one (about the objects in flight).
 */
final class SettledOrder {

    private final Deque<String> open = new ArrayDeque<>();
    private final Set<String> settled = new HashSet<>();
    private String watermark;

    SettledOrder(String watermark) {
        this.watermark = watermark;
    }

    synchronized void listed(String key) {
        open.addLast(key);
    }

    /** Marks the key settled; true when the watermark moved. */
    synchronized boolean settle(String key) {
        settled.add(key);
        boolean moved = false;
        while (!open.isEmpty() && settled.remove(open.peekFirst())) {
            watermark = open.pollFirst();
            moved = true;
        }
        return moved;
    }

    synchronized String watermark() {
        return watermark;
    }

    /** No listed key is waiting. */
    synchronized boolean allSettled() {
        return open.isEmpty();
    }
}
