package dev.trailrouter.deliver;

import static dev.trailrouter.observe.LogFields.field;
import static dev.trailrouter.observe.LogFields.only;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.trailrouter.event.Event;
import dev.trailrouter.event.FindingEvents;
import dev.trailrouter.ledger.DeliveryLedger;
import dev.trailrouter.observe.LogSafe;
import dev.trailrouter.state.DeliveredEvents;
import dev.trailrouter.state.StateStoreException;

/**
 * Durable dedup at each destination (the {@link DeliveredEvents} bound in the registry; none when
 * {@code trailrouter.state.store=none}). After a destination's filter, the events the store says that destination
 * already accepted are taken out of the batch, counted ({@code trailrouter_duplicates_suppressed_total}) and reported
 * to the unit's ledger as accepted; after a part of the batch was accepted, its events are recorded for the
 * destination. Dead-lettered or failed events are never recorded: a replay or a redelivery must deliver them.
 *
 * <p>A store that cannot say what was accepted fails that destination for the unit (the ledger's {@code failed}, the
 * reason naming the store): the unit comes back, and nothing is skipped or sent twice silently. A store that cannot
 * record after the events were delivered is one WARN line and a count, and the unit stays done: failing it would
 * deliver every one of its events again for certain, to be recorded later, while leaving it done only risks a
 * duplicate if the same events come again.
 *
 * <p>Within one process, two units carrying the same event at the same time (the same CloudTrail object notified on
 * two queues) would both pass the store before either recorded it. So an event is first claimed for the destination
 * in memory, until its part was recorded or failed, and only then looked up in the store (a holder records before it
 * releases, so a claim won after another unit's delivery finds its record); a unit meeting another's claim gives back its own
 * claims (no hold-and-wait, no deadlock), waits for the other claims to end (at most {@link #CLAIM_WAIT_MILLIS}, then
 * it delivers: at-least-once wins over a stall), and asks the store again. Across processes the claim is the
 * store's ({@link DeliveredEvents#claim}: the file store holds claims for every process on its directory): an event
 * another process is delivering is waited for the same way, polling the store every {@link #CLAIM_POLL_MILLIS} ms.
 * A store without claims (DynamoDB) keeps that race for events in flight at the same moment; see docs/operations.md.
 *
 * <p>The dedup key of an event is {@code <kind>:<id>}; a Security Hub or GuardDuty finding adds its update time, since
 * a finding keeps its id through its updates and each update must reach the destination.
 */
final class Dedup {

    private static final Logger LOG = LoggerFactory.getLogger("dev.trailrouter.deliver");
    static final long CLAIM_WAIT_MILLIS = 60_000;
    static final long CLAIM_POLL_MILLIS = 100;
    private static final String CLAIM = "trailrouterDedupClaim-";

    private final DeliveredEvents store;
    private final String storeName;
    private final Map<String, Claim> claims = new ConcurrentHashMap<>();

    Dedup(DeliveredEvents store) {
        this.store = store;
        this.storeName = store.storeName(); // the same tag as the store's own request counts
    }

    /** The dedup key of an event (see the class comment). */
    static String key(Event event) {
        String id = event.kind() + ":" + event.id();
        if ((FindingEvents.SECURITY_HUB.equals(event.kind()) || FindingEvents.GUARDDUTY.equals(event.kind()))
                && event.time() != null) {
            id = id + "@" + event.time();
        }
        return id.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }

