package dev.trailrouter.state;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

import org.apache.camel.spi.IdempotentRepository;

/**
 * Dedup backed by any Camel {@link IdempotentRepository} bean (JDBC, Redis, Infinispan, Hazelcast…), chosen with
 * {@code trailrouter.state.store=#beanName}: the key of an event is {@code <destination>/<eventId>}, or
 * {@code <namespace>/<destination>/<eventId>} when {@code trailrouter.state.namespace} is set (a repository shared by
 * several deployments: see {@link StateStores}); {@link #accepted}
 * asks {@code contains} per key, {@link #record} calls {@code add} (and {@code confirm}, for repositories that hold
 * an added key as pending until confirmed). One call per event: such a store is as fast as the repository's
 * {@code contains}. Its TTL and size bounds are the repository's own. A repository that throws makes the store
 * unable to answer ({@link StateStoreException}), with the same consequences as any other store.
 */
public final class IdempotentRepositoryDeliveredEvents implements DeliveredEvents {

    private final IdempotentRepository repository;
    private final String name;
    private final String prefix;
    private final java.util.function.BiConsumer<String, Integer> requests;

    public IdempotentRepositoryDeliveredEvents(IdempotentRepository repository, String name,
                                               java.util.function.BiConsumer<String, Integer> requests) {
        this(repository, name, null, requests);
    }

    /** With keys in {@code namespace} ({@link StateStores#NAMESPACE}), or without a prefix when it is null. */
    public IdempotentRepositoryDeliveredEvents(IdempotentRepository repository, String name, String namespace,
                                               java.util.function.BiConsumer<String, Integer> requests) {
        this.repository = repository;
        this.name = name;
        this.prefix = namespace == null ? "" : StateStores.requireNamespace(namespace) + "/";
        this.requests = requests == null ? (op, n) -> { } : requests;
    }

    @Override
    public String storeName() {
        return "#" + name;
    }

    public static String key(String destination, String eventId) {
        return destination + "/" + eventId;
    }

    private String scoped(String destination, String eventId) {
        return prefix + key(destination, eventId);
    }

    @Override
    public Set<String> accepted(String destination, Collection<String> eventIds) {
        Set<String> found = new LinkedHashSet<>();
        try {
            for (String id : eventIds) {
                requests.accept("read", 1);
                if (repository.contains(scoped(destination, id))) {
                    found.add(id);
                }
            }
        } catch (RuntimeException e) {
            throw new StateStoreException("idempotent repository #" + name + ": " + e.getClass().getSimpleName()
                    + ": " + e.getMessage(), e);
        }
        return found;
    }

    @Override
    public void record(String destination, Collection<String> eventIds) {
        try {
            for (String id : eventIds) {
                requests.accept("write", 1);
                String key = scoped(destination, id);
                repository.add(key);
                repository.confirm(key);
            }
        } catch (RuntimeException e) {
            throw new StateStoreException("idempotent repository #" + name + ": " + e.getClass().getSimpleName()
                    + ": " + e.getMessage(), e);
        }
    }
}
