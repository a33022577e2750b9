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
        for (String open : List.of(".*", "^.*amazonaws\\.com$", "[a-z0-9.-]+")) {
            String[] keys = concat(base, "trailrouter.sns-push.cert-host-pattern", open);
            assertTrue(refusal(keys).contains("matches any host"), open);
        }
        assertTrue(refusal(concat(base, "trailrouter.sns-push.cert-host-pattern", "(")).contains("not a regular expression"));
        assertTrue(refusal(concat(base, "trailrouter.sns-push.answer-within-millis", "15000")).contains("15 s"));
        assertTrue(refusal(concat(base, "trailrouter.sns-push.max-concurrent", "0")).contains("at least 1"));
    }

    @Test
    void certificatesAreCachedByUrlWithABoundAndFailuresAreNotCached() {
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
        SigningCertificates certificates = new SigningCertificates(Pattern.compile(SnsSignatures.DEFAULT_HOST_PATTERN), http, 2);
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
        down[0] = false;
        certificates.certificate(d);
        assertEquals(6, fetched.size(), "a failed fetch is tried again, not cached");
        assertEquals("cert-url-path", assertThrows(SnsSignatures.Refused.class,
                () -> certificates.certificate("https://sns.us-east-1.amazonaws.com/?Action=Get")).reason());
        assertEquals(6, fetched.size(), "nothing fetched for a refused URL");
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
