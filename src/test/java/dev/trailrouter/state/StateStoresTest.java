package dev.trailrouter.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trailrouter.config.AwsClients;
import dev.trailrouter.config.TrailRouterSettings;
import dev.trailrouter.observe.PipelineMetrics;

/**
 * {@code trailrouter.state.namespace} as docs/configuration.md ("State") describes it: required with the shared
 * DynamoDB table, not needed by a single instance's file store (whose files stay where they were), a subdirectory of
 * the state directory when set, a key prefix for an IdempotentRepository.
 */
class StateStoresTest {

    @TempDir
    Path tmp;

    final DefaultCamelContext context = new DefaultCamelContext(); // never started

    StateStores stores(String... keyValues) {
        Properties properties = new Properties();
        properties.setProperty("trailrouter.aws.region", "us-east-1");
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        context.getPropertiesComponent().setOverrideProperties(properties);
        return StateStores.from(context, new TrailRouterSettings(context), new AwsClients(false),
                new PipelineMetrics(new SimpleMeterRegistry()));
    }

    @Test
    void theSharedTableNeedsANamespaceAndSaysSoInOneLine() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> stores("trailrouter.state.store", "dynamodb", "trailrouter.state.dynamodb.table", "dedup"));
        assertEquals("trailrouter.state.store=dynamodb needs trailrouter.state.namespace: a name for this deployment in "
                + "the shared table (e.g. prod-org-trail), the same on every instance of it (see "
                + "docs/configuration.md#state)", e.getMessage());
        assertEquals("dynamodb", stores("trailrouter.state.store", "dynamodb", "trailrouter.state.dynamodb.table", "dedup",
                "trailrouter.state.namespace", "prod-org-trail").kind());
    }

    @Test
    void aNamespaceIsANameNotAPath() {
        for (String bad : List.of("a/b", "..", "a#b", "x".repeat(65))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> stores("trailrouter.state.dir", tmp.toString(), "trailrouter.state.namespace", bad), bad);
            assertTrue(e.getMessage().startsWith("trailrouter.state.namespace must be 1 to 64 letters"), e.getMessage());
        }
    }

    @Test
    void aSingleInstancesFileStoreNeedsNoNamespaceAndKeepsItsFilesInTheStateDirectory() throws Exception {
        StateStores stores = stores("trailrouter.state.dir", tmp.toString());
        stores.requireUsable();
        try (FileDeliveredEvents delivered = (FileDeliveredEvents) stores.delivered().orElseThrow()) {
            delivered.record("siem", List.of("cloudtrail:e1"));
        }
        stores.checkpoints().write("cloudtrail-lookup-us-east-1", "v");
        assertTrue(Files.exists(tmp.resolve("delivered.log")));
        assertTrue(Files.exists(tmp.resolve("cloudtrail-lookup-us-east-1.checkpoint")));
    }

    /** Two deployments on one host and one state directory: each namespace its own subdirectory, its own history. */
    @Test
    void namespacedFileStoresOnOneDirectoryKeepApart() throws Exception {
        StateStores a = stores("trailrouter.state.dir", tmp.toString(), "trailrouter.state.namespace", "prod-a");
        a.requireUsable();
        try (FileDeliveredEvents delivered = (FileDeliveredEvents) a.delivered().orElseThrow()) {
            delivered.record("siem", List.of("cloudtrail:e1"));
        }
        a.checkpoints().write("cloudtrail-lookup-us-east-1", "a");
        StateStores b = stores("trailrouter.state.dir", tmp.toString(), "trailrouter.state.namespace", "prod-b");
        b.requireUsable();
        try (FileDeliveredEvents delivered = (FileDeliveredEvents) b.delivered().orElseThrow()) {
            assertEquals(Set.of(), delivered.accepted("siem", List.of("cloudtrail:e1")), "not the other deployment's siem");
        }
        assertEquals(Optional.empty(), b.checkpoints().read("cloudtrail-lookup-us-east-1"));
        assertTrue(Files.exists(tmp.resolve("prod-a").resolve("delivered.log")));
        assertTrue(Files.exists(tmp.resolve("prod-a").resolve("cloudtrail-lookup-us-east-1.checkpoint")));
    }

    @Test
    void aRepositorysKeysArePrefixedWithTheNamespaceWhenItIsSet() {
        MemoryIdempotentRepository repository = new MemoryIdempotentRepository();
        context.getRegistry().bind("shared", repository);
        stores("trailrouter.state.store", "#shared", "trailrouter.state.dir", tmp.toString(),
                "trailrouter.state.namespace", "prod-a").delivered().orElseThrow().record("siem", List.of("cloudtrail:e1"));
        assertTrue(repository.contains("prod-a/siem/cloudtrail:e1"), "key <namespace>/<destination>/<id>");
        stores("trailrouter.state.store", "#shared", "trailrouter.state.dir", tmp.toString())
                .delivered().orElseThrow().record("siem", List.of("cloudtrail:e2"));
        assertTrue(repository.contains("siem/cloudtrail:e2"), "without a namespace, as before");
    }
}
