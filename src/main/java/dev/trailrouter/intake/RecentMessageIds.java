package dev.trailrouter.intake;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.trailrouter.state.DeliveredEvents;

/**
 * The push intake's MessageId dedup when no durable {@link DeliveredEvents} store is bound: the last
 * {@value #CAPACITY} ids per pseudo-destination, in memory. SNS retries an HTTP delivery for at most an hour (its
 * delivery policy's hard limit), so this covers every retry of a running instance (a notification older than
 * {@code max-message-age-millis} is refused by its Timestamp before this is asked); it does not survive a restart, and
 * it does not cover several instances behind one load balancer — bind a durable store for those (docs/operations.md).
 */
final class RecentMessageIds implements DeliveredEvents {

    static final int CAPACITY = 100_000;

    private final Map<String, Map<String, Boolean>> byDestination = new LinkedHashMap<>();

    @Override
    public synchronized Set<String> accepted(String destination, Collection<String> eventIds) {
        Map<String, Boolean> ids = byDestination.get(destination);
        if (ids == null) {
            return Set.of();
        }
        return eventIds.stream().filter(ids::containsKey).collect(Collectors.toSet());
    }

    @Override
    public synchronized void record(String destination, Collection<String> eventIds) {
        Map<String, Boolean> ids = byDestination.computeIfAbsent(destination, d -> new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > CAPACITY;
            }
        });
        eventIds.forEach(id -> ids.put(id, Boolean.TRUE));
    }
}
