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
