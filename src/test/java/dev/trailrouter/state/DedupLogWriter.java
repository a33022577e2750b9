package dev.trailrouter.state;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A second (and third) process on one state directory, for {@link FileDeliveredEventsTest}: records {@code count} ids
 * named {@code <name>-<i>} ten at a time, and after each batch checks that everything it recorded is accepted; prints
 * when it saw ids the other writer recorded. Exit 1 when a record of its own is missing.
 */
public final class DedupLogWriter {

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        String name = args[1];
        String other = "a".equals(name) ? "b" : "a";
        int count = Integer.parseInt(args[2]);
        boolean sawOther = false;
        try (FileDeliveredEvents store = new FileDeliveredEvents(dir, Duration.ofDays(1), 1_000_000).open()) {
            List<String> mine = new ArrayList<>();
            for (int i = 0; i < count; i += 10) {
                List<String> batch = new ArrayList<>();
                for (int j = i; j < i + 10; j++) {
                    batch.add(name + "-" + j);
                }
                store.record("siem", batch);
                mine.addAll(batch);
                if (store.accepted("siem", mine).size() != mine.size()) {
                    System.out.println("missing records of my own after " + mine.size());
                    System.exit(1);
                }
                if (!sawOther && !store.accepted("siem", List.of(other + "-0")).isEmpty()) {
                    sawOther = true;
                    System.out.println(name + " saw the other's records after " + mine.size() + " of its own");
                }
            }
        }
    }
}
