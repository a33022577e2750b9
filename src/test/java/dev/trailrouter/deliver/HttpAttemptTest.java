package dev.trailrouter.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;

import org.apache.camel.http.base.HttpOperationFailedException;
import org.junit.jupiter.api.Test;

import dev.trailrouter.config.SecretRef;

class HttpAttemptTest {

    @Test
    void aSecretUrlIsMaskedInHttpFailures() {
        String url = "https://hooks.slack.com/services/T0001/B0001/" + "q8WNgtmgLbExampleToken9a";
        SecretRef.remember(url);
        Exception failure = HttpAttempt.redacted(new HttpOperationFailedException(url, 500, "Server Error", null, Map.of(), ""));
        assertFalse(failure.getMessage().contains("ExampleToken"), failure.getMessage());
        assertEquals(500, ((HttpOperationFailedException) failure).getStatusCode());
    }
}
