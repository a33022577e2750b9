package dev.trailrouter.deliver;

import dev.trailrouter.config.SecretRef;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.camel.Exchange;

import dev.trailrouter.event.Event;

/**
 * Signs webhook requests as the Standard Webhooks specification says: {@code webhook-id} (the same for a batch on every
 * attempt and on every redelivery of the SQS message, so receivers can deduplicate), {@code webhook-timestamp} (Unix
 * seconds of this attempt) and {@code webhook-signature}: {@code v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "."
 * + body)>}, one per secret, space-separated, so secrets can be rotated. A secret is the base64 of its key, with or
 * without the {@code whsec_} prefix, exactly as the Standard Webhooks libraries read it on the receiving side; a secret
 * that is not base64 is refused at start-up (using its UTF-8 bytes would sign with a key no receiver's library uses).
 *
 * <p>Also sets the destination's static and bearer headers. The secrets are resolved once, when the destination's
 * route is created ({@link Destination}).
 */
public final class WebhookSigning {

    private WebhookSigning() {
    }

    /** Before the first attempt: the custom headers, the bearer token, and the batch's id when requests are signed. */
    static void prepare(Exchange exchange) {
        Destination destination = Destination.of(exchange);
        destination.headers().forEach((k, v) -> exchange.getIn().setHeader(k, v));
        if (destination.bearerToken() != null) {
            exchange.getIn().setHeader("Authorization", "Bearer " + destination.bearerToken());
        }
        if (!destination.signingKeys().isEmpty()) {
            @SuppressWarnings("unchecked")
            List<Event> chunk = exchange.getProperty(DestinationTemplate.CHUNK, List.class);
            exchange.getIn().setHeader("webhook-id", batchId(destination.name(), chunk));
        }
    }

    /** Before every attempt: the same id, this attempt's timestamp, a new signature. */
    static void signAttempt(Exchange exchange) {
        List<byte[]> keys = Destination.of(exchange).signingKeys();
        if (!keys.isEmpty() && exchange.getIn().getHeader("webhook-id") != null) {
            sign(exchange, keys);
        }
    }

    static void sign(Exchange exchange, List<byte[]> keys) {
        String id = exchange.getIn().getHeader("webhook-id", String.class);
        String timestamp = Long.toString(System.currentTimeMillis() / 1000);
        byte[] body = exchange.getIn().getBody(byte[].class);
        exchange.getIn().setHeader("webhook-timestamp", timestamp);
        exchange.getIn().setHeader("webhook-signature", signatures(keys, id, timestamp, body));
    }

    public static String signatures(List<byte[]> keys, String id, String timestamp, byte[] body) {
        List<String> out = new ArrayList<>();
        for (byte[] key : keys) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
                out.add("v1," + Base64.getEncoder().encodeToString(mac.doFinal(body)));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
            }
        }
        return String.join(" ", out);
    }

    /** Stable for the same events sent to the same destination. */
    static String batchId(String destination, List<Event> events) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(destination.getBytes(StandardCharsets.UTF_8));
            for (Event event : events) {
                sha.update((byte) 0);
                sha.update(event.id().getBytes(StandardCharsets.UTF_8));
            }
            return "msg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(sha.digest()).substring(0, 27);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The signing keys of a secret value that holds one or more secrets separated by spaces. */
    static List<byte[]> keys(String secrets) {
        List<byte[]> keys = new ArrayList<>();
        for (String secret : secrets.trim().split("\\s+")) {
            SecretRef.remember(secret);
            keys.add(key(secret));
        }
        return List.copyOf(keys);
    }

    /** The key of one secret: the base64 after an optional {@code whsec_}, as the Standard Webhooks libraries decode it. */
    static byte[] key(String secret) {
        String encoded = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
        byte[] key;
        try {
            key = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            key = new byte[0];
        }
        if (key.length == 0) {
            throw new IllegalArgumentException("a signing secret is the base64 of its key, optionally prefixed whsec_ "
                    + "(Standard Webhooks); this one is not. To sign with a passphrase, give whsec_ followed by its base64");
        }
        return key;
    }

    /** {@code Name=value;Name2=value2}; a value that is a secret reference is resolved with {@code resolve}. */
    static Map<String, String> headers(String spec, java.util.function.UnaryOperator<String> resolve) {
        if (spec.isBlank()) {
            return Map.of();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String pair : spec.split(";")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("headers: expected Name=value, got '" + pair.trim() + "'");
            }
            String value = pair.substring(eq + 1).trim();
            // a value named by reference (env:, file:, {{…}}) is a secret: resolve.apply remembers it for masking
            headers.put(pair.substring(0, eq).trim(), SecretRef.isReference(value) ? resolve.apply(value) : value);
        }
        return java.util.Collections.unmodifiableMap(headers);
    }
}
