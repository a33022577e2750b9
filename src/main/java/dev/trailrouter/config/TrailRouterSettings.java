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
                    integer(prefix + "concurrent-consumers", integer("trailrouter.intake.concurrent-consumers", 1)),
                    integer(prefix + "visibility-timeout", integer("trailrouter.intake.visibility-timeout", 300)),
                    integer(prefix + "wait-time-seconds", integer("trailrouter.intake.wait-time-seconds", 20)),
                    integer(prefix + "max-messages-per-poll", integer("trailrouter.intake.max-messages-per-poll", 10)),
                    string(prefix + "dead-letter-queue-url"),
                    string(prefix + "role-arn"),
                    string(prefix + "external-id"),
                    string(prefix + "allowed-buckets").map(v -> java.util.Arrays.stream(v.split(","))
                            .map(String::trim).filter(b -> !b.isEmpty()).toList()).orElse(List.of()),
                    profile,
                    string(prefix + "role-session-name").orElse("trailrouter-" + name)));
        }
        // the SNS push intake alone is a complete configuration: no queue is needed beside it
        if (queues.isEmpty() && string("trailrouter.sns-push.endpoints").isEmpty()) {
            throw new IllegalStateException("no intake configured: set trailrouter.queues=<name> and "
                    + "trailrouter.queue.<name>.url=<queue URL>, or trailrouter.sns-push.endpoints=<name> and "
                    + "trailrouter.sns-push.<name>.topics=<topic ARNs> (see docs/configuration.md)");
        }
        return queues;
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
