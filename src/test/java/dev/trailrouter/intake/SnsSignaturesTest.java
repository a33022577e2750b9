package dev.trailrouter.intake;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import dev.trailrouter.support.Fixtures;

/**
 * Signature verification against real signed SNS HTTP messages from src/test/resources/fixtures/sns_http (see its
 * README lines: some verify with the certificate of another file), at the time each was signed (the certificates
 * have expired since). Each forgery is a one-field change of a real message, so a test that passes for the real one
 * and fails for the change shows that field is covered.
 */
class SnsSignaturesTest {

    static final Pattern DEFAULT_HOST = Pattern.compile(SnsSignatures.DEFAULT_HOST_PATTERN);

    static X509Certificate cert(String file) {
        return SigningCertificates.parse(Fixtures.text("sns_http/" + file).getBytes(StandardCharsets.US_ASCII), file);
    }

    static Instant signedAt(JsonNode message) {
        return Instant.parse(message.get("Timestamp").asText());
    }

    static void verifies(String messageFile, String certFile) {
        JsonNode message = Fixtures.json("sns_http/" + messageFile);
        SnsSignatures.verify(message, cert(certFile), signedAt(message));
    }

    static String refusal(JsonNode message, String certFile) {
        return assertThrows(SnsSignatures.Refused.class,
                () -> SnsSignatures.verify(message, cert(certFile), signedAt(message))).reason();
    }

    static final String RUBY_CERT = "aws_aws-php-sns-message-validator__FunctionalValidationsTest.php__certificate.pem";
    static final String JETBRAINS_CERT = "JetBrains_teamcity-aws-sns-trigger-plugin__0694e8c8-db4d-4863-8c83-a6c13cda3eec.pem";

    @Test
    void realSignatureVersion2NotificationVerifies() {
        // aws-sdk-ruby's message_SHA256 with the certificate from aws-php-sns-message-validator's test
        assertDoesNotThrow(() -> verifies("aws_aws-sdk-ruby__message_verifier_spec.rb__message_SHA256.json", RUBY_CERT));
    }

    @Test
    void realSignatureVersion1NotificationsVerify() {
        assertDoesNotThrow(() -> verifies("aws_aws-sdk-ruby__message_verifier_spec.rb__message_SHA1.json", RUBY_CERT));
        // the SnsPublisher samples verify with JetBrains' copy of SimpleNotificationService-56e67fcb….pem
        assertDoesNotThrow(() -> verifies("ahonnecke_SnsPublisher__README.md__Notification_5623b23e.json", JETBRAINS_CERT));
        assertDoesNotThrow(() -> verifies("ahonnecke_SnsPublisher__README.md__Notification_51d30d25_compressed.json", JETBRAINS_CERT));
        // with a Subject and MessageAttributes (attributes are not signed)
        assertDoesNotThrow(() -> verifies("aws_aws-sdk-java-v2__sample-message.json", "aws_aws-sdk-java-v2__unit-test-public-cert.pem"));
    }

    @Test
    void aTamperedSignedFieldOrAnotherCertificateIsRefused() {
        String file = "aws_aws-sdk-ruby__message_verifier_spec.rb__message_SHA256.json";
        for (String field : new String[] {"Message", "MessageId", "Timestamp", "TopicArn"}) {
            ObjectNode forged = (ObjectNode) Fixtures.json("sns_http/" + file);
            String value = forged.get(field).asText();
            // one character changed; the timestamp stays a timestamp (a millisecond later)
            forged.put(field, field.equals("Timestamp") ? value.replace(".324Z", ".325Z") : value + "x");
            assertEquals("bad-signature", refusal(forged, RUBY_CERT), field + " is signed");
        }
        ObjectNode withSubject = (ObjectNode) Fixtures.json("sns_http/" + file);
        withSubject.put("Subject", "added");
        assertEquals("bad-signature", refusal(withSubject, RUBY_CERT), "a Subject the signer did not send is signed");
        // the right message with a certificate of another key
        assertEquals("bad-signature", refusal(Fixtures.json("sns_http/" + file), JETBRAINS_CERT));
        // SignatureVersion is not in the string to sign, but it picks the digest: 1 on a SHA256 signature fails
        ObjectNode downgraded = (ObjectNode) Fixtures.json("sns_http/" + file);
        downgraded.put("SignatureVersion", "1");
        assertEquals("bad-signature", refusal(downgraded, RUBY_CERT));
        downgraded.put("SignatureVersion", "3");
        assertEquals("unsupported-signature-version", refusal(downgraded, RUBY_CERT));
    }

    @Test
    void aCertificateOutsideItsValidityIsRefused() {
        JsonNode message = Fixtures.json("sns_http/aws_aws-sdk-ruby__message_verifier_spec.rb__message_SHA256.json");
        assertEquals("certificate-not-valid", assertThrows(SnsSignatures.Refused.class,
                () -> SnsSignatures.verify(message, cert(RUBY_CERT), Instant.parse("2026-01-01T00:00:00Z"))).reason());
    }

