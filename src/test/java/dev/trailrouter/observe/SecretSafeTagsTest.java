package dev.trailrouter.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class SecretSafeTagsTest {

    @Test
    void urlsAreCutToTheirOrigin() {
        assertEquals("https://hooks.slack.com", SecretSafeTags.safe("https://hooks.slack.com/services/T0000/B0000/XXSECRETTOKENXX"));
        assertEquals("http://127.0.0.1:8080", SecretSafeTags.safe("http://user:pw@127.0.0.1:8080/ingest?apikey=s3cr3t"));
        assertEquals("https://siem.example.com", SecretSafeTags.safe("https://siem.example.com/in gest?apikey=s3cr3t"));
        assertEquals("aws2-sqs://queue", SecretSafeTags.safe("aws2-sqs://queue?accessKey=AKIA&secretKey=s3cr3t"));
        assertEquals("ftp://host/dir", SecretSafeTags.safe("ftp://user:pw@host/dir"));
        assertEquals("direct://dest-siem", SecretSafeTags.safe("direct://dest-siem"));
        assertEquals("dest-siem", SecretSafeTags.safe("dest-siem"));
    }

    @Test
    void everyMeterRegisteredAfterTheFilterIsCleaned() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(new SecretSafeTags());
        Counter.builder("camel.exchange.event.notifier").tag("endpointName",
                "http://hooks.example/services/T0000/B0000/XXSECRETTOKENXX").tag("routeId", "dest-alerts").register(registry).increment();
        String scrape = registry.scrape();
        assertTrue(scrape.contains("endpointName=\"http://hooks.example\""), scrape);
        assertTrue(!scrape.contains("XXSECRETTOKENXX"), scrape);
    }
}
