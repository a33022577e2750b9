package dev.trailrouter.deliver;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

import dev.trailrouter.config.AwsClients;
import dev.trailrouter.config.TrailRouterSettings;
import dev.trailrouter.observe.PipelineMetrics;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * What the destination routes share within one Camel context, in one bean: compiled filters, each destination's
 * pacing, the producer HTTP attempts go through, the AWS clients destinations write with, and the common services.
 * One registry lookup per batch finds it all; it lives and dies with its context (nothing static).
 */
public final class DeliveryRuntime implements AutoCloseable {

    final CamelContext context;
    final ObjectMapper json;
    final PipelineMetrics metrics;
    final DeadLetterTargets deadLetters;
    private final AwsClients clients;
    private final TrailRouterSettings settings;
    private final Map<String, EventFilter> filters = new ConcurrentHashMap<>();
    private final Map<String, long[]> lastSent = new ConcurrentHashMap<>();
    private volatile ProducerTemplate producer;

    public DeliveryRuntime(CamelContext context, ObjectMapper json, PipelineMetrics metrics, DeadLetterTargets deadLetters,
                           AwsClients clients, TrailRouterSettings settings) {
        this.context = context;
        this.json = json;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
        this.clients = clients;
        this.settings = settings;
    }

    static DeliveryRuntime of(Exchange exchange) {
        return exchange.getContext().getRegistry().findSingleByType(DeliveryRuntime.class);
    }

    /** The destination's filter, compiled once. */
    EventFilter filter(String destination, String expression) {
        return filters.computeIfAbsent(destination + "\u0000" + expression, k -> EventFilter.compile(context, expression));
    }

    /** The time of the destination's last request, to pace the next one (guarded by the array itself). */
    long[] lastSent(String destination) {
        return lastSent.computeIfAbsent(destination, k -> new long[] {0});
    }

    ProducerTemplate producer() {
        ProducerTemplate p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = context.createProducerTemplate();
                }
                p = producer;
            }
        }
        return p;
    }

    /** The archive's S3 client: the trailrouter.aws.* region, endpoint and credentials. */
    S3Client s3() {
        return clients.s3(settings.region(), settings.endpoint());
    }

    /** An SNS client for the topic's own region (from its ARN). */
    SnsClient sns(String topicArn) {
        String[] parts = topicArn.split(":");
        String region = parts.length > 3 && !parts[3].isEmpty() ? parts[3] : settings.region();
        return clients.sns(region, settings.endpoint());
    }

    @Override
    public void close() throws Exception {
        if (producer != null) {
            producer.close();
        }
    }
}
