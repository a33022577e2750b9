package dev.trailrouter.state;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * Checkpoints shared by many instances, in the dedup table: {@code pk = checkpoint#<namespace>/<name>} with
 * {@code value} (S), {@code version} (N) and {@code updated_at} (N, epoch seconds; no {@code expires_at}, so TTL never
 * removes one). The namespace ({@code trailrouter.state.namespace}) keeps deployments that share the table apart: two
 * deployments each running a {@code cloudtrail-lookup-us-east-1} poller must not advance one checkpoint.
 *
 * <p>Every write is conditional on the version this instance last saw ({@link #read} or its own last write): an
 * instance that computed its value from a checkpoint another instance has moved since cannot move it back; its write
 * fails with {@link StateStoreException}, and the caller must {@link #read} again before its next write (a poller
 * does before its next try; a backfill stops, and reads it when run again). A name this instance never read is written only when it does not exist yet.
 *
 * <p>A condition that fails is not always another writer: when a PutItem committed but its response was lost (a
 * connection cut after DynamoDB wrote), the SDK sends it again and the retry meets its own write. So a failed
 * condition is followed by one strongly consistent read: when the item holds exactly the value and version this write
 * meant to store, the write took and is reported as such; otherwise another writer moved it, and the write fails.
 */
public final class DynamoDbCheckpoints implements Checkpoints {

    private final DynamoDbClient client;
    private final String table;
    private final String namespace;
    private final Clock clock;
    private final BiConsumer<String, Integer> requests;
    /** The version this instance last read or wrote, per name. */
    private final Map<String, Long> versions = new ConcurrentHashMap<>();

    /** In namespace {@code namespace} ({@link StateStores#NAMESPACE}: letters, digits, {@code . _ -}). */
    public DynamoDbCheckpoints(DynamoDbClient client, String table, String namespace, Clock clock,
                               BiConsumer<String, Integer> requests) {
        this.client = client;
        this.table = table;
        this.namespace = StateStores.requireNamespace(namespace);
        this.clock = clock;
        this.requests = requests == null ? (op, n) -> { } : requests;
    }

    /** The item key of a checkpoint: {@code checkpoint#<namespace>/<name>} (a namespace holds no {@code /}). */
    static String key(String namespace, String name) {
        return "checkpoint#" + namespace + "/" + name;
    }

    private String key(String name) {
        return key(namespace, name);
    }

    @Override
    public Optional<String> read(String name) {
        requests.accept("checkpoint-read", 1);
        GetItemResponse response;
        try {
            response = client.getItem(b -> b.tableName(table).consistentRead(true)
                    .key(Map.of("pk", AttributeValue.fromS(key(name)))));
        } catch (SdkException e) {
            throw new StateStoreException("checkpoint " + name + " in DynamoDB table " + table + " cannot be read: "
                    + describe(e), e);
        }
        if (!response.hasItem() || response.item().isEmpty()) {
            versions.remove(name);
            return Optional.empty();
        }
        Map<String, AttributeValue> item = response.item();
        AttributeValue value = item.get("value");
        AttributeValue version = item.get("version");
        if (value == null || value.s() == null || version == null || version.n() == null) {
            throw new StateStoreException("checkpoint " + name + " in DynamoDB table " + table
                    + " has no string 'value' or numeric 'version': not written by trailrouter");
        }
        versions.put(name, Long.parseLong(version.n()));
        return Optional.of(value.s());
    }

    @Override
    public void write(String name, String value) {
        Long seen = versions.get(name);
        long next = seen == null ? 1 : seen + 1;
        requests.accept("checkpoint-write", 1);
        try {
            client.putItem(b -> {
                b.tableName(table).item(Map.of(
                        "pk", AttributeValue.fromS(key(name)),
                        "value", AttributeValue.fromS(value),
                        "version", AttributeValue.fromN(Long.toString(next)),
                        "updated_at", AttributeValue.fromN(Long.toString(clock.instant().getEpochSecond()))));
                if (seen == null) {
                    b.conditionExpression("attribute_not_exists(pk)");
                } else {
                    b.conditionExpression("version = :seen")
                            .expressionAttributeValues(Map.of(":seen", AttributeValue.fromN(Long.toString(seen))));
                }
            });
        } catch (ConditionalCheckFailedException moved) {
            if (holds(name, value, next)) {
                versions.put(name, next); // our own write, whose response was lost and whose retry met it
                return;
            }
            versions.remove(name);
            throw new StateStoreException("checkpoint " + name + " in DynamoDB table " + table
                    + " was moved by another instance since this one read it (expected version "
                    + (seen == null ? "none" : seen) + "): not overwritten", moved);
        } catch (SdkException e) {
            throw new StateStoreException("checkpoint " + name + " in DynamoDB table " + table + " cannot be written: "
                    + describe(e), e);
        }
        versions.put(name, next);
    }

    /**
     * After a failed condition: whether the item holds exactly this value at this version, i.e. the write that failed
     * was a retry of our own that had taken. Read strongly consistent; a read that fails counts as "no".
     */
    private boolean holds(String name, String value, long version) {
        requests.accept("checkpoint-read", 1);
        try {
            Map<String, AttributeValue> item = client.getItem(b -> b.tableName(table).consistentRead(true)
                    .key(Map.of("pk", AttributeValue.fromS(key(name))))).item();
            AttributeValue stored = item == null ? null : item.get("value");
            AttributeValue storedVersion = item == null ? null : item.get("version");
            return stored != null && value.equals(stored.s()) && storedVersion != null
                    && Long.toString(version).equals(storedVersion.n());
        } catch (SdkException e) {
            return false;
        }
    }

    /**
     * Start-up check: the table exists, its hash key is {@code pk} (S), and an item can be read (DescribeTable and
     * GetItem, both granted by the Terraform module). Throws {@link IllegalStateException} with one line otherwise.
     */
    public static void requireUsable(DynamoDbClient client, String table) {
        String hint = " (trailrouter.state.dynamodb.table; see docs/configuration.md#state)";
        try {
            var description = client.describeTable(b -> b.tableName(table)).table();
            boolean pkHash = description.keySchema().stream()
                    .anyMatch(k -> "pk".equals(k.attributeName()) && "HASH".equals(k.keyTypeAsString()))
                    && description.keySchema().size() == 1;
            if (!pkHash) {
                throw new IllegalStateException("DynamoDB table " + table + " does not have the hash key 'pk' (S) "
                        + "alone that trailrouter's dedup store needs" + hint);
            }
            client.getItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS("checkpoint#start-up-probe"))));
        } catch (ResourceNotFoundException e) {
            throw new IllegalStateException("DynamoDB table " + table + " does not exist" + hint);
        } catch (SdkException e) {
            throw new IllegalStateException("DynamoDB table " + table + " cannot be read: " + describe(e) + hint);
        }
    }

    /** An SDK failure in one line: the service's error code and message, or the client-side cause. */
    static String describe(SdkException e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            return service.awsErrorDetails().errorCode() + ": " + service.awsErrorDetails().errorMessage();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
