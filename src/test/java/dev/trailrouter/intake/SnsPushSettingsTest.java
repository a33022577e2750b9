package dev.trailrouter.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import dev.trailrouter.config.TrailRouterSettings;
import dev.trailrouter.support.Fixtures;

/** The push intake's configuration checks and its certificate cache's bound. */
class SnsPushSettingsTest {

    static TrailRouterSettings settings(String... keyValues) {
        DefaultCamelContext context = new DefaultCamelContext();
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        context.getPropertiesComponent().setInitialProperties(properties);
        return new TrailRouterSettings(context);
    }

    static String refusal(String... keyValues) {
        return assertThrows(IllegalStateException.class, () -> SnsPushSettings.read(settings(keyValues))).getMessage();
    }

    @Test
    void offUnlessAnEndpointIsNamedAndEveryEndpointNeedsItsTopics() {
        assertFalse(SnsPushSettings.enabled(settings()));
        assertTrue(SnsPushSettings.enabled(settings("trailrouter.sns-push.endpoints", "events")));
        assertTrue(refusal("trailrouter.sns-push.endpoints", "events")
                .startsWith("trailrouter.sns-push.events.topics is required"));
        assertTrue(refusal("trailrouter.sns-push.endpoints", "events", "trailrouter.sns-push.events.topics", "*")
                .contains("'*' is not an SNS topic ARN"));
        assertTrue(refusal("trailrouter.sns-push.endpoints", "Events/x", "trailrouter.sns-push.Events/x.topics",
                "arn:aws:sns:us-east-1:111122223333:t").contains("is not a name"));
        SnsPushSettings ok = SnsPushSettings.read(settings("trailrouter.sns-push.endpoints", "events, audit",
                "trailrouter.sns-push.events.topics", "arn:aws:sns:us-east-1:111122223333:a,arn:aws-cn:sns:cn-north-1:111122223333:b",
                "trailrouter.sns-push.audit.topics", "arn:aws:sns:eu-west-1:111122223333:c"));
        assertEquals(List.of("/sns/events", "/sns/audit"), ok.endpoints().stream().map(SnsPushSettings.Endpoint::path).toList());
        assertEquals(2, ok.endpoints().get(0).topics().size());
        assertEquals(SnsSignatures.DEFAULT_HOST_PATTERN, ok.certHost().pattern());
        assertEquals(Duration.ofSeconds(12), ok.answerWithin());
    }

    @Test
    void anOpenCertificateHostPatternOrABudgetPastSnssTimeoutIsRefused() {
        String[] base = {"trailrouter.sns-push.endpoints", "events",
                "trailrouter.sns-push.events.topics", "arn:aws:sns:us-east-1:111122223333:a"};
        // the last two are the default before the region-shaped label: they matched S3 buckets named "sns"
        for (String open : List.of(".*", "^.*amazonaws\\.com$", "[a-z0-9.-]+", "^sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?$",
                "^sns\\.[a-z0-9-]+\\.amazonaws\\.com$")) {
            String[] keys = concat(base, "trailrouter.sns-push.cert-host-pattern", open);
            assertTrue(refusal(keys).contains("matches any host"), open);
        }
        assertTrue(refusal(concat(base, "trailrouter.sns-push.cert-host-pattern", "^sns\\.[a-z0-9-]+\\.amazonaws\\.com$"))
                .contains("it matches sns.s3.amazonaws.com"));
        for (String host : SnsSignatures.NOT_SNS_HOSTS) {
            assertFalse(Pattern.compile(SnsSignatures.DEFAULT_HOST_PATTERN).matcher(host).matches(), host);
        }
        // a partition's own hosts are accepted, e.g. GovCloud only
        SnsPushSettings.read(settings(concat(base, "trailrouter.sns-push.cert-host-pattern",
                "^sns\\.us-gov-(east|west)-1\\.amazonaws\\.com$")));
        assertTrue(refusal(concat(base, "trailrouter.sns-push.cert-host-pattern", "(")).contains("not a regular expression"));
        assertTrue(refusal(concat(base, "trailrouter.sns-push.answer-within-millis", "15000")).contains("15 s"));
        assertTrue(refusal(concat(base, "trailrouter.sns-push.max-concurrent", "0")).contains("at least 1"));
    }

