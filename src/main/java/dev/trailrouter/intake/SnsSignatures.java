package dev.trailrouter.intake;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Verifies the signature of a message SNS pushed over HTTP(S), as AWS documents it ("Verifying the signatures of
 * Amazon SNS messages"): the string to sign is {@code key\nvalue\n} for a fixed list of keys per message type, in
 * byte order, the optional {@code Subject} only when present; SignatureVersion 1 is SHA1withRSA, 2 is SHA256withRSA.
 *
 * <p>The AWS SDK v2 2.41.14 on the classpath has no {@code SnsMessageManager} (it lives in a separate
 * {@code sns-message-manager} module that this registry does not serve), so this is javax.crypto, checked against the
 * real signed samples in the shared fixtures and against our own key pair.
 *
 * <p>Every failure is a {@link Refused} with a short reason that becomes a metric tag: nothing of the request is
 * delivered unless {@link #verify} returned.
 */
final class SnsSignatures {

    /**
     * The SNS host rule: {@code sns.<region>.amazonaws.com[.cn]} where the region label has a region's shape
     * ({@code us-east-1}, {@code us-gov-west-1}, {@code cn-north-1}, {@code us-isob-east-1}). A looser label
     * ({@code [a-z0-9-]+}) also matched {@code sns.s3.amazonaws.com}, {@code sns.s3-us-west-2.amazonaws.com} and
     * {@code sns.s3-accelerate.amazonaws.com}: the hostnames of an S3 bucket named "sns", which anyone can create and
     * fill with a certificate of their own key. A region label always starts with two letters and ends in a number;
     * S3's legacy endpoints start with {@code s3}, so no bucket host fits.
     */
    static final String DEFAULT_HOST_PATTERN =
            "^sns\\.[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d+\\.amazonaws\\.com(\\.cn)?$";

    /**
     * The path of every SigningCertURL SNS sends ({@code /SimpleNotificationService-<hex>.pem}, in every real sample
     * and in the emulator's): nothing else on an SNS host is fetched as a certificate.
     */
    static final Pattern CERT_PATH = Pattern.compile("^/SimpleNotificationService-[0-9a-f]+\\.pem$");

    /** The subject CN of every SNS signing certificate (all three real ones in the fixtures, and the emulator's). */
    static final String SIGNER_CN = "sns.amazonaws.com";

    /**
     * Hosts that are not SNS's, and that a cert-host-pattern must refuse: any host, S3 path-style and virtual-host
     * style with a bucket named "sns" (its legacy and accelerate endpoints included), a lookalike suffix.
     */
    static final List<String> NOT_SNS_HOSTS = List.of("evil.example", "s3.amazonaws.com", "sns.s3.amazonaws.com",
            "sns.s3-external-1.amazonaws.com", "sns.s3-us-west-2.amazonaws.com", "sns.s3-accelerate.amazonaws.com",
            "sns.us-east-1.amazonaws.com.evil");

    private static final List<String> NOTIFICATION_KEYS =
            List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type");
    private static final List<String> CONFIRMATION_KEYS =
            List.of("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type");

    private SnsSignatures() {
    }

    /** Why a request was refused: a short metric-safe reason and a one-line detail for the log. */
    static final class Refused extends RuntimeException {
        private final String reason;

        Refused(String reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }

    /**
     * The string SNS signed for this message: the type's keys, sorted, each as {@code key\nvalue\n}. A key of the
     * type's list that is missing (other than Subject) refuses the message: a signature over fewer fields would
     * verify a message whose unsigned fields anyone could set.
     */
    static String stringToSign(JsonNode message) {
        String type = text(message, "Type");
        List<String> keys = switch (type) {
            case "Notification" -> NOTIFICATION_KEYS;
            case "SubscriptionConfirmation", "UnsubscribeConfirmation" -> CONFIRMATION_KEYS;
            default -> throw new Refused("unknown-type", "Type " + dev.trailrouter.observe.LogSafe.brief(type) + " is not an SNS HTTP message type");
        };
        StringBuilder out = new StringBuilder(256);
        for (String key : keys) {
            JsonNode value = message.get(key);
            if (value == null || value.isNull()) {
                if (key.equals("Subject")) {
                    continue;
                }
                throw new Refused("missing-field", type + " has no " + key);
            }
            if (!value.isTextual()) {
                throw new Refused("malformed", type + " field " + key + " is not a string");
            }
            out.append(key).append('\n').append(value.asText()).append('\n');
        }
        return out.toString();
    }

    /** The JCA algorithm for the message's SignatureVersion. */
    static String algorithm(JsonNode message) {
        String version = text(message, "SignatureVersion");
        return switch (version) {
            case "1" -> "SHA1withRSA";
            case "2" -> "SHA256withRSA";
            default -> throw new Refused("unsupported-signature-version", "SignatureVersion " + dev.trailrouter.observe.LogSafe.brief(version)
                    + " is neither 1 nor 2");
        };
    }

    /**
     * Verifies the message's Signature with the certificate's public key; returns only when it verifies and the
     * certificate is valid at {@code at} (now, for a live request).
     */
    static void verify(JsonNode message, X509Certificate certificate, java.time.Instant at) {
        String algorithm = algorithm(message);
        byte[] signature;
        try {
            signature = Base64.getMimeDecoder().decode(text(message, "Signature"));
        } catch (IllegalArgumentException e) {
            throw new Refused("bad-signature", "Signature is not base64");
        }
        try {
            certificate.checkValidity(java.util.Date.from(at));
        } catch (GeneralSecurityException e) {
            throw new Refused("certificate-not-valid", "signing certificate is not valid at " + at + ": " + e.getMessage());
        }
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(stringToSign(message).getBytes(StandardCharsets.UTF_8));
            if (!verifier.verify(signature)) {
                throw new Refused("bad-signature", "signature does not verify with the signing certificate");
            }
        } catch (GeneralSecurityException e) {
            throw new Refused("bad-signature", "signature cannot be checked: " + e.getMessage());
        }
    }

    /**
     * Checks a URL SNS gave (SigningCertURL, SubscribeURL): https, the default port, no user info, and a host the
     * pattern matches in full. Returns the URL; refuses it otherwise with {@code reasonPrefix-…}.
     */
    static URI snsUrl(String url, Pattern host, String what) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (Exception e) {
            throw new Refused(what + "-malformed", what + " is not a URL");
        }
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw new Refused(what + "-not-https", what + " is not https");
        }
        if (uri.getRawUserInfo() != null || uri.getHost() == null) {
            throw new Refused(what + "-host", what + " has user info or no host");
        }
        // the default port is checked against the host alone; any other port only when the pattern names it
        // (host:port, for a local test server): the default pattern never matches a colon
        String name = uri.getHost().toLowerCase(java.util.Locale.ROOT);
        boolean defaultPort = uri.getPort() == -1 || uri.getPort() == 443;
        if (!host.matcher(defaultPort ? name : name + ":" + uri.getPort()).matches()) {
            throw new Refused(what + "-host", what + " host " + dev.trailrouter.observe.LogSafe.brief(uri.getHost())
                    + (defaultPort ? "" : ":" + uri.getPort()) + " is not an SNS host");
        }
        return uri;
    }

    /**
     * Refuses a certificate whose subject CN is not {@link #SIGNER_CN}. The host rule and TLS already make sure the PEM
     * came from an SNS host; this is the second lock, for a host rule widened by configuration (another partition, a
     * test server): a certificate issued for anything else never verifies a message. (The chain is not validated:
     * SNS serves the leaf alone, without its intermediate, so a path to the JDK's roots cannot be built from it; the
     * TLS connection to the SNS host is what the JDK's trust store checks.)
     */
    static void checkSigner(X509Certificate certificate) {
        String cn = commonName(certificate);
        if (!SIGNER_CN.equals(cn)) {
            throw new Refused("cert-subject", "signing certificate is issued to " + dev.trailrouter.observe.LogSafe.brief(String.valueOf(cn))
                    + ", not " + SIGNER_CN);
        }
    }

    /** The subject's (last) CN, or null when it has none. */
    static String commonName(X509Certificate certificate) {
        try {
            String cn = null;
            for (javax.naming.ldap.Rdn rdn : new javax.naming.ldap.LdapName(
                    certificate.getSubjectX500Principal().getName(javax.security.auth.x500.X500Principal.RFC2253)).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    cn = String.valueOf(rdn.getValue()); // getRdns() runs from the most significant RDN: the last CN wins
                }
            }
            return cn;
        } catch (javax.naming.InvalidNameException e) {
            return null;
        }
    }

    static String text(JsonNode message, String key) {
        JsonNode value = message.get(key);
        if (value == null || !value.isTextual()) {
            throw new Refused("missing-field", "no " + key + " string");
        }
        return value.asText();
    }
}
