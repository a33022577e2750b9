package dev.trailrouter.it;

import java.io.FileInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import dev.trailrouter.support.Fixtures;

/**
 * Our own SNS stand-in for the tests the emulator cannot serve: a key pair and certificate made by the JDK's keytool
 * (CN=sns.amazonaws.com, SAN localhost), a second one issued to CN=evil.example, an HTTPS server on localhost serving
 * them as {@code /SimpleNotificationService-<hex>.pem} (and one such path answered 404) and a SubscribeURL stand-in
 * that records the GETs, a trust store holding the certificate, and a signer that builds the string to sign on its own
 * (written from AWS's documentation, not with the code under test).
 */
final class SnsTestSigner implements AutoCloseable {

    static final String PASSWORD = "changeit";

    final Path keystore;
    final PrivateKey key;
    final X509Certificate certificate;
    /** A key whose certificate (served at {@link #otherSubjectCertUrl()}) is issued to CN=evil.example, not SNS. */
    final PrivateKey otherSubjectKey;
    final SSLContext trust;
    final SSLContext serverSsl;
    private final HttpsServer server;
    final List<URI> confirmations = new CopyOnWriteArrayList<>();

    private SnsTestSigner(Path keystore, PrivateKey key, X509Certificate certificate, PrivateKey otherSubjectKey,
                          SSLContext trust, SSLContext serverSsl, HttpsServer server) {
        this.keystore = keystore;
        this.key = key;
        this.certificate = certificate;
        this.otherSubjectKey = otherSubjectKey;
        this.trust = trust;
        this.serverSsl = serverSsl;
        this.server = server;
    }