    @Test
    void theReplayWindowCoversSnssRetriesAndTheDedupTtlOutlastsIt() {
        String[] base = {"trailrouter.sns-push.endpoints", "events",
                "trailrouter.sns-push.events.topics", "arn:aws:sns:us-east-1:111122223333:a"};
        SnsPushSettings defaults = SnsPushSettings.read(settings(base));
        assertEquals(Duration.ofMinutes(70), defaults.maxMessageAge());
        assertEquals(Duration.ofMinutes(5), defaults.maxClockSkew());
        assertTrue(refusal(concat(base, "trailrouter.sns-push.max-message-age-millis", "3000000"))
                .contains("at least 3600000"), "shorter than SNS's hour of retries");
        assertTrue(refusal(concat(base, "trailrouter.state.ttl-seconds", "4500"))
                .startsWith("trailrouter.state.ttl-seconds=4500 must be longer than"), "a MessageId forgotten inside the window");
        SnsPushSettings.read(settings(concat(base, "trailrouter.state.ttl-seconds", "4501")));
    }

    /** A clock the test moves. */
    static final class MovingClock extends java.time.Clock {
        volatile java.time.Instant now = java.time.Instant.parse("2026-11-30T12:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }

    @Test
    void certificatesAreCachedByUrlWithABoundAndAFailureIsRememberedBrieflyPerUrl() throws Exception {
        byte[] pem = Fixtures.text("sns_http/aws_aws-php-sns-message-validator__FunctionalValidationsTest.php__certificate.pem")
                .getBytes(StandardCharsets.US_ASCII);
        List<URI> fetched = new ArrayList<>();
        boolean[] down = {false};
        SnsHttp http = new SnsHttp(Duration.ofSeconds(1)) {
            @Override
            public byte[] get(URI uri) throws IOException {
                fetched.add(uri);
                if (down[0]) {
                    throw new IOException("HTTP 503 from " + uri.getHost());
                }
                return pem;
            }
        };
        MovingClock clock = new MovingClock();
        SigningCertificates certificates = new SigningCertificates(Pattern.compile(SnsSignatures.DEFAULT_HOST_PATTERN), http, 2,
                Duration.ofSeconds(10), Duration.ofSeconds(1), clock);
        String a = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-a.pem";
        String b = "https://sns.us-east-2.amazonaws.com/SimpleNotificationService-b.pem";
        String c = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-c.pem";
        certificates.certificate(a);
        certificates.certificate(a);
        assertEquals(1, fetched.size(), "cached by URL");
        certificates.certificate(b);
        certificates.certificate(c); // a is the least recently used: out
        assertEquals(2, certificates.size());
        certificates.certificate(a);
        assertEquals(4, fetched.size(), "fetched again after it left the bounded cache");
        down[0] = true;
        String d = "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-d.pem";
        assertEquals("cert-unavailable", assertThrows(SnsSignatures.Refused.class, () -> certificates.certificate(d)).reason());
        assertEquals(5, fetched.size());
        down[0] = false;
        assertEquals("cert-unavailable", assertThrows(SnsSignatures.Refused.class, () -> certificates.certificate(d)).reason(),
                "answered from memory within the interval");
        assertEquals(5, fetched.size(), "a failed URL is not fetched again at once: a flood of requests costs one fetch");
        clock.now = clock.now.plusSeconds(11);
        certificates.certificate(d);
        assertEquals(6, fetched.size(), "fetched again after the interval: a brief outage is not a lasting refusal");
        for (String path : List.of("/?Action=Get", "/x.pem", "/SimpleNotificationService-test.pem",
                "/a/SimpleNotificationService-ab.pem", "/SimpleNotificationService-ab.pem?x=1",
                "/SimpleNotificationService-ab.pem/..%2Fx.pem", "/SimpleNotificationService-AB.pem")) {
            assertEquals("cert-url-path", assertThrows(SnsSignatures.Refused.class,
                    () -> certificates.certificate("https://sns.us-east-1.amazonaws.com" + path), path).reason(), path);
        }
        assertEquals(6, fetched.size(), "nothing fetched for a refused URL");
    }

    @Test
    void aCertificateNotIssuedToSnsIsRefusedAndConcurrentFetchesAreBoundedAndShared() throws Exception {
        byte[] sns = Fixtures.text("sns_http/aws_aws-php-sns-message-validator__FunctionalValidationsTest.php__certificate.pem")
                .getBytes(StandardCharsets.US_ASCII);
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("sns-cert");
        java.security.cert.X509Certificate evil = SnsSignaturesTest.keytoolCertificate(dir, "CN=evil.example");
        byte[] evilPem = ("-----BEGIN CERTIFICATE-----\n" + java.util.Base64.getMimeEncoder().encodeToString(evil.getEncoded())
                + "\n-----END CERTIFICATE-----\n").getBytes(StandardCharsets.US_ASCII);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger fetches = new java.util.concurrent.atomic.AtomicInteger();
        SnsHttp http = new SnsHttp(Duration.ofSeconds(1)) {
            @Override
            public byte[] get(URI uri) throws IOException {
                fetches.incrementAndGet();
                if (uri.getPath().contains("-e")) {
                    return evilPem;
                }
                try {
                    release.await(10, java.util.concurrent.TimeUnit.SECONDS); // a slow certificate host
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                return sns;
            }
        };
        SigningCertificates certificates = new SigningCertificates(Pattern.compile(SnsSignatures.DEFAULT_HOST_PATTERN), http,
                100, Duration.ofSeconds(10), Duration.ofSeconds(10), java.time.Clock.systemUTC());
        String evilUrl = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-e1.pem";
        assertEquals("cert-subject", assertThrows(SnsSignatures.Refused.class, () -> certificates.certificate(evilUrl)).reason());
        assertEquals("cert-subject", assertThrows(SnsSignatures.Refused.class, () -> certificates.certificate(evilUrl)).reason());
        assertEquals(1, fetches.get(), "the refused certificate is remembered, not fetched again at once");
        assertEquals(0, certificates.size(), "and never cached as good");

        // a slow host: requests for one URL share its fetch; distinct URLs take at most MAX_FETCHES fetches at once
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(12);
        try {
            List<java.util.concurrent.Future<?>> sameUrl = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                sameUrl.add(pool.submit(() -> certificates.certificate("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-aa.pem")));
            }
            List<java.util.concurrent.Future<?>> others = new ArrayList<>();
            for (int i = 1; i < SigningCertificates.MAX_FETCHES; i++) {
                String url = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-b" + i + ".pem";
                others.add(pool.submit(() -> certificates.certificate(url)));
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (fetches.get() < 1 + SigningCertificates.MAX_FETCHES && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(100);
            assertEquals(1 + SigningCertificates.MAX_FETCHES, fetches.get(), "one fetch for the six requests of one URL");
            assertEquals("cert-fetch-busy", assertThrows(SnsSignatures.Refused.class,
                    () -> certificates.certificate("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-c.pem")).reason());
            assertEquals(1 + SigningCertificates.MAX_FETCHES, fetches.get(), "refused at once, nothing fetched");
            release.countDown();
            for (java.util.concurrent.Future<?> f : sameUrl) {
                f.get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
            for (java.util.concurrent.Future<?> f : others) {
                f.get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
            certificates.certificate("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-c.pem");
            assertEquals(2 + SigningCertificates.MAX_FETCHES, fetches.get(), "busy is not remembered against the URL");
        } finally {
            pool.shutdownNow();
            try (var files = java.nio.file.Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }


    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
