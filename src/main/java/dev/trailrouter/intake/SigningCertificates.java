package dev.trailrouter.intake;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * SNS signing certificates by SigningCertURL. The URL must pass the SNS host rule and name
 * {@code /SimpleNotificationService-<hex>.pem} before anything is fetched, and the fetched certificate must be issued
 * to {@code sns.amazonaws.com}. A good certificate is kept in a bounded cache (least recently used first out), so a
 * steady stream of notifications costs no request and a flood of distinct URLs cannot grow memory.
 *
 * <p>The fetch happens before any concurrency permit of the endpoint (the signature must be checked before a
 * notification may take one), so it is bounded on its own: at most {@value #MAX_FETCHES} fetches at once (one more is
 * refused {@code cert-fetch-busy} at once, not queued), requests for a URL being fetched wait for that one fetch, and a
 * failed fetch is remembered for {@code failureTtl} per URL (bounded like the cache): a flood of valid-looking URLs
 * that 404, or of requests while SNS's host is unreachable, costs one fetch per URL per interval, not one per request.
 * The interval is short (10 s by default) so a host that was briefly unreachable costs SNS one retry, not a cached
 * refusal for long.
 */
final class SigningCertificates {

    /** Certificate fetches under way at once, all endpoints together. */
    static final int MAX_FETCHES = 4;
    /** How long a failed fetch is answered from memory by default. */
    static final Duration FAILURE_TTL = Duration.ofSeconds(10);

    private record Failure(Instant until, SnsSignatures.Refused refusal) {
    }

    private final Pattern host;
    private final SnsHttp http;
    private final Map<URI, X509Certificate> cache;
    private final Map<URI, Failure> failures;
    private final Map<URI, CompletableFuture<X509Certificate>> fetching = new ConcurrentHashMap<>();
    private final Semaphore fetches = new Semaphore(MAX_FETCHES);
    private final Duration failureTtl;
    private final Duration waitForFetch;
    private final Clock clock;

    SigningCertificates(Pattern host, SnsHttp http, int maxEntries) {
        this(host, http, maxEntries, FAILURE_TTL, Duration.ofSeconds(10), Clock.systemUTC());
    }

    /**
     * @param waitForFetch how long a request waits for another request's fetch of the same URL (the fetch's own
     *                     timeout, plus a little)
     */
    SigningCertificates(Pattern host, SnsHttp http, int maxEntries, Duration failureTtl, Duration waitForFetch, Clock clock) {
        this.host = host;
        this.http = http;
        this.failureTtl = failureTtl;
        this.waitForFetch = waitForFetch;
        this.clock = clock;
        this.cache = bounded(maxEntries);
        this.failures = bounded(maxEntries);
    }

    private static <V> Map<URI, V> bounded(int maxEntries) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<URI, V> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /** The certificate at this SigningCertURL, once the URL passed the host and path rules; refused otherwise. */
    X509Certificate certificate(String signingCertUrl) {
        URI uri = SnsSignatures.snsUrl(signingCertUrl, host, "cert-url");
        if (uri.getRawQuery() != null || uri.getRawFragment() != null
                || !SnsSignatures.CERT_PATH.matcher(uri.getRawPath() == null ? "" : uri.getRawPath()).matches()) {
            throw new SnsSignatures.Refused("cert-url-path", "SigningCertURL does not name /SimpleNotificationService-<hex>.pem");
        }
        synchronized (this) {
            X509Certificate cached = cache.get(uri);
            if (cached != null) {
                return cached;
            }
            Failure failed = failures.get(uri);
            if (failed != null) {
                if (clock.instant().isBefore(failed.until())) {
                    throw failed.refusal();
                }
                failures.remove(uri);
            }
        }
        CompletableFuture<X509Certificate> mine = new CompletableFuture<>();
        CompletableFuture<X509Certificate> running = fetching.putIfAbsent(uri, mine);
        if (running != null) {
            return await(running, uri);
        }
        try {
            X509Certificate fetched = fetchOnce(uri);
            synchronized (this) {
                cache.put(uri, fetched);
            }
            mine.complete(fetched);
            return fetched;
        } catch (SnsSignatures.Refused e) {
            if (!e.reason().equals("cert-fetch-busy")) { // busy says nothing about the URL
                synchronized (this) {
                    failures.put(uri, new Failure(clock.instant().plus(failureTtl), e));
                }
            }
            mine.completeExceptionally(e);
            throw e;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            fetching.remove(uri, mine);
        }
    }

    private X509Certificate fetchOnce(URI uri) {
        if (!fetches.tryAcquire()) {
            throw new SnsSignatures.Refused("cert-fetch-busy", MAX_FETCHES + " signing certificates are being fetched "
                    + "already; " + uri.getHost() + uri.getPath() + " not fetched");
        }
        try {
            X509Certificate certificate = fetch(uri);
            SnsSignatures.checkSigner(certificate);
            return certificate;
        } finally {
            fetches.release();
        }
    }

    private X509Certificate await(CompletableFuture<X509Certificate> running, URI uri) {
        try {
            return running.get(waitForFetch.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SnsSignatures.Refused refused) {
                throw refused;
            }
            throw new SnsSignatures.Refused("cert-unavailable", "signing certificate " + uri.getHost() + uri.getPath()
                    + " could not be fetched: " + e.getCause());
        } catch (TimeoutException e) {
            throw new SnsSignatures.Refused("cert-unavailable", "signing certificate " + uri.getHost() + uri.getPath()
                    + " still being fetched after " + waitForFetch.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SnsSignatures.Refused("cert-unavailable", "interrupted while the signing certificate was fetched");
        }
    }

    int size() {
        synchronized (this) {
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
