package dev.trailrouter.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** The pollers' keys as docs/configuration.md ("API pollers") describes them, and their one-line errors. */
class PollerSettingsTest {

    static List<PollerSettings> pollers(String... keyValues) {
        { DefaultCamelContext context = new DefaultCamelContext(); // never started: nothing to close
            Properties properties = new Properties();
            for (int i = 0; i < keyValues.length; i += 2) {
                properties.setProperty(keyValues[i], keyValues[i + 1]);
            }
            context.getPropertiesComponent().setOverrideProperties(properties);
            return new TrailRouterSettings(context).pollers();
        }
    }

    @Test
    void oneLookupPollerPerRegionWithTheDocumentedDefaults() {
        List<PollerSettings> pollers = pollers("trailrouter.cloudtrail-lookup.regions", "us-east-1, eu-west-1",
                "trailrouter.cloudtrail-lookup.start-time", "2026-11-01T01:00:00+01:00");

        assertEquals(List.of("cloudtrail-lookup-us-east-1", "cloudtrail-lookup-eu-west-1"),
                pollers.stream().map(PollerSettings::name).toList());
        PollerSettings p = pollers.get(1);
        assertEquals("eu-west-1", p.region());
        assertEquals(Optional.of(Instant.parse("2026-11-01T00:00:00Z")), p.startTime());
        assertEquals(Duration.ofSeconds(60), p.period());
        assertEquals(Duration.ofMinutes(15), p.trailingWindow());
        assertEquals(2.0, p.requestsPerSecond());
        assertEquals("trailrouter-cloudtrail-lookup", p.roleSessionName());
        assertTrue(!pollers.get(0).paceKey().equals(p.paceKey()), "each region its own pace");
    }

    @Test
    void aLogGroupPollerTakesItsRegionAndAccountFromTheArn() {
        PollerSettings p = pollers("trailrouter.log-group-pollers", "orgtrail",
                "trailrouter.log-group-poller.orgtrail.log-group",
                "arn:aws:logs:eu-central-1:111122223333:log-group:aws-cloudtrail-logs:*",
                "trailrouter.log-group-poller.orgtrail.period", "PT30S",
                "trailrouter.log-group-poller.orgtrail.filter-pattern", "{ $.eventSource = \"iam.amazonaws.com\" }").get(0);

        assertEquals("eu-central-1", p.region());
        assertEquals(Duration.ofSeconds(30), p.period());
        assertEquals(Duration.ofMinutes(5), p.trailingWindow());
        assertEquals(5.0, p.requestsPerSecond());
        assertEquals(Optional.of("{ $.eventSource = \"iam.amazonaws.com\" }"), p.filterPattern());
        assertEquals("trailrouter-orgtrail", p.roleSessionName());
    }

    @Test
    void badValuesAreOneLineNamingTheKey() {
        var e = assertThrows(IllegalArgumentException.class, () -> pollers("trailrouter.cloudtrail-lookup.regions",
                "us-east-1", "trailrouter.cloudtrail-lookup.start-time", "yesterday"));
        assertEquals("trailrouter.cloudtrail-lookup.start-time must be an ISO-8601 time such as 2026-11-01T00:00:00Z, "
                + "got 'yesterday'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> pollers("trailrouter.cloudtrail-lookup.regions",
                "us-east-1", "trailrouter.cloudtrail-lookup.requests-per-second", "5"));
        assertTrue(e.getMessage().contains("at most 2 (LookupEvents' limit per account and region)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> pollers("trailrouter.cloudtrail-lookup.regions", "useast1"));
        assertEquals("trailrouter.cloudtrail-lookup.regions: 'useast1' is not a region name", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> pollers("trailrouter.log-group-pollers", "a",
                "trailrouter.log-group-poller.a.region", "us-east-1"));
        assertEquals("trailrouter.log-group-poller.a.log-group is required", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> pollers("trailrouter.cloudtrail-lookup.regions",
                "us-east-1", "trailrouter.cloudtrail-lookup.period", "0"));
        assertTrue(e.getMessage().contains("period must be positive"), e.getMessage());
    }

    @Test
    void noQueueIsNeededWhenAPollerIsConfigured() {
        { DefaultCamelContext context = new DefaultCamelContext(); // never started: nothing to close
            Properties properties = new Properties();
            properties.setProperty("trailrouter.cloudtrail-lookup.regions", "us-east-1");
            context.getPropertiesComponent().setOverrideProperties(properties);
            assertEquals(List.of(), new TrailRouterSettings(context).queues());
        }
        { DefaultCamelContext context = new DefaultCamelContext(); // never started: nothing to close
            var e = assertThrows(IllegalStateException.class, () -> new TrailRouterSettings(context).queues());
            assertTrue(e.getMessage().contains("a poller (trailrouter.cloudtrail-lookup.regions"), e.getMessage());
        }
    }

    /**
     * A LookupEvents poller's checkpoint belongs to the account it reads: without a role the name stays the poller's
     * own (the deployment's account; the namespace tells deployments apart), with a role it adds the role's account,
     * so pointing role-arn at another account starts afresh instead of resuming from the first account's checkpoint.
     */
    @Test
    void aLookupPollersCheckpointIsNamedForTheAccountItReads() {
        assertEquals("cloudtrail-lookup-us-east-1", pollers("trailrouter.cloudtrail-lookup.regions", "us-east-1")
                .get(0).checkpointName());
        PollerSettings other = pollers("trailrouter.cloudtrail-lookup.regions", "us-east-1",
                "trailrouter.cloudtrail-lookup.role-arn", "arn:aws:iam::444455556666:role/trailrouter-read").get(0);
        assertEquals("cloudtrail-lookup-us-east-1", other.name(), "route, metrics and logs keep the poller's name");
        assertEquals("cloudtrail-lookup-us-east-1-444455556666", other.checkpointName());
        assertEquals("cn-north-1-poller", pollers("trailrouter.log-group-pollers", "cn-north-1-poller",
                "trailrouter.log-group-poller.cn-north-1-poller.log-group", "arn:aws-cn:logs:cn-north-1:111122223333:log-group:g:*",
                "trailrouter.log-group-poller.cn-north-1-poller.role-arn", "arn:aws-cn:iam::444455556666:role/r")
                .get(0).checkpointName(), "a log group poller's checkpoint is its own name");
    }
}
