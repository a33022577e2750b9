package dev.trailrouter.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A secret named by reference in a destination file, never written there: {@code env:NAME} (an environment variable),
 * {@code file:/path} (a file's content, trimmed; a mounted Kubernetes or Docker secret), or a Camel property
 * placeholder: {@code {{env:NAME}}}, or {@code {{aws:secret-name}}} / {@code {{aws:secret-name/field}}} for AWS Secrets
 * Manager (Camel's property function; region and credentials from {@code camel.vault.aws.*}). Every resolved value is
 * remembered so that {@link #redact} can keep it out of log lines: the set is process-wide, like the logs it protects.
 */
public final class SecretRef {

    private static final Set<String> KNOWN = ConcurrentHashMap.newKeySet();

    private SecretRef() {
    }

    public static boolean isReference(String value) {
        return value != null && (value.startsWith("env:") || value.startsWith("file:") || isPlaceholder(value));
    }

    private static boolean isPlaceholder(String value) {
        return value.startsWith("{{") && value.endsWith("}}");
    }

    /** Resolves any form, placeholders through the context's properties (env, AWS Secrets Manager). */
    public static String resolve(org.apache.camel.CamelContext context, String reference) {
        if (reference != null && isPlaceholder(reference)) {
            String value;
            try {
                value = context.resolvePropertyPlaceholders(reference);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("cannot resolve " + reference + ": " + e.getMessage(), e);
            }
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(reference + " is empty");
            }
            remember(value.trim());
            return value.trim();
        }
        return resolve(reference);
    }

    /** @throws IllegalArgumentException when the reference is malformed, the variable unset or the file unreadable */
    public static String resolve(String reference) {
        if (reference != null && isPlaceholder(reference)) {
            throw new IllegalArgumentException(reference + " is resolved with the Camel context's properties");
        }
        if (!isReference(reference)) {
            throw new IllegalArgumentException("must be a reference (env:NAME, file:/path, {{env:NAME}} or {{aws:name}}), "
                    + "not the secret itself");
        }
        String value;
        if (reference.startsWith("env:")) {
            String name = reference.substring(4);
            value = System.getenv(name);
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("environment variable " + name + " is not set");
            }
        } else {
            Path path = Path.of(reference.substring(5));
            try {
                value = Files.readString(path, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + path + ": " + e.getClass().getSimpleName());
            }
        }
        value = value.trim();
        if (value.isEmpty()) {
            throw new IllegalArgumentException(reference + " is empty");
        }
        remember(value);
        return value;
    }

    /** Registers a secret that came another way (a URL resolved by Camel) so log lines never show it. */
    public static void remember(String secret) {
        if (secret != null && secret.length() >= 8) {
            KNOWN.add(secret);
        }
    }

    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : KNOWN) {
            out = out.replace(secret, "****");
        }
        return out;
    }
}
