package dev.trailrouter.intake;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import javax.net.ssl.SSLContext;

/**
 * The SNS push intake's outbound requests: fetching a signing certificate and confirming a subscription (a GET of
 * SubscribeURL). Both go only to URLs that passed the SNS host rule ({@link SnsSignatures#snsUrl}) before this is
 * called. No redirects (a redirect would leave the checked host), a connect and a whole-request timeout, and a size cap
 * on what is read: an attacker who controls neither the host nor the TLS certificate cannot make this fetch anything
 * else, and a slow or huge answer costs at most the timeout.
 *
 * <p>Bound in the registry as {@code snsPushHttp} to replace the default: the tests bind one with a test trust store,
 * or one that maps SNS's certificate host to the emulator that serves it. The host rule runs before, whatever is bound.
 */
public class SnsHttp {

    /** A signing certificate PEM is about 2 KB; a confirmation answer well under 64 KB. */
    static final int MAX_BYTES = 64 * 1024;

    private final HttpClient client;
    private final Duration timeout;

    /** The default: the JVM's trust store. */
    public SnsHttp(Duration timeout) {
        this(null, timeout);
    }

    /** With its own TLS context (a test trust store, or a corporate CA in front of AWS). */
    public SnsHttp(SSLContext ssl, Duration timeout) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (ssl != null) {
            builder.sslContext(ssl);
        }
        this.client = builder.build();
        this.timeout = timeout;
    }

    /** GETs the URL: the body of a 2xx answer, at most {@link #MAX_BYTES}; an IOException with the status otherwise. */
    public byte[] get(URI uri) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(target(uri)).timeout(timeout).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() / 100 != 2) {
                throw new IOException("HTTP " + response.statusCode() + " from " + uri.getHost());
            }
            byte[] bytes = body.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new IOException("answer from " + uri.getHost() + " is larger than " + MAX_BYTES + " bytes");
            }
            return bytes;
        }
    }

    /** Where the request really goes: the URL itself; a test mapping overrides this, after the host rule passed. */
    protected URI target(URI uri) {
        return uri;
    }
}
