package dev.trailrouter.config;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * Builds and caches the SDK clients, per region and endpoint: those of each queue (its region, its profile or the
 * default credential chain, its role), and those destinations use (the default chain). An endpoint is set only when
 * {@code trailrouter.aws.endpoint} (or a queue's {@code endpoint}) says so; otherwise the SDK resolves it, honouring
 * {@code AWS_ENDPOINT_URL}, {@code AWS_ENDPOINT_URL_<SERVICE>} and a profile's {@code endpoint_url}. The S3 client follows buckets into other regions (cross-region access: on S3's 301 with
 * {@code x-amz-bucket-region} it signs for that region and retries).
 */
public final class AwsClients implements AutoCloseable {

    private final boolean s3PathStyle;
    private final DefaultCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
    /** A client per region, endpoint and credentials (the provider itself: identity hash codes can collide). */
    private record ClientKey(String region, Optional<URI> endpoint, AwsCredentialsProvider credentials) {
    }

    private final Map<ClientKey, SqsClient> sqs = new ConcurrentHashMap<>();
    private final Map<ClientKey, S3Client> s3 = new ConcurrentHashMap<>();
    private final Map<ClientKey, SnsClient> sns = new ConcurrentHashMap<>();
    private final Map<ClientKey, CloudTrailClient> cloudTrail = new ConcurrentHashMap<>();
    private final Map<ClientKey, CloudWatchLogsClient> logs = new ConcurrentHashMap<>();
    private final Map<ClientKey, software.amazon.awssdk.services.dynamodb.DynamoDbClient> dynamoDb = new ConcurrentHashMap<>();
    private final Map<String, StsAssumeRoleCredentialsProvider> assumed = new ConcurrentHashMap<>();
    private final Map<String, ProfileCredentialsProvider> profiles = new ConcurrentHashMap<>();
    private final List<StsClient> stsClients = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final SqsReceiveHooks receiveHooks = new SqsReceiveHooks();

    public AwsClients(boolean s3PathStyle) {
        this.s3PathStyle = s3PathStyle;
    }

    /** The queue's client: its region and endpoint, and its assumed role when it has one. */
    public SqsClient sqs(QueueSettings queue) {
        return sqs(queue.region(), queue.endpoint(), credentials(queue));
    }

    /** The client for the objects a queue's notifications reference: the same credentials as the queue. */
    public S3Client s3(QueueSettings queue) {
        return s3(queue.region(), queue.endpoint(), credentials(queue));
    }

    /**
     * Tells the listener which messages every successful ReceiveMessage on this queue URL returned, through any SQS
     * client built here (the intake uses it to know which received messages never started processing).
     */
    public void onReceive(String queueUrl, java.util.function.Consumer<List<software.amazon.awssdk.services.sqs.model.Message>> listener) {
        receiveHooks.register(queueUrl, listener);
    }

    public SqsClient sqs(String region, Optional<URI> endpoint) {
        return sqs(region, endpoint, credentials);
    }

    public S3Client s3(String region, Optional<URI> endpoint) {
        return s3(region, endpoint, credentials);
    }

    /**
     * A queue's credentials: its {@code profile}'s (any kind the SDK reads from {@code ~/.aws/config} and
     * {@code credentials}: keys, {@code role_arn} + {@code source_profile}, {@code credential_process}, SSO), else the
     * default chain. Cross-account queues: STS AssumeRole with the queue's role ARN, external ID and session name,
     * called with those credentials, refreshed by the SDK before the session expires.
     */
    AwsCredentialsProvider credentials(QueueSettings queue) {
        return credentials(queue.profile(), queue.roleArn(), queue.externalId(), queue.roleSessionName(),
                queue.region(), queue.endpoint());
    }

    /**
     * An S3 client with a queue's kind of credentials (profile, role, external ID) but no queue: the backfill reads a
     * trail's bucket with the same options the queues have.
     */
    public S3Client s3(String region, Optional<URI> endpoint, Optional<String> profile, Optional<String> roleArn,
                       Optional<String> externalId, String roleSessionName) {
        return s3(region, endpoint, credentials(profile, roleArn, externalId, roleSessionName, region, endpoint));
    }

    /** An SQS client with the same kind of credentials (the backfill's dead-letter queue). */
    public SqsClient sqs(String region, Optional<URI> endpoint, Optional<String> profile, Optional<String> roleArn,
                         Optional<String> externalId, String roleSessionName) {
        return sqs(region, endpoint, credentials(profile, roleArn, externalId, roleSessionName, region, endpoint));
    }

    private AwsCredentialsProvider credentials(Optional<String> profile, Optional<String> roleArn,
                                               Optional<String> externalId, String roleSessionName, String region,
                                               Optional<URI> endpoint) {
        AwsCredentialsProvider base = profile
                .<AwsCredentialsProvider>map(p -> profiles.computeIfAbsent(p,
                        name -> ProfileCredentialsProvider.builder().profileName(name).build()))
                .orElse(credentials);
        if (roleArn.isEmpty()) {
            return base;
        }
        return assumed(base, profile.orElse(""), roleArn.get(), externalId, roleSessionName, region, endpoint);
    }

    /** A poller's credentials: its profile or the default chain, and its role (external ID, session name) if any. */
    AwsCredentialsProvider credentials(PollerSettings poller) {
        return credentials(poller.profile(), poller.roleArn(), poller.externalId(), poller.roleSessionName(),
                poller.region(), poller.endpoint());
    }

