package dev.trailrouter.intake;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * SNS signing certificates by SigningCertURL: the URL must pass the SNS host rule before anything is fetched, and a
 * fetched certificate is kept in a bounded cache (least recently used first out), so a steady stream of notifications
 * costs no request and a flood of distinct (even valid-looking) URLs cannot grow memory. Failed fetches are not cached:
 * a certificate host that was briefly unreachable costs the next request one fetch again, not a cached refusal.
 */
final class SigningCertificates {

    private final Pattern host;
    private final SnsHttp http;
    private final Map<URI, X509Certificate> cache;

    SigningCertificates(Pattern host, SnsHttp http, int maxEntries) {
        this.host = host;
        this.http = http;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<URI, X509Certificate> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** The certificate at this SigningCertURL, once the URL passed the host rule; refused otherwise. */
    X509Certificate certificate(String signingCertUrl) {
        URI uri = SnsSignatures.snsUrl(signingCertUrl, host, "cert-url");
        if (!uri.getPath().endsWith(".pem")) {
            throw new SnsSignatures.Refused("cert-url-path", "SigningCertURL does not name a .pem file");
        }
        synchronized (cache) {
            X509Certificate cached = cache.get(uri);
            if (cached != null) {
                return cached;
            }
        }
        X509Certificate fetched = fetch(uri);
        synchronized (cache) {
            cache.put(uri, fetched);
        }
        return fetched;
    }

    int size() {
        synchronized (cache) {
            return cache.size();
        }
    }

    private X509Certificate fetch(URI uri) {
        byte[] pem;
        try {
            pem = http.get(uri);
        } catch (IOException e) {
            throw new SnsSignatures.Refused("cert-unavailable", "signing certificate " + uri.getHost() + uri.getPath()
                    + " could not be fetched: " + e.getMessage());
        }
        return parse(pem, uri.getHost() + uri.getPath());
    }

    static X509Certificate parse(byte[] pem, String what) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
        } catch (CertificateException | ClassCastException e) {
            throw new SnsSignatures.Refused("cert-unreadable", "signing certificate " + what + " is not an X.509 PEM");
        }
    }
}
