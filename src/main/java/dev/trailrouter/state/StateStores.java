package dev.trailrouter.state;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.IdempotentRepository;

import dev.trailrouter.config.AwsClients;
import dev.trailrouter.config.TrailRouterSettings;
import dev.trailrouter.observe.PipelineMetrics;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The store family {@code trailrouter.state.store} chooses, for dedup ({@link DeliveredEvents}) and checkpoints
 * ({@link Checkpoints}):
 * <ul>
 * <li>{@code file} (default): {@link FileDeliveredEvents} and {@link FileCheckpoints} under {@code trailrouter.state.dir};
 * <li>{@code dynamodb}: {@link DynamoDbDeliveredEvents} and {@link DynamoDbCheckpoints} in
 *     {@code trailrouter.state.dynamodb.table};
 * <li>{@code none}: no dedup (checkpoints stay files: an intake without a queue still needs them);
 * <li>{@code #bean}: dedup in that Camel {@link IdempotentRepository} bean, checkpoints in files.
 * </ul>
 * Every store counts its requests as {@code trailrouter_state_requests_total{store,op}}.
 *
 * <p>{@code trailrouter.state.namespace} names this deployment inside a store others may share: every dedup key and
 * checkpoint name it writes is in it, so two deployments on one DynamoDB table (or one repository, or one state
 * directory) neither suppress each other's events as duplicates nor advance each other's checkpoints. It is required
 * with {@code dynamodb}, whose table is made to be shared, and optional elsewhere: a file store without it keeps its
 * files directly in {@code trailrouter.state.dir} (a single instance needs no new setting), with it in
 * {@code <dir>/<namespace>/}; a {@code #bean} repository's keys get the {@code <namespace>/} prefix when it is set.
 */
public final class StateStores {

    /** The registry names the stores are bound under (the delivery stages look them up by type). */
    public static final String DELIVERED_EVENTS = "deliveredEvents";
    public static final String CHECKPOINTS = "checkpoints";
    /** What a namespace may hold: no {@code /} or {@code #}, so it ends where a key's next part begins. */
    public static final java.util.regex.Pattern NAMESPACE = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");
    static final String NAMESPACE_KEY = "trailrouter.state.namespace";

    /** The namespace, checked; throws {@link IllegalArgumentException} with one line naming the key otherwise. */
    static String requireNamespace(String namespace) {
        if (namespace == null || !NAMESPACE.matcher(namespace).matches() || namespace.equals(".")
                || namespace.equals("..")) {
            throw new IllegalArgumentException(NAMESPACE_KEY + " must be 1 to 64 letters, digits, '.', '_' or '-' (not "
                    + "'.' or '..'), got '" + namespace + "'");
        }
        return namespace;
    }

    private final String kind;
    private final DeliveredEvents delivered;
    private final Checkpoints checkpoints;
    private final Runnable check;

    private StateStores(String kind, DeliveredEvents delivered, Checkpoints checkpoints, Runnable check) {
        this.kind = kind;
        this.delivered = delivered;
        this.checkpoints = checkpoints;
        this.check = check;
    }

    /** Builds the stores the settings choose; nothing is contacted until {@link #requireUsable}. */
    public static StateStores from(CamelContext context, TrailRouterSettings settings, AwsClients clients,
                                   PipelineMetrics metrics) {
        String store = settings.string("trailrouter.state.store").orElse("file");
        Optional<String> namespace = settings.string(NAMESPACE_KEY).map(StateStores::requireNamespace);
        Path base = Path.of(settings.string("trailrouter.state.dir").orElse("state"));
        Path dir = namespace.map(base::resolve).orElse(base);
        Duration ttl = Duration.ofSeconds(settings.longValue("trailrouter.state.ttl-seconds",
                FileDeliveredEvents.DEFAULT_TTL.toSeconds()));
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("trailrouter.state.ttl-seconds must be positive, got " + ttl.toSeconds());
        }
        FileCheckpoints fileCheckpoints = new FileCheckpoints(dir);
        switch (store) {
            case "file" -> {
                int maxEntries = settings.integer("trailrouter.state.max-entries", FileDeliveredEvents.DEFAULT_MAX_ENTRIES);
                if (maxEntries < 1) {
                    throw new IllegalArgumentException("trailrouter.state.max-entries must be at least 1, got " + maxEntries);
                }
                FileDeliveredEvents file = new FileDeliveredEvents(dir, ttl, maxEntries, Clock.systemUTC(),
                        (op, n) -> metrics.stateRequests("file", op, n))
                        .fsync(settings.string("trailrouter.state.fsync").map(Boolean::parseBoolean).orElse(false));
                return new StateStores("file", file, fileCheckpoints, () -> {
                    try {
                        file.open();
                    } catch (StateStoreException e) {
                        throw new IllegalStateException("the dedup store in trailrouter.state.dir " + dir.toAbsolutePath()
                                + " cannot be used: " + e.getMessage());
                    }
                });
            }
            case "dynamodb" -> {
                String table = settings.string("trailrouter.state.dynamodb.table").orElseThrow(() ->
                        new IllegalStateException("trailrouter.state.store=dynamodb needs trailrouter.state.dynamodb.table"));
                String ns = namespace.orElseThrow(() -> new IllegalStateException("trailrouter.state.store=dynamodb "
                        + "needs " + NAMESPACE_KEY + ": a name for this deployment in the shared table (e.g. prod-org-"
                        + "trail), the same on every instance of it (see docs/configuration.md#state)"));
                String region = settings.string("trailrouter.state.dynamodb.region").orElseGet(settings::region);
                DynamoDbClient client = clients.dynamoDb(region, settings.string("trailrouter.state.dynamodb.endpoint")
                                .map(java.net.URI::create).or(settings::endpoint),
                        settings.string("trailrouter.state.dynamodb.role-arn"),
                        settings.string("trailrouter.state.dynamodb.external-id"));
                return new StateStores("dynamodb",
                        new DynamoDbDeliveredEvents(client, table, ns, ttl, Clock.systemUTC(),
                                (op, n) -> metrics.stateRequests("dynamodb", op, n)),
                        new DynamoDbCheckpoints(client, table, ns, Clock.systemUTC(),
                                (op, n) -> metrics.stateRequests("dynamodb", op, n)),
                        () -> DynamoDbCheckpoints.requireUsable(client, table));
            }
            case "none" -> {
                return new StateStores("none", null, fileCheckpoints, () -> { });
            }
            default -> {
                if (!store.startsWith("#") || store.length() < 2) {
                    throw new IllegalArgumentException("trailrouter.state.store must be file, dynamodb, none or "
                            + "#<bean name> (a Camel IdempotentRepository), got '" + store + "'");
                }
                String bean = store.substring(1);
                // looked up when used: beans declared in route files or camel.beans.* are bound after this runs
                LazyRepository repository = new LazyRepository(context, bean);
                return new StateStores(store, new IdempotentRepositoryDeliveredEvents(repository, bean,
                        namespace.orElse(null), (op, n) -> metrics.stateRequests(store, op, n)), fileCheckpoints, repository::resolve);
            }
        }
    }

    /** file, dynamodb, none or #bean. */
    public String kind() {
        return kind;
    }

    /** The dedup store; empty when dedup is off ({@code none}). */
    public Optional<DeliveredEvents> delivered() {
        return Optional.ofNullable(delivered);
    }

    public Checkpoints checkpoints() {
        return checkpoints;
    }

    /**
     * Start-up check: the directory can be locked and its log read, the table exists and can be read, the bean exists.
     * Throws {@link IllegalStateException} with one line naming the key otherwise.
     */
    public void requireUsable() {
        check.run();
    }

    /** The IdempotentRepository bean, found on first use (route files may declare it). */
    private static final class LazyRepository implements IdempotentRepository {
        private final CamelContext context;
        private final String name;
        private volatile IdempotentRepository bean;

        LazyRepository(CamelContext context, String name) {
            this.context = context;
            this.name = name;
        }

        IdempotentRepository resolve() {
            IdempotentRepository found = bean;
            if (found == null) {
                Object any = context.getRegistry().lookupByName(name);
                if (!(any instanceof IdempotentRepository repository)) {
                    throw new IllegalStateException("trailrouter.state.store=#" + name + ": " + (any == null
                            ? "no bean of that name" : "the bean is a " + any.getClass().getName()
                            + ", not an org.apache.camel.spi.IdempotentRepository"));
                }
                // a bean bound by name is not necessarily started (MemoryIdempotentRepository makes its cache then)
                org.apache.camel.support.service.ServiceHelper.startService(repository);
                bean = found = repository;
            }
            return found;
        }

        @Override
        public boolean add(String key) {
            return resolve().add(key);
        }

        @Override
        public boolean contains(String key) {
            return resolve().contains(key);
        }

        @Override
        public boolean remove(String key) {
            return resolve().remove(key);
        }

        @Override
        public boolean confirm(String key) {
            return resolve().confirm(key);
        }

        @Override
        public void clear() {
            resolve().clear();
        }

        @Override
        public void start() {
        }

        @Override
        public void stop() {
        }
    }
}