    /** Makes a key pair with keytool in {@code dir} and starts the HTTPS stand-in. */
    static SnsTestSigner start(Path dir) throws Exception {
        Path keystore = dir.resolve("sns-test.p12");
        keyPair(keystore, "sns", "CN=sns.amazonaws.com");
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keystore.toFile())) {
            store.load(in, PASSWORD.toCharArray());
        }
        PrivateKey key = (PrivateKey) store.getKey("sns", PASSWORD.toCharArray());
        X509Certificate certificate = (X509Certificate) store.getCertificate("sns");
        Path otherStore = dir.resolve("sns-test-other-subject.p12");
        keyPair(otherStore, "evil", "CN=evil.example");
        KeyStore other = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(otherStore.toFile())) {
            other.load(in, PASSWORD.toCharArray());
        }
        PrivateKey otherKey = (PrivateKey) other.getKey("evil", PASSWORD.toCharArray());
        byte[] otherPem = pem((X509Certificate) other.getCertificate("evil")).getBytes(StandardCharsets.US_ASCII);

        KeyStore trustStore = KeyStore.getInstance("PKCS12");
        trustStore.load(null, null);
        trustStore.setCertificateEntry("sns", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustStore);
        SSLContext trust = SSLContext.getInstance("TLS");
        trust.init(null, tmf.getTrustManagers(), null);

        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, PASSWORD.toCharArray());
        SSLContext serverSsl = SSLContext.getInstance("TLS");
        serverSsl.init(kmf.getKeyManagers(), null, null);

        HttpsServer server = HttpsServer.create(new InetSocketAddress("localhost", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverSsl));
        SnsTestSigner signer = new SnsTestSigner(keystore, key, certificate, otherKey, trust, serverSsl, server);
        byte[] pem = signer.pem().getBytes(StandardCharsets.US_ASCII);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (path.equals(OTHER_SUBJECT_PATH)) {
                exchange.sendResponseHeaders(200, otherPem.length);
                exchange.getResponseBody().write(otherPem);
            } else if (path.equals(MISSING_PATH)) {
                exchange.sendResponseHeaders(404, -1);
            } else if (path.endsWith(".pem")) {
                exchange.sendResponseHeaders(200, pem.length);
                exchange.getResponseBody().write(pem);
            } else if ("ConfirmSubscription".equals(query(exchange.getRequestURI(), "Action"))) {
                signer.confirmations.add(exchange.getRequestURI());
                byte[] ok = "<ConfirmSubscriptionResponse/>".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, ok.length);
                exchange.getResponseBody().write(ok);
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
            exchange.close();
        });
        server.start();
        return signer;
    }

    /** A PKCS12 key store with one RSA key pair and its self-signed certificate (valid for localhost). */
    static void keyPair(Path keystore, String alias, String dname) throws IOException, InterruptedException {
        Files.deleteIfExists(keystore);
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048",
                "-dname", dname, "-ext", "san=dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException("keytool failed: " + output);
        }
    }

    private static String query(URI uri, String name) {
        if (uri.getRawQuery() == null) {
            return null;
        }
        for (String pair : uri.getRawQuery().split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        return null;
    }

    String pem() throws Exception {
        return pem(certificate);
    }

    static String pem(X509Certificate certificate) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }

    /** {@code https://localhost:<port>} */
    String origin() {
        return "https://localhost:" + server.getAddress().getPort();
    }

    /** SNS's own path shape ({@code /SimpleNotificationService-<hex>.pem}): the listener fetches no other. */
    String certUrl() {
        return origin() + "/SimpleNotificationService-0123456789abcdef.pem";
    }

    static final String OTHER_SUBJECT_PATH = "/SimpleNotificationService-0bad.pem";
    /** A certificate path the stand-in answers 404 (an SNS host that cannot serve it just now). */
    static final String MISSING_PATH = "/SimpleNotificationService-404.pem";

    /** Where the CN=evil.example certificate is served, on the same allowed host and with SNS's path shape. */
    String otherSubjectCertUrl() {
        return origin() + OTHER_SUBJECT_PATH;
    }

    /** The host pattern that lets the listener fetch from this stand-in (tests only; production keeps SNS's). */
    String hostPattern() {
        return "^localhost:" + server.getAddress().getPort() + "$";
    }

    /** A Notification carrying this message, signed with SignatureVersion 2 by our key. */
    ObjectNode notification(String topicArn, String message) throws Exception {
        ObjectNode n = Fixtures.JSON.createObjectNode();
        n.put("Type", "Notification");
        n.put("MessageId", UUID.randomUUID().toString());
        n.put("TopicArn", topicArn);
        n.put("Message", message);
        n.put("Timestamp", Instant.now().toString());
        n.put("SignatureVersion", "2");
        n.put("SigningCertURL", certUrl());
        n.put("UnsubscribeURL", origin() + "/?Action=Unsubscribe&SubscriptionArn=" + topicArn + ":1");
        return sign(n, key);
    }

    ObjectNode confirmation(String type, String topicArn, String subscribeUrl) throws Exception {
        ObjectNode n = Fixtures.JSON.createObjectNode();
        n.put("Type", type);
        n.put("MessageId", UUID.randomUUID().toString());
        n.put("Token", "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a98866");
        n.put("TopicArn", topicArn);
        n.put("Message", "You have chosen to subscribe to the topic " + topicArn + ".");
        n.put("SubscribeURL", subscribeUrl);
        n.put("Timestamp", Instant.now().toString());
        n.put("SignatureVersion", "2");
        n.put("SigningCertURL", certUrl());
        return sign(n, key);
    }

    /** Signs the message as SNS does: "key\nvalue\n" over the type's fields, in byte order, SHA256withRSA. */
    static ObjectNode sign(ObjectNode n, PrivateKey key) throws Exception {
        String[] fields = "Notification".equals(n.get("Type").asText())
                ? new String[] {"Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"}
                : new String[] {"Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"};
        StringBuilder text = new StringBuilder();
        for (String field : fields) {
            if (n.has(field)) {
                text.append(field).append('\n').append(n.get(field).asText()).append('\n');
            }
        }
        Signature signature = Signature.getInstance("2".equals(n.get("SignatureVersion").asText()) ? "SHA256withRSA" : "SHA1withRSA");
        signature.initSign(key);
        signature.update(text.toString().getBytes(StandardCharsets.UTF_8));
        n.put("Signature", Base64.getEncoder().encodeToString(signature.sign()));
        return n;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
