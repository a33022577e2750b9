package dev.trailrouter.intake;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import dev.trailrouter.config.TrailRouterSettings;

/**
 * The SNS HTTPS push intake's configuration ({@code trailrouter.sns-push.*}, docs/configuration.md). Off unless
 * {@code trailrouter.sns-push.endpoints} names at least one endpoint; every endpoint must list the topic ARNs it
 * accepts: a listener that accepted any validly signed SNS message would deliver whatever anyone publishes to any
 * topic of their own, since SNS signs every topic's messages with the same certificates.
 */
record SnsPushSettings(String host, int port, List<Endpoint> endpoints, Pattern certHost, long maxBodyBytes,
                       long maxMessageBytes, int maxConcurrent, Duration answerWithin, Duration readTimeout,
                       Duration fetchTimeout, int certCacheSize, Duration maxMessageAge, Duration maxClockSkew) {

    static final String PREFIX = "trailrouter.sns-push.";
    /** SNS's retry horizon (an hour at most, whatever the delivery policy) and ten minutes of clock skew. */
    static final Duration DEFAULT_MAX_MESSAGE_AGE = Duration.ofMinutes(70);
    /** How far ahead of this host's clock a Timestamp may be (clock skew). */
    static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern TOPIC_ARN = Pattern.compile("arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_.-]{1,256}");

    /** One named endpoint: {@code POST /sns/<name>}, accepting only these topics. */
    record Endpoint(String name, Set<String> topics) {
        String path() {
            return "/sns/" + name;
        }

        /** The ledger's source: the endpoint's metrics and log lines name it so. */
        String source() {
            return "sns-" + name;
        }

        /** The pseudo-destination under which delivered MessageIds are recorded for dedup. */
        String dedupKey() {
            return "sns-push:" + name;
        }
    }

    static List<String> endpointNames(TrailRouterSettings settings) {
        return Arrays.stream(settings.string(PREFIX + "endpoints").orElse("").split(","))
                .map(String::trim).filter(n -> !n.isEmpty()).toList();
    }

    /** Whether any endpoint is configured: the listener (Camel Main's HTTP server) starts only then. */
    static boolean enabled(TrailRouterSettings settings) {
        return !endpointNames(settings).isEmpty();
    }

    /** @throws IllegalStateException one line naming the key, for a missing or wrong value */
    static SnsPushSettings read(TrailRouterSettings settings) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (String name : endpointNames(settings)) {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalStateException(PREFIX + "endpoints: '" + name + "' is not a name of lower-case letters, "
                        + "digits and '-' (it becomes the path /sns/<name>)");
            }
            String key = PREFIX + name + ".topics";
            Set<String> topics = new LinkedHashSet<>();
            for (String topic : settings.string(key).orElse("").split(",")) {
                if (!topic.isBlank()) {
                    if (!TOPIC_ARN.matcher(topic.trim()).matches()) {
                        throw new IllegalStateException(key + ": '" + topic.trim() + "' is not an SNS topic ARN");
                    }
                    topics.add(topic.trim());
                }
            }
            if (topics.isEmpty()) {
                throw new IllegalStateException(key + " is required: the SNS topic ARNs endpoint '" + name
                        + "' accepts (comma-separated); SNS signs every topic's messages alike, so an endpoint without "
                        + "an allow-list would deliver anyone's topic");
            }
            endpoints.add(new Endpoint(name, Set.copyOf(topics)));
        }
        String hostPattern = settings.string(PREFIX + "cert-host-pattern").orElse(SnsSignatures.DEFAULT_HOST_PATTERN);
        Pattern certHost;
        try {
            certHost = Pattern.compile(hostPattern);
        } catch (PatternSyntaxException e) {
            throw new IllegalStateException(PREFIX + "cert-host-pattern is not a regular expression: " + e.getDescription());
        }
        for (String notSns : SnsSignatures.NOT_SNS_HOSTS) {
            if (certHost.matcher(notSns).matches()) {
                throw new IllegalStateException(PREFIX + "cert-host-pattern matches any host (it matches " + notSns
                        + ", not an SNS host): name the SNS hosts of your partition, e.g. "
                        + SnsSignatures.DEFAULT_HOST_PATTERN);
            }
        }
        long answerWithin = positive(settings, "answer-within-millis", 12_000);
        if (answerWithin >= 15_000) {
            throw new IllegalStateException(PREFIX + "answer-within-millis must be under 15000: SNS waits 15 s for an "
                    + "answer and counts a later one as a failed attempt");
        }
        long maxAge = positive(settings, "max-message-age-millis", DEFAULT_MAX_MESSAGE_AGE.toMillis());
        long maxSkew = positive(settings, "max-clock-skew-millis", DEFAULT_MAX_CLOCK_SKEW.toMillis());
        if (maxAge < Duration.ofHours(1).toMillis()) {
            throw new IllegalStateException(PREFIX + "max-message-age-millis must be at least 3600000: SNS retries a "
                    + "delivery for up to an hour with the first attempt's Timestamp, and a retry refused as stale is lost");
        }
        // a message young enough to pass must be one whose MessageId the durable store still remembers
        long ttlSeconds = settings.longValue("trailrouter.state.ttl-seconds", 604_800);
        if (ttlSeconds > 0 && Duration.ofSeconds(ttlSeconds).toMillis() <= maxAge + maxSkew) {
            throw new IllegalStateException("trailrouter.state.ttl-seconds=" + ttlSeconds + " must be longer than "
                    + PREFIX + "max-message-age-millis + max-clock-skew-millis (" + (maxAge + maxSkew) / 1000 + " s): "
                    + "a notification replayed after its MessageId expired would be delivered again");
        }
        return new SnsPushSettings(
                settings.string(PREFIX + "host").orElse("0.0.0.0"),
                settings.integer(PREFIX + "port", 9877),
                List.copyOf(endpoints),
                certHost,
                positive(settings, "max-body-bytes", 512 * 1024),
                positive(settings, "max-message-bytes", 256 * 1024),
                (int) positive(settings, "max-concurrent", 16),
                Duration.ofMillis(answerWithin),
                Duration.ofMillis(positive(settings, "read-timeout-millis", 5_000)),
                Duration.ofMillis(positive(settings, "fetch-timeout-millis", 5_000)),
                (int) positive(settings, "cert-cache-size", 100),
                Duration.ofMillis(maxAge),
                Duration.ofMillis(maxSkew));
    }

    private static long positive(TrailRouterSettings settings, String key, long defaultValue) {
        long value = settings.longValue(PREFIX + key, defaultValue);
        if (value <= 0) {
            throw new IllegalStateException(PREFIX + key + " must be at least 1, not " + value);
        }
        return value;
    }
}