    /**
     * The events of the batch this destination has not accepted yet (duplicates within the batch dropped too), each
     * claimed for this exchange; or none when the store cannot answer (the destination then failed for the unit).
     */
    List<Event> unseen(Exchange exchange, Destination destination, List<Event> events) {
        DeliveryLedger ledger = DeliveryLedger.of(exchange);
        if (events.isEmpty()) {
            return events;
        }
        String name = destination.name();
        Map<String, Event> byKey = new LinkedHashMap<>();
        for (Event event : events) {
            byKey.putIfAbsent(key(event), event);
        }
        Claim mine = exchange.getProperty(CLAIM + name, Claim.class);
        if (mine == null || mine.done.isDone()) { // a finished claim an earlier batch's copy handed back
            mine = newClaim(exchange, name);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLAIM_WAIT_MILLIS);
        Map<String, Event> pending = byKey;
        boolean waitedElsewhere = false;
        while (true) {
            // Claim in memory first, then ask the store about the events: a unit records its events before it releases
            // their claims, so whatever we could claim was either never accepted or is recorded where the store tells.
            // (Asking first left a gap: a unit finishing between our question and our claim was delivered twice.)
            List<CompletableFuture<Void>> busy = new ArrayList<>();
            List<String> taken = new ArrayList<>();
            for (String key : pending.keySet()) {
                Claim other = claims.putIfAbsent(claimKey(name, key), mine);
                if (other == null || other == mine) {
                    taken.add(key);
                } else {
                    busy.add(other.done);
                }
            }
            mine.add(taken);
            boolean late = System.nanoTime() > deadline;
            if (!busy.isEmpty() && !late) {
                // another unit of this process is delivering some of these events: give back ours, wait, ask again
                release(mine, taken, false);
                mine = await(exchange, name, mine, busy, deadline, false);
                continue;
            }
            Set<String> accepted;
            try {
                accepted = store.accepted(name, pending.keySet());
            } catch (StateStoreException | IllegalArgumentException e) {
                release(mine, taken, false);
                unavailable(exchange, ledger, name, events.size(), e);
                return List.of();
            }
            List<String> already = taken.stream().filter(accepted::contains).toList();
            release(mine, already, false); // nothing to deliver: their claims end now
            taken.removeAll(already);
            Map<String, Event> left = new LinkedHashMap<>(pending);
            left.keySet().removeAll(accepted);
            boolean elsewhere = false;
            if (!taken.isEmpty() && !late) {
                Set<String> refused;
                try {
                    refused = store.claim(name, taken);
                } catch (StateStoreException | IllegalArgumentException e) {
                    release(mine, taken, false);
                    unavailable(exchange, ledger, name, events.size(), e);
                    return List.of();
                }
                if (!refused.isEmpty()) {
                    // accepted meanwhile, or being delivered by another process: ask again after a while
                    elsewhere = true;
                    release(mine, new ArrayList<>(refused), false);
                    taken.removeAll(refused);
                }
            }
            if (!elsewhere || late) {
                if (waitedElsewhere && late) {
                    LOG.warn("destination={} waited {} ms for another process delivering the same events; delivering "
                            + "them (a duplicate is possible)", name, CLAIM_WAIT_MILLIS);
                }
                int suppressed = events.size() - left.size();
                if (suppressed > 0) {
                    if (ledger != null) {
                        ledger.accepted(name, suppressed);
                    }
                    DeliveryRuntime.of(exchange).metrics.duplicatesSuppressed(name, suppressed);
                    LOG.debug("destination={} suppressed {} event(s) it accepted already", name, suppressed);
                }
                return new ArrayList<>(left.values());
            }
            release(mine, taken); // our store claims too: the other process may need them
            waitedElsewhere = true;
            mine = await(exchange, name, mine, List.of(), deadline, true);
            pending = left;
        }
    }

