package dev.trailrouter.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Reads trailrouter's own keys from Camel's properties: an environment variable wins over a {@code -D} system property,
 * which wins over application.properties (Camel 4.17's DefaultPropertiesParser). Every key is documented in
 * docs/configuration.md.
 */
public final class TrailRouterSettings {

    /** The standard AWS SDK/CLI variable for an endpoint; the SDK honours it itself (see {@link #endpoint}). */
    public static final String AWS_ENDPOINT_URL_ENV = "AWS_ENDPOINT_URL";

    /**
     * Messages of one queue in flight by default: at in-region latency (≈ 20 ms a call) a message spends most of its
     * time waiting on S3 and on destinations, so 32 keep two cores busy for 1-event messages and for 100-record objects
     * alike (docs/BENCHMARKS.md), while holding at most 32 messages' batches of events in memory.
     */
    public static final int DEFAULT_MAX_INFLIGHT = 32;

    /**
     * Receives in flight at once per queue. One receive loop takes at most 10 messages per SQS round trip (500
     * messages/s at 20 ms), and the benchmark showed it, not CPU, setting the rate of a queue of small messages
     * (docs/BENCHMARKS.md §9); four loops lift that bound fourfold while idle costing 4 long polls per 20 s.
     */
    public static final int DEFAULT_CONCURRENT_CONSUMERS = 4;

    private final PropertiesComponent properties;

    public TrailRouterSettings(CamelContext context) {
        this.properties = context.getPropertiesComponent();
    }

    public List<QueueSettings> queues() {
        String names = string("trailrouter.queues").orElse("");
        List<QueueSettings> queues = new ArrayList<>();
        for (String raw : names.split(",")) {
            String name = raw.trim();
            if (name.isEmpty()) {
                continue;
            }
            String prefix = "trailrouter.queue." + name + ".";
            String url = string(prefix + "url").orElse("");
            Optional<String> profile = string(prefix + "profile");
            queues.add(new QueueSettings(
                    name,
                    url,
                    queueRegion(name, url, profile),
                    string(prefix + "endpoint").map(URI::create).or(this::endpoint),
                    integer(prefix + "concurrent-consumers", integer("trailrouter.intake.concurrent-consumers", DEFAULT_CONCURRENT_CONSUMERS)),
                    integer(prefix + "visibility-timeout", integer("trailrouter.intake.visibility-timeout", 300)),
                    integer(prefix + "wait-time-seconds", integer("trailrouter.intake.wait-time-seconds", 20)),
                    integer(prefix + "max-messages-per-poll", integer("trailrouter.intake.max-messages-per-poll", 10)),
                    integer(prefix + "max-inflight", integer("trailrouter.intake.max-inflight", DEFAULT_MAX_INFLIGHT)),
                    string(prefix + "dead-letter-queue-url"),
                    string(prefix + "role-arn"),
                    string(prefix + "external-id"),
                    string(prefix + "allowed-buckets").map(v -> java.util.Arrays.stream(v.split(","))
                            .map(String::trim).filter(b -> !b.isEmpty()).toList()).orElse(List.of()),
                    profile,
                    string(prefix + "role-session-name").orElse("trailrouter-" + name)));
        }
        // a poller or the SNS push intake alone is a complete configuration: no queue is needed beside them
        if (queues.isEmpty() && !pollersConfigured() && string("trailrouter.sns-push.endpoints").isEmpty()) {
            throw new IllegalStateException("no intake configured: set trailrouter.queues=<name> and "
                    + "trailrouter.queue.<name>.url=<queue URL>, a poller (trailrouter.cloudtrail-lookup.regions, "
                    + "trailrouter.log-group-pollers) or trailrouter.sns-push.endpoints=<name> and "
                    + "trailrouter.sns-push.<name>.topics=<topic ARNs> (see docs/configuration.md)");
        }
        return queues;
    }

    /** Whether any API poller is configured: then no queue is needed. */
    public boolean pollersConfigured() {
        return !names("trailrouter.cloudtrail-lookup.regions").isEmpty() || !names("trailrouter.log-group-pollers").isEmpty();
    }

    /**
     * The API pollers: one CloudTrail LookupEvents poller per region of {@code trailrouter.cloudtrail-lookup.regions}
     * (named {@code cloudtrail-lookup-<region>}), and one FilterLogEvents poller per name of
     * {@code trailrouter.log-group-pollers} (keys {@code trailrouter.log-group-poller.<name>.*}).
     */
    public List<PollerSettings> pollers() {
        List<PollerSettings> pollers = new ArrayList<>();
        String lookup = "trailrouter.cloudtrail-lookup.";
        for (String region : names(lookup + "regions")) {
            if (!AwsRegions.REGION.matcher(region).matches()) {
                throw new IllegalArgumentException(lookup + "regions: '" + region + "' is not a region name");
            }
            String name = "cloudtrail-lookup-" + region;
            pollers.add(new PollerSettings(name, PollerSettings.Api.CLOUDTRAIL_LOOKUP, region,
                    string(lookup + "endpoint").map(URI::create).or(this::endpoint),
                    instant(lookup + "start-time"),
                    seconds(lookup + "period", 60),
                    seconds(lookup + "trailing-window", 900),
                    decimal(lookup + "requests-per-second", PollerSettings.Api.CLOUDTRAIL_LOOKUP.maxRequestsPerSecond()),
                    string(lookup + "role-arn"), string(lookup + "external-id"), string(lookup + "profile"),
                    string(lookup + "role-session-name").orElse("trailrouter-cloudtrail-lookup"),
                    string(lookup + "event-source"), Optional.empty(), Optional.empty()));
        }
        for (String name : names("trailrouter.log-group-pollers")) {
            String prefix = "trailrouter.log-group-poller." + name + ".";
            Optional<String> logGroup = string(prefix + "log-group");
            Optional<String> profile = string(prefix + "profile");
            String region = string(prefix + "region")
                    .or(() -> logGroup.flatMap(AwsRegions::fromArn))
                    .or(() -> defaultRegion(profile))
                    .orElseThrow(() -> new IllegalStateException("no AWS region for log group poller '" + name
                            + "': set " + prefix + "region (or AWS_REGION, or trailrouter.aws.region)"));
            pollers.add(new PollerSettings(name, PollerSettings.Api.LOG_GROUP, region,
                    string(prefix + "endpoint").map(URI::create).or(this::endpoint),
                    instant(prefix + "start-time"),
                    seconds(prefix + "period", 60),
                    seconds(prefix + "trailing-window", 300),
                    decimal(prefix + "requests-per-second", PollerSettings.Api.LOG_GROUP.maxRequestsPerSecond()),
                    string(prefix + "role-arn"), string(prefix + "external-id"), profile,
                    string(prefix + "role-session-name").orElse("trailrouter-" + name),
                    Optional.empty(), logGroup, string(prefix + "filter-pattern")));
        }
        return pollers;
    }

    private List<String> names(String key) {
        return string(key).map(v -> java.util.Arrays.stream(v.split(",")).map(String::trim)
                .filter(n -> !n.isEmpty()).toList()).orElse(List.of());
    }

    /** An ISO-8601 instant ({@code 2026-11-01T00:00:00Z}, or with an offset). */
    private Optional<java.time.Instant> instant(String key) {
        return string(key).map(v -> {
            try {
                return java.time.OffsetDateTime.parse(v).toInstant();
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException(key + " must be an ISO-8601 time such as 2026-11-01T00:00:00Z, got '"
                        + v + "'", e);
            }
        });
    }

    /** Whole seconds ({@code 60}) or an ISO-8601 duration ({@code PT1M}, {@code PT0.5S}). */
    private java.time.Duration seconds(String key, long defaultSeconds) {
        return string(key).map(v -> {
            try {
                return v.toUpperCase(java.util.Locale.ROOT).startsWith("P") ? java.time.Duration.parse(v)
                        : java.time.Duration.ofSeconds(Long.parseLong(v));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(key + " must be seconds (60) or an ISO-8601 duration (PT1M), got '"
                        + v + "'", e);
            }
        }).orElse(java.time.Duration.ofSeconds(defaultSeconds));
    }

    private double decimal(String key, double defaultValue) {
        return string(key).map(v -> parse(key, v, Double::parseDouble)).orElse(defaultValue);
    }

    /**
     * A queue's region: {@code trailrouter.queue.<name>.region}, else the one its URL names, else the default
     * ({@link #defaultRegion}, with the queue's profile). See {@link AwsRegions}.
     *
     * @throws IllegalStateException with a one-line explanation when no region can be found
     */
    String queueRegion(String name, String url, Optional<String> profile) {
        return string("trailrouter.queue." + name + ".region")
                .or(() -> AwsRegions.fromQueueUrl(url))
                .or(() -> defaultRegion(profile))
                .orElseThrow(() -> new IllegalStateException("no AWS region for queue '" + name + "': its URL names "
                        + "none and no default is set; set AWS_REGION (or trailrouter.aws.region, or "
                        + "trailrouter.queue." + name + ".region)"));
    }

    /** The default region of every client that is not a queue's: see {@link AwsRegions}. */
    public String region() {
        return defaultRegion(Optional.empty()).orElseThrow(() -> new IllegalStateException(
                "no AWS region: set AWS_REGION (or trailrouter.aws.region, or a region in the AWS profile)"));
    }

    /** trailrouter.aws.region, else the AWS SDK's default region chain, else AWS_DEFAULT_REGION; never a guess. */
    public Optional<String> defaultRegion(Optional<String> profile) {
        return string("trailrouter.aws.region")
                .or(() -> AwsRegions.sdkDefault(profile))
                .or(AwsRegions::cliDefault);
    }

    /**
     * Endpoint override for every AWS client: {@code trailrouter.aws.endpoint}, else none, and the AWS SDK resolves
     * the endpoint itself, honouring {@code AWS_ENDPOINT_URL}, {@code AWS_ENDPOINT_URL_SQS}, {@code AWS_ENDPOINT_URL_S3}
     * … and a profile's {@code endpoint_url}.
     */
    public Optional<URI> endpoint() {
        return string("trailrouter.aws.endpoint").map(URI::create);
    }

    /** Whether S3 calls go to an endpoint the SDK was pointed at (an emulator), so path-style addressing is needed. */
    static boolean s3EndpointConfigured() {
        for (String variable : new String[] {"AWS_ENDPOINT_URL_S3", AWS_ENDPOINT_URL_ENV}) {
            String value = System.getenv(variable);
            if (value != null && !value.isBlank()) {
                return true;
            }
        }
        return System.getProperty("aws.endpointUrlS3") != null || System.getProperty("aws.endpointUrl") != null;
    }

    /** Path-style S3 addressing; on by default when an endpoint is configured (emulators need it). */
    public boolean s3PathStyle() {
        return string("trailrouter.aws.s3-path-style").map(Boolean::parseBoolean)
                .orElse(endpoint().isPresent() || s3EndpointConfigured());
    }

    public long maxObjectBytes() {
        return longValue("trailrouter.s3.max-object-bytes", 4L * 1024 * 1024 * 1024);
    }

    public int eventBatchSize() {
        return integer("trailrouter.pipeline.batch-size", 100);
    }

    public Optional<String> string(String key) {
        return properties.resolveProperty(key).map(String::trim).filter(s -> !s.isEmpty());
    }

    /**
     * The key's value, trimmed, even when it is empty; empty Optional only when the key is not set at all. For keys
     * whose empty value means something (a per-intake drop rule set to "" clears the default for that intake).
     */
    public Optional<String> raw(String key) {
        return properties.resolveProperty(key).map(String::trim);
    }

    public int integer(String key, int defaultValue) {
        return string(key).map(v -> parse(key, v, Integer::parseInt)).orElse(defaultValue);
    }

    public long longValue(String key, long defaultValue) {
        return string(key).map(v -> parse(key, v, Long::parseLong)).orElse(defaultValue);
    }

    private static <T> T parse(String key, String value, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + value + "'", e);
        }
    }
}
