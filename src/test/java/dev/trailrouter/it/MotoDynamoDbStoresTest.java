package dev.trailrouter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.trailrouter.state.DynamoDbCheckpoints;
import dev.trailrouter.state.DynamoDbDeliveredEvents;
import dev.trailrouter.state.StateStoreException;
import dev.trailrouter.support.RecordingProxy;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The DynamoDB dedup and checkpoint stores against moto_server, on a table made as the Terraform module makes it:
 * hash key {@code pk} (S), TTL on {@code expires_at}, on-demand billing.
 */
class MotoDynamoDbStoresTest {

    static final AtomicInteger TABLES = new AtomicInteger();

    DynamoDbClient client;
    String table;
    final Map<String, Integer> requests = new ConcurrentHashMap<>();

    @BeforeEach
    void table() {
        client = DynamoDbClient.builder().endpointOverride(Emulators.moto().endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(() -> AwsBasicCredentials.create("testing", "testing")).build();
        table = "trailrouter-state-" + TABLES.incrementAndGet();
        createTable(client, table);
    }

    /** As terraform/modules' dedup table: pk (S) hash key, TTL on expires_at. */
    static void createTable(DynamoDbClient client, String table) {
        client.createTable(b -> b.tableName(table).billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH)));
        client.updateTimeToLive(b -> b.tableName(table).timeToLiveSpecification(t -> t.attributeName("expires_at").enabled(true)));
    }

    static List<String> ids(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "cloudtrail:ev-" + i).toList();
    }

    DynamoDbDeliveredEvents store(Clock clock) {
        return store("prod", clock);
    }

    DynamoDbDeliveredEvents store(String namespace, Clock clock) {
        return new DynamoDbDeliveredEvents(client, table, namespace, Duration.ofHours(1), clock,
                (op, n) -> requests.merge(op, n, Integer::sum));
    }

    @Test
    void recordsAndLookupsArePagedBy25And100AndSeenByAnotherInstance() {
        store(Clock.systemUTC()).record("siem", ids(0, 260));
        assertEquals(11, requests.get("write"), "260 records in BatchWriteItem calls of 25");
        requests.clear();
        Set<String> found = store(Clock.systemUTC()).accepted("siem", ids(0, 300));
        assertEquals(Set.copyOf(ids(0, 260)), found);
        assertEquals(3, requests.get("read"), "300 keys in BatchGetItem calls of 100");
        assertEquals(Set.of(), store(Clock.systemUTC()).accepted("archive", ids(0, 300)), "per destination");
        AttributeValue expires = client.getItem(b -> b.tableName(table)
                .key(Map.of("pk", AttributeValue.fromS("event#prod/siem/cloudtrail:ev-7")))).item().get("expires_at");
        long at = Long.parseLong(expires.n());
        long inAnHour = Instant.now().plus(Duration.ofHours(1)).getEpochSecond();
        assertTrue(Math.abs(at - inAnHour) < 60, "expires_at is the TTL attribute, epoch seconds: " + at);
    }

    @Test
    void anItemPastItsExpiryCountsAsAbsentBeforeDynamoDbDeletesIt() {
        store(Clock.systemUTC()).record("siem", ids(0, 5));
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofMinutes(61)), ZoneOffset.UTC);
        assertEquals(Set.of(), store(later).accepted("siem", ids(0, 5)));
    }

    @Test
    void checkpointsAreConditionalOnTheVersionThisInstanceLastSaw() {
        DynamoDbCheckpoints first = new DynamoDbCheckpoints(client, table, "prod", Clock.systemUTC(), null);
        DynamoDbCheckpoints second = new DynamoDbCheckpoints(client, table, "prod", Clock.systemUTC(), null);
        assertEquals(Optional.empty(), first.read("lookup-us-east-1"));
        assertEquals(Optional.empty(), second.read("lookup-us-east-1"));
        first.write("lookup-us-east-1", "2026-11-30T10:05:00Z");
        StateStoreException stale = assertThrows(StateStoreException.class,
                () -> second.write("lookup-us-east-1", "2026-11-30T10:01:00Z"));
        assertTrue(stale.getMessage().contains("moved by another instance"), stale.getMessage());
        assertEquals(Optional.of("2026-11-30T10:05:00Z"), second.read("lookup-us-east-1"), "not moved back");
        second.write("lookup-us-east-1", "2026-11-30T10:10:00Z"); // after reading it again
        assertThrows(StateStoreException.class, () -> first.write("lookup-us-east-1", "2026-11-30T10:06:00Z"));
        assertEquals(Optional.of("2026-11-30T10:10:00Z"), first.read("lookup-us-east-1"));
    }

    /**
     * Two deployments on one table, each with a destination named {@code siem} (pointing at different SIEMs) and a
     * poller named {@code cloudtrail-lookup-us-east-1}: what one recorded or checkpointed, the other does not see.
     * Without the namespace the second deployment's events were suppressed as duplicates of the first's.
     */
    @Test
    void deploymentsSharingATableAreKeptApartByTheirNamespace() {
        store("prod-a", Clock.systemUTC()).record("siem", ids(0, 10));
        assertEquals(Set.of(), store("prod-b", Clock.systemUTC()).accepted("siem", ids(0, 10)),
                "another deployment's siem accepted nothing");
        assertEquals(Set.copyOf(ids(0, 10)), store("prod-a", Clock.systemUTC()).accepted("siem", ids(0, 10)));
        assertTrue(client.getItem(b -> b.tableName(table).key(Map.of("pk",
                AttributeValue.fromS("event#prod-a/siem/cloudtrail:ev-3")))).hasItem(), "pk = event#<namespace>/<destination>/<id>");

        DynamoDbCheckpoints a = new DynamoDbCheckpoints(client, table, "prod-a", Clock.systemUTC(), null);
        DynamoDbCheckpoints b = new DynamoDbCheckpoints(client, table, "prod-b", Clock.systemUTC(), null);
        a.write("cloudtrail-lookup-us-east-1", "{\"settled\":\"2026-11-30T10:00:00Z\",\"fresh\":\"2026-11-30T10:10:00Z\"}");
        assertEquals(Optional.empty(), b.read("cloudtrail-lookup-us-east-1"), "not the other deployment's checkpoint");
        b.write("cloudtrail-lookup-us-east-1", "{\"settled\":\"2026-11-01T00:00:00Z\",\"fresh\":\"2026-11-01T00:00:00Z\"}");
        assertTrue(a.read("cloudtrail-lookup-us-east-1").orElseThrow().contains("2026-11-30T10:10:00Z"), "each its own");
        assertTrue(client.getItem(r -> r.tableName(table).key(Map.of("pk",
                AttributeValue.fromS("checkpoint#prod-b/cloudtrail-lookup-us-east-1")))).hasItem());
        assertThrows(IllegalArgumentException.class, () -> store("a/b", Clock.systemUTC()), "a namespace holds no /");
    }

    /**
     * The first PutItem of a checkpoint reaches DynamoDB, which writes it, but its response is lost (the proxy closes
     * the connection): the SDK sends it again and the retry's condition fails on the item it wrote itself. That is a
     * write that took, not another instance's move: the write returns, and the next write (conditional on the version
     * just written) succeeds too. Before, the first write failed as "moved by another instance", the version was
     * forgotten, and every later write was refused (attribute_not_exists on an item that exists): a poller on it
     * never advanced again until restarted. The same holds for a versioned write (the second one's response lost).
     */
    @Test
    void aCheckpointWriteWhoseResponseWasLostIsTakenAsWrittenAndTheNextWritesGoOn() throws Exception {
        try (RecordingProxy proxy = new RecordingProxy(Emulators.moto().endpoint());
             DynamoDbClient viaProxy = DynamoDbClient.builder().endpointOverride(proxy.endpoint()).region(Region.US_EAST_1)
                     .credentialsProvider(() -> AwsBasicCredentials.create("testing", "testing")).build()) {
            AtomicInteger puts = new AtomicInteger();
            Set<Integer> lost = Set.of(0, 2); // the first write's first PutItem; the second write's first PutItem
            proxy.intercept(r -> r.header("X-Amz-Target").equals("DynamoDB_20120810.PutItem")
                    && lost.contains(puts.getAndIncrement()) ? RecordingProxy.Answer.DROP_RESPONSE : null);
            DynamoDbCheckpoints poller = new DynamoDbCheckpoints(viaProxy, table, "prod", Clock.systemUTC(), null);
            DynamoDbCheckpoints other = new DynamoDbCheckpoints(client, table, "prod", Clock.systemUTC(), null);

            poller.write("lookup-us-east-1", "v1");
            assertEquals(2, puts.get(), "the SDK sent the first PutItem again after its response was lost");
            assertEquals(Optional.of("v1"), other.read("lookup-us-east-1"));
            poller.write("lookup-us-east-1", "v2"); // version 1 → 2, its first response lost too
            assertEquals(4, puts.get());
            poller.write("lookup-us-east-1", "v3");
            assertEquals(Optional.of("v3"), other.read("lookup-us-east-1"));

            other.write("lookup-us-east-1", "moved"); // a real move by another instance is still refused
            StateStoreException moved = assertThrows(StateStoreException.class, () -> poller.write("lookup-us-east-1", "v4"));
            assertTrue(moved.getMessage().contains("moved by another instance"), moved.getMessage());
            assertEquals(Optional.of("moved"), poller.read("lookup-us-east-1"));
            poller.write("lookup-us-east-1", "v5"); // after reading it again
            assertEquals(Optional.of("v5"), other.read("lookup-us-east-1"));
        }
    }

    @Test
    void aMissingTableIsOneLineNamingItAndTheKey() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> DynamoDbCheckpoints.requireUsable(client, "no-such-table"));
        assertEquals("DynamoDB table no-such-table does not exist (trailrouter.state.dynamodb.table; see "
                + "docs/configuration.md#state)", e.getMessage());
        DynamoDbCheckpoints.requireUsable(client, table); // the real one is fine
    }
}
