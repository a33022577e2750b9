package dev.trailrouter.config;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds and caches the SDK clients, per region and endpoint: those of each queue, and those destinations use: the default credential chain, the queue's region and the optional
 * endpoint override. The S3 client follows buckets into other regions (cross-region access).
 */
public final class AwsClients implements AutoCloseable {

    private final boolean s3PathStyle;
    private final DefaultCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
    private final Map<String, SqsClient> sqs = new ConcurrentHashMap<>();
    private final Map<String, S3Client> s3 = new ConcurrentHashMap<>();
    private final Map<String, SnsClient> sns = new ConcurrentHashMap<>();

    public AwsClients(boolean s3PathStyle) {
        this.s3PathStyle = s3PathStyle;
    }

    public SqsClient sqs(QueueSettings queue) {
        return sqs(queue.region(), queue.endpoint());
    }

    public S3Client s3(QueueSettings queue) {
        return s3(queue.region(), queue.endpoint());
    }

    public SqsClient sqs(String region, Optional<URI> endpoint) {
        return sqs.computeIfAbsent(key(region, endpoint), k -> {
            var builder = SqsClient.builder().region(Region.of(region)).credentialsProvider(credentials);
            endpoint.ifPresent(builder::endpointOverride);
            return builder.build();
        });
    }

    public S3Client s3(String region, Optional<URI> endpoint) {
        return s3.computeIfAbsent(key(region, endpoint), k -> {
            var builder = S3Client.builder()
                    .region(Region.of(region))
                    .credentialsProvider(credentials)
                    .forcePathStyle(s3PathStyle)
                    .crossRegionAccessEnabled(endpoint.isEmpty());
            endpoint.ifPresent(builder::endpointOverride);
            return builder.build();
        });
    }

    public SnsClient sns(String region, Optional<URI> endpoint) {
        return sns.computeIfAbsent(key(region, endpoint), k -> {
            var builder = SnsClient.builder().region(Region.of(region)).credentialsProvider(credentials);
            endpoint.ifPresent(builder::endpointOverride);
            return builder.build();
        });
    }

    private static String key(String region, Optional<URI> endpoint) {
        return region + "|" + endpoint.map(URI::toString).orElse("");
    }

    @Override
    public void close() {
        sqs.values().forEach(SqsClient::close);
        s3.values().forEach(S3Client::close);
        sns.values().forEach(SnsClient::close);
        credentials.close();
    }
}
