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
import java.util.concurrent.ConcurrentHashMap;

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
 * <p>Also sets the destination's static and bearer headers. Secrets are read once, from their env:/file: reference.
 */
public final class WebhookSigning {

    public static final String SECRET = "trailrouterWebhookSecret";
    public static final String HEADERS = "trailrouterWebhookHeaders";
    public static final String BEARER = "trailrouterWebhookBearer";

    private static final Map<String, List<byte[]>> KEYS = new ConcurrentHashMap<>();
    private static final Map<String, Map<String, String>> HEADER_SETS = new ConcurrentHashMap<>();

    private WebhookSigning() {
    }

    /** Before the first attempt: the batch's id and the custom headers. */
    static void prepare(Exchange exchange) {
        headers(exchange.getProperty(HEADERS, "", String.class)).forEach((k, v) -> exchange.getIn().setHeader(k, v));
        String bearer = exchange.getProperty(BEARER, "", String.class);
        if (!bearer.isBlank()) {
            exchange.getIn().setHeader("Authorization", "Bearer " + bearerToken(bearer));
        }
        String secret = exchange.getProperty(SECRET, "", String.class);
        if (!secret.isBlank()) {
            @SuppressWarnings("unchecked")
            List<Event> chunk = exchange.getProperty(DestinationTemplate.CHUNK, List.class);
            exchange.getIn().setHeader("webhook-id", batchId(exchange.getProperty(DestinationTemplate.DESTINATION, String.class), chunk));
        }
    }

    /** Before every attempt: the same id, this attempt's timestamp, a new signature. */
    static void signAttempt(Exchange exchange) {
        String secret = exchange.getProperty(SECRET, "", String.class);
        if (!secret.isBlank() && exchange.getIn().getHeader("webhook-id") != null) {
            sign(exchange, keys(secret));
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

    static String bearerToken(String reference) {
        return new String(KEYS.computeIfAbsent("bearer\u0000" + reference,
                r -> List.of(SecretRef.resolve(reference).getBytes(StandardCharsets.UTF_8))).get(0), StandardCharsets.UTF_8);
    }

    /** The signing keys of a secret reference whose value holds one or more secrets separated by spaces. */
    static List<byte[]> keys(String reference) {
        return KEYS.computeIfAbsent(reference, ref -> {
            List<byte[]> keys = new ArrayList<>();
            for (String secret : SecretRef.resolve(ref).split("\\s+")) {
                SecretRef.remember(secret);
                keys.add(key(secret));
            }
            return keys;
        });
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

    /** {@code Name=value;Name2=value2}; a value that is an env:/file: reference is resolved. */
    static Map<String, String> headers(String spec) {
        if (spec.isBlank()) {
            return Map.of();
        }
        return HEADER_SETS.computeIfAbsent(spec, s -> {
            Map<String, String> headers = new LinkedHashMap<>();
            for (String pair : s.split(";")) {
                if (pair.isBlank()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("headers: expected Name=value, got '" + pair.trim() + "'");
                }
                String value = pair.substring(eq + 1).trim();
                headers.put(pair.substring(0, eq).trim(), SecretRef.isReference(value) ? SecretRef.resolve(value) : value);
            }
            return headers;
        });
    }
}
