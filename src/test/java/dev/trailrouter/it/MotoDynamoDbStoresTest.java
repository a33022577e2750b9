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
        return new DynamoDbDeliveredEvents(client, table, Duration.ofHours(1), clock,
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
                .key(Map.of("pk", AttributeValue.fromS("event#siem/cloudtrail:ev-7")))).item().get("expires_at");
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
        DynamoDbCheckpoints first = new DynamoDbCheckpoints(client, table, Clock.systemUTC(), null);
        DynamoDbCheckpoints second = new DynamoDbCheckpoints(client, table, Clock.systemUTC(), null);
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

    @Test
    void aMissingTableIsOneLineNamingItAndTheKey() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> DynamoDbCheckpoints.requireUsable(client, "no-such-table"));
        assertEquals("DynamoDB table no-such-table does not exist (trailrouter.state.dynamodb.table; see "
                + "docs/configuration.md#state)", e.getMessage());
        DynamoDbCheckpoints.requireUsable(client, table); // the real one is fine
    }
}
