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

    /** The standard AWS SDK/CLI variable for an endpoint override; honoured when no trailrouter key is set. */
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
            queues.add(new QueueSettings(
                    name,
                    string(prefix + "url").orElse(""),
                    string(prefix + "region").orElse(region()),
                    string(prefix + "endpoint").map(URI::create).or(this::endpoint),
                    integer(prefix + "concurrent-consumers", integer("trailrouter.intake.concurrent-consumers", 1)),
                    integer(prefix + "visibility-timeout", integer("trailrouter.intake.visibility-timeout", 300)),
                    integer(prefix + "wait-time-seconds", integer("trailrouter.intake.wait-time-seconds", 20)),
                    integer(prefix + "max-messages-per-poll", integer("trailrouter.intake.max-messages-per-poll", 10)),
                    string(prefix + "dead-letter-queue-url"),
                    string(prefix + "role-arn"),
                    string(prefix + "external-id"),
                    string(prefix + "allowed-buckets").map(v -> java.util.Arrays.stream(v.split(","))
                            .map(String::trim).filter(b -> !b.isEmpty()).toList()).orElse(List.of())));
        }
        if (queues.isEmpty()) {
            throw new IllegalStateException("no intake queue configured: set trailrouter.queues=<name> and "
                    + "trailrouter.queue.<name>.url=<queue URL> (see docs/configuration.md)");
        }
        return queues;
    }

    public String region() {
        return string("trailrouter.aws.region")
                .or(() -> Optional.ofNullable(System.getenv("AWS_REGION")).filter(s -> !s.isBlank()))
                .or(() -> Optional.ofNullable(System.getenv("AWS_DEFAULT_REGION")).filter(s -> !s.isBlank()))
                .orElse("us-east-1");
    }

    /** Endpoint override for every AWS client: trailrouter.aws.endpoint, else $AWS_ENDPOINT_URL, else none. */
    public Optional<URI> endpoint() {
        return string("trailrouter.aws.endpoint")
                .or(() -> Optional.ofNullable(System.getenv(AWS_ENDPOINT_URL_ENV)).filter(s -> !s.isBlank()))
                .map(URI::create);
    }

    /** Path-style S3 addressing; on by default when an endpoint override is in use (emulators need it). */
    public boolean s3PathStyle() {
        return string("trailrouter.aws.s3-path-style").map(Boolean::parseBoolean).orElse(endpoint().isPresent());
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