    /**
     * A LookupEvents poller's client. The SDK retries nothing: every call goes through the poller's pace (2 requests/s
     * per account and region) and its own backoff, which the SDK's hidden retries would bypass.
     */
    public CloudTrailClient cloudTrail(PollerSettings poller) {
        return cloudTrail.computeIfAbsent(new ClientKey(poller.region(), poller.endpoint(), credentials(poller)), k -> {
            var builder = CloudTrailClient.builder().region(Region.of(k.region())).credentialsProvider(k.credentials())
                    .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()));
            k.endpoint().ifPresent(builder::endpointOverride);
            return builder.build();
        });
    }

    /** A FilterLogEvents poller's client; no SDK retries, for the same reason as {@link #cloudTrail}. */
    public CloudWatchLogsClient logs(PollerSettings poller) {
        return logs.computeIfAbsent(new ClientKey(poller.region(), poller.endpoint(), credentials(poller)), k -> {
            var builder = CloudWatchLogsClient.builder().region(Region.of(k.region())).credentialsProvider(k.credentials())
                    .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()));
            k.endpoint().ifPresent(builder::endpointOverride);
            return builder.build();
        });
    }

    /**
     * A destination's credentials for its AWS writes (archive objects, SNS publishes, SQS dead letters): the default
     * chain, or a role it assumes with its own external ID (session {@code trailrouter-<destination>}).
     */
    public AwsCredentialsProvider destination(String destination, Optional<String> roleArn, Optional<String> externalId,
                                              String region, Optional<URI> endpoint) {
        if (roleArn.isEmpty()) {
            return credentials;
        }
        return assumed(credentials, "", roleArn.get(), externalId, "trailrouter-" + destination, region, endpoint);
    }

    /** STS AssumeRole with these settings, called with {@code base}, refreshed by the SDK before the session expires. */
    private AwsCredentialsProvider assumed(AwsCredentialsProvider base, String baseName, String roleArn,
                                           Optional<String> externalId, String sessionName, String region,
                                           Optional<URI> endpoint) {
        String key = String.join("|", roleArn, externalId.orElse(""), sessionName, baseName, key(region, endpoint));
        return assumed.computeIfAbsent(key, k -> {
            var sts = StsClient.builder().region(Region.of(region)).credentialsProvider(base);
            endpoint.ifPresent(sts::endpointOverride);
            StsClient client = sts.build();
            stsClients.add(client);
            return StsAssumeRoleCredentialsProvider.builder()
                    .stsClient(client)
                    .refreshRequest(r -> {
                        r.roleArn(roleArn).roleSessionName(sessionName);
                        externalId.ifPresent(r::externalId);
                    })
                    .build();
        });
    }

    public SqsClient sqs(String region, Optional<URI> endpoint, AwsCredentialsProvider provider) {
        return sqs.computeIfAbsent(new ClientKey(region, endpoint, provider), k -> {
            var builder = SqsClient.builder().region(Region.of(region)).credentialsProvider(provider)
                    .overrideConfiguration(c -> c.addExecutionInterceptor(receiveHooks));
            endpoint.ifPresent(builder::endpointOverride);
            return builder.build();
        });
    }

    public S3Client s3(String region, Optional<URI> endpoint, AwsCredentialsProvider provider) {
        return s3.computeIfAbsent(new ClientKey(region, endpoint, provider), k -> {
            var builder = S3Client.builder()
                    .region(Region.of(region))
                    .credentialsProvider(provider)
                    .forcePathStyle(s3PathStyle)
                    .crossRegionAccessEnabled(true); // a notified bucket may live in another region
            endpoint.ifPresent(builder::endpointOverride);
            return builder.build();
        });
    }

    public SnsClient sns(String region, Optional<URI> endpoint) {
        return sns(region, endpoint, credentials);
    }

    public SnsClient sns(String region, Optional<URI> endpoint, AwsCredentialsProvider provider) {
        return sns.computeIfAbsent(new ClientKey(region, endpoint, provider), k -> {
            var builder = SnsClient.builder().region(Region.of(region)).credentialsProvider(provider);
            endpoint.ifPresent(builder::endpointOverride);
            return builder.build();
        });
    }

    /**
     * The dedup and checkpoint store's client: the default chain, or a role assumed with an external ID (session
     * {@code trailrouter-state}), like a cross-account queue.
     */
    public software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb(String region, Optional<URI> endpoint,
                                                                          Optional<String> roleArn, Optional<String> externalId) {
        AwsCredentialsProvider provider = roleArn.isEmpty() ? credentials
                : assumed(credentials, "", roleArn.get(), externalId, "trailrouter-state", region, endpoint);
        return dynamoDb.computeIfAbsent(new ClientKey(region, endpoint, provider), k -> {
            var builder = software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder()
                    .region(Region.of(region)).credentialsProvider(provider);
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
        cloudTrail.values().forEach(CloudTrailClient::close);
        logs.values().forEach(CloudWatchLogsClient::close);
        dynamoDb.values().forEach(software.amazon.awssdk.services.dynamodb.DynamoDbClient::close);
        assumed.values().forEach(StsAssumeRoleCredentialsProvider::close);
        stsClients.forEach(StsClient::close);
        profiles.values().forEach(ProfileCredentialsProvider::close);
        credentials.close();
    }
}
