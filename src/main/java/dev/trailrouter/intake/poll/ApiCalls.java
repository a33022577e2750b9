package dev.trailrouter.intake.poll;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.trailrouter.observe.LogSafe;
import dev.trailrouter.observe.PipelineMetrics;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Every API call of one poller: paced ({@link RequestPacer}), counted, and retried here rather than inside the SDK (its
 * clients are built with no retries) so that retries are paced and counted too. Throttling is retried with exponential
 * backoff and jitter, {@value #THROTTLE_ATTEMPTS} attempts; a network error or a 5xx {@value #ERROR_ATTEMPTS}. Anything
 * else (access denied, a bad request) fails at once: the window is tried again at a later poll.
 */
final class ApiCalls {

    private static final Logger LOG = LoggerFactory.getLogger("dev.trailrouter.intake");

    static final int THROTTLE_ATTEMPTS = 8;
    static final int ERROR_ATTEMPTS = 3;
    static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(20);

    private final String poller;
    private final RequestPacer pacer;
    private final PipelineMetrics metrics;

    ApiCalls(String poller, RequestPacer pacer, PipelineMetrics metrics) {
        this.poller = poller;
        this.pacer = pacer;
        this.metrics = metrics;
    }

    <T> T call(String operation, Supplier<T> request) throws InterruptedException {
        int throttled = 0;
        int errors = 0;
        while (true) {
            pacer.acquire();
            metrics.pollerApiCall(poller);
            try {
                return request.get();
            } catch (AwsServiceException e) {
                if (e.isThrottlingException()) {
                    metrics.pollerThrottled(poller);
                    if (++throttled >= THROTTLE_ATTEMPTS) {
                        throw e;
                    }
                    LOG.debug("poller={} {} throttled (attempt {}): {}", poller, operation, throttled, LogSafe.rootCause(e));
                    backoff(throttled);
                } else if (e.statusCode() >= 500 && ++errors < ERROR_ATTEMPTS) {
                    backoff(errors);
                } else {
                    throw e;
                }
            } catch (SdkClientException e) {
                if (++errors >= ERROR_ATTEMPTS) {
                    throw e;
                }
                backoff(errors);
            }
        }
    }

    /** 0.5 s, 1 s, 2 s … up to 20 s, each with up to half of it added at random (pollers in step spread out). */
    private static void backoff(int attempt) throws InterruptedException {
        long base = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(attempt - 1, 10));
        Thread.sleep(base + ThreadLocalRandom.current().nextLong(base / 2 + 1));
    }
}
