package dev.trailrouter.demo;

import java.net.URI;
import java.util.Map;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Provisions the standard org-trail delivery chain on an AWS endpoint, the way it is set up in a real account:
 * bucket → (ObjectCreated notification) → SNS topic → SQS queue with a redrive policy to a DLQ. Used by the demo and
 * by the integration tests; against an emulator only (it uses fixed test credentials).
 */
public final class S3NotificationChain implements AutoCloseable {

    public static final String REGION = "us-east-1";

    private final S3Client s3;
    private final SqsClient sqs;
    private final SnsClient sns;
    public final String bucket;
    public final String queueUrl;
    public final String deadLetterQueueUrl;
    public final String topicArn;

    private S3NotificationChain(S3Client s3, SqsClient sqs, SnsClient sns, String bucket, String queueUrl,
                                String deadLetterQueueUrl, String topicArn) {
        this.s3 = s3;
        this.sqs = sqs;
        this.sns = sns;
        this.bucket = bucket;
        this.queueUrl = queueUrl;
        this.deadLetterQueueUrl = deadLetterQueueUrl;
        this.topicArn = topicArn;
    }

    public static S3Client s3(URI endpoint) {
        return S3Client.builder().endpointOverride(endpoint).region(Region.of(REGION)).forcePathStyle(true)
                .credentialsProvider(credentials()).build();
    }

    public static SqsClient sqs(URI endpoint) {
        return SqsClient.builder().endpointOverride(endpoint).region(Region.of(REGION))
                .credentialsProvider(credentials()).build();
    }

    public static SnsClient sns(URI endpoint) {
        return SnsClient.builder().endpointOverride(endpoint).region(Region.of(REGION))
                .credentialsProvider(credentials()).build();
    }

    static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
    }

    /**
     * @param name             prefix of every resource name
     * @param visibilitySeconds the queue's visibility timeout
     * @param maxReceiveCount  receives before the redrive policy moves a message to the DLQ
     */
    public static S3NotificationChain create(URI endpoint, String name, int visibilitySeconds, int maxReceiveCount) {
        S3Client s3 = s3(endpoint);
        SqsClient sqs = sqs(endpoint);
        SnsClient sns = sns(endpoint);
        String bucket = name + "-trail-bucket";
        s3.createBucket(b -> b.bucket(bucket));

        String dlqUrl = sqs.createQueue(b -> b.queueName(name + "-notifications-dlq")).queueUrl();
        String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String queueUrl = sqs.createQueue(b -> b.queueName(name + "-notifications").attributes(Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilitySeconds),
                QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}")))
                .queueUrl();
        String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);

        String topicArn = sns.createTopic(b -> b.name(name + "-trail-notices")).topicArn();
        sns.setTopicAttributes(b -> b.topicArn(topicArn).attributeName("Policy").attributeValue(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
                        + "\"s3.amazonaws.com\"},\"Action\":\"SNS:Publish\",\"Resource\":\"" + topicArn + "\"}]}"));
        sqs.setQueueAttributes(b -> b.queueUrl(queueUrl).attributes(Map.of(QueueAttributeName.POLICY,
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
                        + "\"sns.amazonaws.com\"},\"Action\":\"sqs:SendMessage\",\"Resource\":\"" + queueArn
                        + "\",\"Condition\":{\"ArnEquals\":{\"aws:SourceArn\":\"" + topicArn + "\"}}}]}")));
        sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn));
        s3.putBucketNotificationConfiguration(b -> b.bucket(bucket).notificationConfiguration(n -> n
                .topicConfigurations(t -> t.topicArn(topicArn).events(Event.S3_OBJECT_CREATED))));
        return new S3NotificationChain(s3, sqs, sns, bucket, queueUrl, dlqUrl, topicArn);
    }

    public void put(String key, byte[] content) {
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(content));
    }

    public S3Client s3() {
        return s3;
    }

    public SqsClient sqs() {
        return sqs;
    }

    public SnsClient sns() {
        return sns;
    }

    /** Visible + in-flight messages, as SQS reports them (approximate by definition, exact on an emulator). */
    public int messagesIn(String url) {
        var attributes = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    @Override
    public void close() {
        s3.close();
        sqs.close();
        sns.close();
    }
}