    @Test
    void theStringToSignFollowsTheTypesFieldList() {
        JsonNode confirmation = Fixtures.json(
                "sns_http/awsdocs_amazon-sns-developer-guide__sns-message-and-json-formats.md__SubscriptionConfirmation.json");
        String canonical = SnsSignatures.stringToSign(confirmation);
        assertEquals(String.join("\n", "Message", confirmation.get("Message").asText(), "MessageId",
                "165545c9-2a5c-472c-8df2-7ff2be2b3b1b", "SubscribeURL", confirmation.get("SubscribeURL").asText(),
                "Timestamp", "2012-04-26T20:45:04.751Z", "Token", confirmation.get("Token").asText(), "TopicArn",
                "arn:aws:sns:us-west-2:123456789012:MyTopic", "Type", "SubscriptionConfirmation", ""), canonical);
        ObjectNode noToken = confirmation.deepCopy();
        noToken.remove("Token");
        assertEquals("missing-field", assertThrows(SnsSignatures.Refused.class,
                () -> SnsSignatures.stringToSign(noToken)).reason());
    }

    @Test
    void theDefaultHostRuleAcceptsOnlySnsRegionalHostsOverHttps() {
        assertDoesNotThrow(() -> SnsSignatures.snsUrl("https://sns.us-east-2.amazonaws.com/SimpleNotificationService-1.pem", DEFAULT_HOST, "cert-url"));
        assertDoesNotThrow(() -> SnsSignatures.snsUrl("https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-1.pem", DEFAULT_HOST, "cert-url"));
        assertDoesNotThrow(() -> SnsSignatures.snsUrl("https://SNS.us-east-1.amazonaws.com:443/x.pem", DEFAULT_HOST, "cert-url"));
        for (String region : new String[] {"us-gov-west-1", "us-iso-east-1", "us-isob-east-1", "eu-central-2",
                "ap-southeast-4", "il-central-1", "mx-central-1"}) {
            assertDoesNotThrow(() -> SnsSignatures.snsUrl("https://sns." + region + ".amazonaws.com/SimpleNotificationService-1.pem",
                    DEFAULT_HOST, "cert-url"), region);
        }
        String[][] refused = {
                {"http://sns.us-east-1.amazonaws.com/x.pem", "cert-url-not-https"},
                {"https://sns.us-east-1.amazonaws.com.evil.example/x.pem", "cert-url-host"},
                {"https://sns.x.amazonaws.com.evil/x.pem", "cert-url-host"},
                {"https://s3.amazonaws.com/sns.us-east-1.amazonaws.com/x.pem", "cert-url-host"},
                {"https://sns-bucket.s3.amazonaws.com/sns.us-east-1.amazonaws.com.pem", "cert-url-host"},
                {"https://sns.us-east-1.amazonaws.com.s3.amazonaws.com/x.pem", "cert-url-host"},
                {"https://evil.example/sns.us-east-1.amazonaws.com/x.pem", "cert-url-host"},
                {"https://ec2.us-east-1.amazonaws.com/x.pem", "cert-url-host"},
                {"https://attacker@sns.us-east-1.amazonaws.com/x.pem", "cert-url-host"},
                {"https://sns.us-east-1.amazonaws.com:8443/x.pem", "cert-url-host"},
                {"ftp://sns.us-east-1.amazonaws.com/x.pem", "cert-url-not-https"},
                {"https://sns.us_east-1.amazonaws.com/x.pem", "cert-url-host"},
                // an S3 bucket named "sns", by its own hostnames: anyone can create it and serve their own certificate
                {"https://sns.s3.amazonaws.com/SimpleNotificationService-1.pem", "cert-url-host"},
                {"https://sns.s3-external-1.amazonaws.com/SimpleNotificationService-1.pem", "cert-url-host"},
                {"https://sns.s3-us-west-2.amazonaws.com/SimpleNotificationService-1.pem", "cert-url-host"},
                {"https://sns.s3-accelerate.amazonaws.com/SimpleNotificationService-1.pem", "cert-url-host"},
                {"https://sns.s3-website-us-east-1.amazonaws.com/SimpleNotificationService-1.pem", "cert-url-host"},
                {"https://sns.s3.us-east-1.amazonaws.com/SimpleNotificationService-1.pem", "cert-url-host"},
                {"https://sns.amazonaws.com/SimpleNotificationService-1.pem", "cert-url-host"},
        };
        for (String[] url : refused) {
            assertEquals(url[1], assertThrows(SnsSignatures.Refused.class,
                    () -> SnsSignatures.snsUrl(url[0], DEFAULT_HOST, "cert-url"), url[0]).reason(), url[0]);
        }
    }

    @Test
    void theRealSamplesSigningCertificatesAreIssuedToSnsAndAnyOtherSubjectIsRefused() throws Exception {
        // all three real SNS certificates of the fixtures (two issued by Amazon, one by Symantec with O and L too)
        for (String file : new String[] {RUBY_CERT, JETBRAINS_CERT, "aws_aws-sdk-java-v2__unit-test-public-cert.pem"}) {
            assertDoesNotThrow(() -> SnsSignatures.checkSigner(cert(file)), file);
        }
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("sns-cn");
        try {
            for (String dname : new String[] {"CN=evil.example", "CN=sns.amazonaws.com.evil.example",
                    "OU=sns.amazonaws.com, CN=other", "O=Amazon"}) {
                X509Certificate other = keytoolCertificate(dir, dname);
                assertEquals("cert-subject", assertThrows(SnsSignatures.Refused.class,
                        () -> SnsSignatures.checkSigner(other), dname).reason(), dname);
            }
        } finally {
            try (var files = java.nio.file.Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** A self-signed certificate for this subject, made by the JDK's keytool. */
    static X509Certificate keytoolCertificate(java.nio.file.Path dir, String dname) throws Exception {
        java.nio.file.Path store = dir.resolve(Integer.toHexString(dname.hashCode()) + ".p12");
        String keytool = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", "k", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", dname, "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        return (X509Certificate) keys.getCertificate("k");
    }
}
