package dev.trailrouter.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.camel.http.base.HttpOperationFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretRefTest {

    @TempDir
    Path tmp;

    @Test
    void resolvesFilesAndEnvironmentVariables() throws Exception {
        Path file = Files.writeString(tmp.resolve("s"), "  s3cret-from-a-file \n");
        assertEquals("s3cret-from-a-file", SecretRef.resolve("file:" + file));
        assertEquals(System.getenv("PATH").trim(), SecretRef.resolve("env:PATH"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SecretRef.resolve("env:TRAILROUTER_SURELY_UNSET"))
                .getMessage().contains("is not set"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SecretRef.resolve("whsec_literal"))
                .getMessage().contains("must be a reference"));
    }

    @Test
    void resolvedSecretsAreMaskedInLogText() {
        String url = "https://hooks.slack.com/services/T0001/B0001/" + "q8WNgtmgLbExampleToken9a";
        SecretRef.remember(url);
        assertEquals("posting to **** failed", SecretRef.redact("posting to " + url + " failed"));
    }
}
