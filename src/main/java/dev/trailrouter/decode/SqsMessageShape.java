package dev.trailrouter.decode;

/** What an SQS message body turned out to be once any SNS envelope was removed. */
public enum SqsMessageShape {
    /** An S3 event notification (S3 → SQS, or S3 → SNS → SQS): objects to fetch, keys URL-encoded. */
    S3_NOTIFICATION,
    /** CloudTrail's own SNS log-delivery notice, {@code {"s3Bucket": …, "s3ObjectKey": [ … ]}}: objects to fetch. */
    CLOUDTRAIL_NOTICE,
    /** S3's notification through EventBridge, {@code detail-type: Object Created}: one object to fetch. */
    EVENTBRIDGE_OBJECT_CREATED,
    /** Any other EventBridge event: CloudTrail via EventBridge, Security Hub and GuardDuty findings, or generic. */
    EVENTBRIDGE,
    /** A CloudWatch Logs subscription payload as a forwarder put it on SQS (decoded by its own route). */
    CLOUDWATCH_LOGS,
    /** The {@code s3:TestEvent} S3 sends when a notification is configured: acknowledged and dropped. */
    S3_TEST_EVENT
}
