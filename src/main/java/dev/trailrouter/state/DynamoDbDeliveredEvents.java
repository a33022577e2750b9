package dev.trailrouter.state;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Dedup shared by many instances: one DynamoDB item per destination and event,
 * {@code pk = event#<namespace>/<destination>/<id>}, with {@code expires_at} (epoch seconds) as the table's TTL attribute. The table is the one the Terraform module makes
 * (hash key {@code pk} S, TTL on {@code expires_at}); only GetItem, PutItem, BatchGetItem, BatchWriteItem and
 * DescribeTable are used, which is all the module grants.
 *
 * <p>{@link #accepted}: BatchGetItem, 100 keys a call, strongly consistent (an item written by another instance a
 * moment ago is seen), projecting only the key and expiry; keys DynamoDB left unprocessed (throttling, the 16 MB
 * response limit) are asked again with exponential backoff. An item past its {@code expires_at} counts as absent:
 * DynamoDB deletes expired items lazily, up to days later.
 *
 * <p>{@link #record}: BatchWriteItem, 25 puts a call, unprocessed items written again with backoff. Not a conditional
 * PutItem per event: recording is idempotent (a second record of the same event only moves its expiry), so a
 * condition would protect nothing and cost 25 times the requests (a batch write counts one write unit per item either
 * way, but one request instead of 25). The conditional writes the issue asks for are where a lost update would hurt:
 * the checkpoints ({@link DynamoDbCheckpoints}).
 *
 * <p>The namespace ({@code trailrouter.state.namespace}) is what keeps two deployments sharing one table apart: each
 * may have a destination {@code siem} pointing at a different SIEM, and without it one deployment's deliveries would
 * suppress the other's as duplicates (a real loss, counted as a duplicate). Neither a namespace nor a destination name
 * may hold a {@code /}, so no two (namespace, destination) pairs share a key.
 */
public final class DynamoDbDeliveredEvents implements DeliveredEvents {

    static final int MAX_GET = 100;
    static final int MAX_WRITE = 25;
    private static final int ATTEMPTS = 8;

    private final DynamoDbClient client;
    private final String table;
    private final String namespace;
    private final Duration ttl;
    private final Clock clock;
    private final BiConsumer<String, Integer> requests;

    /** In namespace {@code namespace} ({@link StateStores#NAMESPACE}). */
    public DynamoDbDeliveredEvents(DynamoDbClient client, String table, String namespace, Duration ttl, Clock clock,
                                   BiConsumer<String, Integer> requests) {
        this.client = client;
        this.table = table;
        this.namespace = StateStores.requireNamespace(namespace);
        this.ttl = ttl;
        this.clock = clock;
        this.requests = requests == null ? (op, n) -> { } : requests;
    }

    static String key(String namespace, String destination, String eventId) {
        return "event#" + namespace + "/" + destination + "/" + eventId;
    }

    private String key(String destination, String eventId) {
        return key(namespace, destination, eventId);
    }

    @Override
    public String storeName() {
        return "dynamodb";
    }

    @Override
    public Set<String> accepted(String destination, Collection<String> eventIds) {
        Map<String, String> byKey = new HashMap<>();
        for (String id : eventIds) {
            byKey.put(key(destination, id), id);
        }
        List<String> keys = new ArrayList<>(byKey.keySet());
        long now = clock.instant().getEpochSecond();
        Set<String> found = new LinkedHashSet<>();
        for (int from = 0; from < keys.size(); from += MAX_GET) {
            List<Map<String, AttributeValue>> wanted = new ArrayList<>();
            for (String k : keys.subList(from, Math.min(keys.size(), from + MAX_GET))) {
                wanted.add(Map.of("pk", AttributeValue.fromS(k)));
            }
            Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(wanted)
                    .consistentRead(true).projectionExpression("pk, expires_at").build());
            for (int attempt = 1; !request.isEmpty(); attempt++) {
                if (attempt > ATTEMPTS) {
                    throw new StateStoreException("DynamoDB table " + table + " left keys unprocessed after "
                            + ATTEMPTS + " BatchGetItem attempts (throttled)");
                }
                backoff(attempt);
                Map<String, KeysAndAttributes> asked = request;
                BatchGetItemResponse response = call("read", () -> client.batchGetItem(b -> b.requestItems(asked)));
                for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
                    AttributeValue expires = item.get("expires_at");
                    if (expires == null || expires.n() == null || Long.parseLong(expires.n()) > now) {
                        String id = byKey.get(item.get("pk").s());
                        if (id != null) {
                            found.add(id);
                        }
                    }
                }
                request = response.hasUnprocessedKeys() && !response.unprocessedKeys().isEmpty()
                        ? response.unprocessedKeys() : Map.of();
            }
        }
        return found;
    }

    @Override
    public void record(String destination, Collection<String> eventIds) {
        List<String> ids = new ArrayList<>(new LinkedHashSet<>(eventIds)); // a batch may not name one key twice
        String expires = Long.toString(clock.instant().plus(ttl).getEpochSecond());
        for (int from = 0; from < ids.size(); from += MAX_WRITE) {
            List<WriteRequest> puts = new ArrayList<>();
            for (String id : ids.subList(from, Math.min(ids.size(), from + MAX_WRITE))) {
                puts.add(WriteRequest.builder().putRequest(PutRequest.builder().item(Map.of(
                        "pk", AttributeValue.fromS(key(destination, id)),
                        "expires_at", AttributeValue.fromN(expires))).build()).build());
            }
            Map<String, List<WriteRequest>> request = Map.of(table, puts);
            for (int attempt = 1; !request.isEmpty(); attempt++) {
                if (attempt > ATTEMPTS) {
                    throw new StateStoreException("DynamoDB table " + table + " left items unwritten after "
                            + ATTEMPTS + " BatchWriteItem attempts (throttled)");
                }
                backoff(attempt);
                Map<String, List<WriteRequest>> sent = request;
                BatchWriteItemResponse response = call("write", () -> client.batchWriteItem(b -> b.requestItems(sent)));
                request = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
                request = request.values().stream().allMatch(List::isEmpty) ? Map.of() : request;
            }
        }
    }

    private <T> T call(String op, java.util.function.Supplier<T> call) {
        requests.accept(op, 1);
        try {
            return call.get();
        } catch (SdkException e) {
            throw new StateStoreException("DynamoDB table " + table + ": " + DynamoDbCheckpoints.describe(e), e);
        }
    }

    /** Before attempt n: nothing for the first, then 50 ms doubling up to 3.2 s (the SDK retries errors on its own). */
    private static void backoff(int attempt) {
        if (attempt == 1) {
            return;
        }
        try {
            Thread.sleep(Math.min(3_200, 50L << (attempt - 2)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StateStoreException("interrupted while waiting to retry DynamoDB", e);
        }
    }
}
