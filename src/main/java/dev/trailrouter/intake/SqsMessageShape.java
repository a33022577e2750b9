package dev.trailrouter.intake;

/** What an SQS message body turned out to be once any SNS envelope was removed. */
public enum SqsMessageShape {
    /** An S3 event notification: objects to fetch. */
    S3_NOTIFICATION,
    /** The {@code s3:TestEvent} S3 sends when a notification is configured: acknowledged and dropped. */
    S3_TEST_EVENT
}
