package dev.trailrouter.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trailrouter.event.Event;
import dev.trailrouter.event.Origin;

class WebhookSigningTest {

    @TempDir
    Path tmp;

    @Test
    void reproducesTheStandardWebhooksTestVector() throws Exception {
        // the vector published with the Standard Webhooks reference libraries
        String signature = WebhookSigning.signatures(WebhookSigning.keys("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n"),
                "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8));
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    /** What a receiver using the official Standard Webhooks library does with a request trailrouter signed. */
    private static void officialLibraryVerifies(String secret, String signatures, String id, String timestamp, String body)
            throws Exception {
        new com.standardwebhooks.Webhook(secret).verify(body, java.util.Map.of("webhook-id", List.of(id),
                "webhook-timestamp", List.of(timestamp), "webhook-signature", List.of(signatures)));
    }

    @Test
    void theOfficialLibraryVerifiesOurSignaturesWithAndWithoutThePrefix() throws Exception {
        String id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
        String timestamp = Long.toString(System.currentTimeMillis() / 1000);
        String body = "[{\"id\":\"e1\",\"kind\":\"cloudtrail\"}]";
        for (String secret : List.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")) {
            String signature = WebhookSigning.signatures(WebhookSigning.keys(secret), id, timestamp,
                    body.getBytes(StandardCharsets.UTF_8));
            officialLibraryVerifies(secret, signature, id, timestamp, body);
            assertEquals(new com.standardwebhooks.Webhook(secret).sign(id, Long.parseLong(timestamp), body), signature, secret);
        }
        // during a rotation the receiver holds either secret; both verify the one header
        String signatures = WebhookSigning.signatures(
                WebhookSigning.keys("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw whsec_dGhlIG5ldyBvbmU="), id, timestamp,
                body.getBytes(StandardCharsets.UTF_8));
        officialLibraryVerifies("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", signatures, id, timestamp, body);
        officialLibraryVerifies("whsec_dGhlIG5ldyBvbmU=", signatures, id, timestamp, body);
    }

    @Test
    void aSecretThatIsNotBase64IsRefusedWithoutShowingIt() throws Exception {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> WebhookSigning.keys("my-webhook-passphrase!"));
        assertTrue(e.getMessage().contains("base64") && !e.getMessage().contains("passphrase!"), e.getMessage());
    }

    @Test
    void signsWithEverySecretDuringARotation() throws Exception {
        String signatures = WebhookSigning.signatures(
                WebhookSigning.keys("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw whsec_dGhlIG5ldyBvbmU="),
                "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8));
        String[] parts = signatures.split(" ");
        assertEquals(2, parts.length);
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", parts[0]);
        assertTrue(parts[1].startsWith("v1,"));
    }

    @Test
    void batchIdDependsOnDestinationAndEventsOnly() {
        Event a = new Event("e1", null, "cloudtrail", null, null, null, null, null, null, null, Origin.ofMessage("q", "m"), null);
        Event b = new Event("e2", null, "cloudtrail", null, null, null, null, null, null, null, Origin.ofMessage("q", "m2"), null);
        String id = WebhookSigning.batchId("siem", List.of(a, b));
        assertEquals(id, WebhookSigning.batchId("siem", List.of(a, b)));
        assertNotEquals(id, WebhookSigning.batchId("other", List.of(a, b)));
        assertNotEquals(id, WebhookSigning.batchId("siem", List.of(a)));
        assertTrue(id.startsWith("msg_"));
    }
}