    /**
     * Waits for other units' claims in this process to end, or, when another process holds some, for
     * {@link #CLAIM_POLL_MILLIS}; then returns the claim to go on with: a fresh one when giving back emptied ours (its
     * waiters were told it ended, so it must not take keys again).
     */
    private Claim await(Exchange exchange, String name, Claim mine, List<CompletableFuture<Void>> busy, long deadline,
                        boolean elsewhere) {
        try {
            long wait = Math.max(1, deadline - System.nanoTime());
            if (elsewhere) {
                Thread.sleep(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(wait), CLAIM_POLL_MILLIS)));
            } else {
                CompletableFuture.allOf(busy.toArray(CompletableFuture[]::new)).get(wait, TimeUnit.NANOSECONDS);
            }
        } catch (java.util.concurrent.TimeoutException late) {
            LOG.warn("destination={} waited {} ms for another unit delivering the same events; delivering them "
                    + "(a duplicate is possible)", name, CLAIM_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for another unit's delivery", e);
        } catch (java.util.concurrent.ExecutionException cannotHappen) {
            // claims complete normally
        }
        return mine.done.isDone() ? newClaim(exchange, name) : mine;
    }

    /** A new claim of this exchange at this destination, whatever it holds ended when the exchange is done. */
    private Claim newClaim(Exchange exchange, String name) {
        Claim claim = new Claim(name);
        exchange.setProperty(CLAIM + name, claim);
        exchange.getExchangeExtension().addOnCompletion(new org.apache.camel.support.SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                release(claim, claim.keys());
            }
        });
        return claim;
    }

    /** After a part of a batch was accepted: record its events for the destination, then release their claims. */
    void accepted(Exchange exchange, String destination, Collection<Event> events) {
        List<String> keys = events.stream().map(Dedup::key).distinct().toList();
        boolean recorded = false;
        try {
            store.record(destination, keys);
            recorded = true;
        } catch (RuntimeException e) {
            DeliveryRuntime.of(exchange).metrics.stateFailure(storeName, "record-failed");
            String reason = LogSafe.oneLine(e.getMessage());
            LOG.warn("{} {} delivered but not recorded in the dedup store: {}; if they come again they are "
                    + "delivered again", field("destination", destination), field("events", keys.size()), reason,
                    only("outcome", "record-failed"), only("reason", reason));
        }
        Claim mine = exchange.getProperty(CLAIM + destination, Claim.class);
        if (mine != null) {
            release(mine, keys, !recorded); // a record ends the store's claims; without one, release them
        }
    }

    /** After a part failed or was dead-lettered: its claims end without a record (the next unit delivers them). */
    void gaveUp(Exchange exchange, String destination, Collection<Event> events) {
        Claim mine = exchange.getProperty(CLAIM + destination, Claim.class);
        if (mine != null && events != null) {
            release(mine, events.stream().map(Dedup::key).toList());
        }
    }

    /** Gathered events (a Slack group): their claims end when the groups holding them settle. */
    void deferred(Exchange exchange, String destination, List<Event> events, List<CompletableFuture<Void>> groups) {
        Claim mine = exchange.getProperty(CLAIM + destination, Claim.class);
        if (mine == null) {
            return;
        }
        List<String> keys = events.stream().map(Dedup::key).toList();
        mine.hold(keys);
        CompletableFuture.allOf(groups.toArray(CompletableFuture[]::new))
                .whenComplete((ok, e) -> {
                    mine.unhold(keys);
                    release(mine, keys);
                });
    }

    private void unavailable(Exchange exchange, DeliveryLedger ledger, String destination, int count, Exception e) {
        String reason = "the dedup store cannot answer: " + LogSafe.oneLine(e.getMessage());
        DeliveryRuntime runtime = DeliveryRuntime.of(exchange);
        runtime.metrics.stateFailure(storeName, "unavailable");
        if (ledger == null) {
            throw new StateStoreException(reason, e);
        }
        ledger.failed(destination, count, reason);
        runtime.metrics.destinationEvents(destination, "failed", count);
        LOG.warn("{} {} not delivered: {}", field("destination", destination), field("events", count), reason,
                only("outcome", "failed"), only("reason", reason));
    }

    private void release(Claim mine, Collection<String> keys) {
        release(mine, keys, true);
    }

    /** Ends this unit's claims on these keys (not held by a group); {@code inStore}: the store's claims too. */
    private void release(Claim mine, Collection<String> keys, boolean inStore) {
        List<String> free = new ArrayList<>();
        List<String> ended = new ArrayList<>();
        for (String key : keys) {
            if (!mine.held(key)) {
                free.add(key);
                if (mine.remove(key)) {
                    ended.add(key);
                }
            }
        }
        // the store's claim first, while the memory claim still stands: the file store's claims are per process, so a
        // unit of this process claiming the key in between would have its fresh store claim removed by this release
        if (inStore && !ended.isEmpty()) {
            try {
                store.release(mine.destination, ended);
            } catch (RuntimeException e) {
                // the claims end with this process or their TTL; another process waits for them meanwhile
                LOG.debug("destination={} claims not released in the dedup store: {}", mine.destination,
                        LogSafe.oneLine(e.getMessage()));
            }
        }
        for (String key : free) {
            claims.remove(claimKey(mine.destination, key), mine);
        }
        if (mine.isEmpty()) {
            mine.done.complete(null);
        }
    }

    private static String claimKey(String destination, String key) {
        return destination + "\n" + key;
    }

    /** What one unit (its exchange) holds at one destination, and the future others wait on. */
    private static final class Claim {
        final String destination;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private final java.util.Set<String> keys = ConcurrentHashMap.newKeySet();
        private final java.util.Set<String> held = ConcurrentHashMap.newKeySet();

        Claim(String destination) {
            this.destination = destination;
        }

        void add(Collection<String> taken) {
            keys.addAll(taken);
        }

        boolean remove(String key) {
            return keys.remove(key);
        }

        List<String> keys() {
            return new ArrayList<>(keys);
        }

        boolean isEmpty() {
            return keys.isEmpty();
        }

        void hold(Collection<String> deferred) {
            held.addAll(deferred);
        }

        void unhold(Collection<String> deferred) {
            held.removeAll(deferred);
        }

        boolean held(String key) {
            return held.contains(key);
        }
    }
}
