package dev.trailrouter.event;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where an event came from: the queue message that carried it and, as applies, the S3 bucket and key it was read from,
 * the CloudWatch Logs group and stream, and its position ({@code index}: the record's position in a JSON file or log
 * payload, or the 1-based line number in a text log). Enough to find the source again and to derive stable ids.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Origin(String queue, String messageId, String bucket, String key, String logGroup, String logStream,
                     Long index) {

    public static Origin ofMessage(String queue, String messageId) {
        return new Origin(queue, messageId, null, null, null, null, null);
    }

    public Origin atObject(String bucket, String key) {
        return new Origin(queue, messageId, bucket, key, logGroup, logStream, null);
    }

    public Origin atLogStream(String group, String stream) {
        return new Origin(queue, messageId, bucket, key, group, stream, null);
    }

    public Origin atIndex(long index) {
        return new Origin(queue, messageId, bucket, key, logGroup, logStream, index);
    }

    /** What identifies the source independently of the SQS message that carried it (used in content hashes). */
    public String sourceKey() {
        if (key != null) {
            return "s3://" + bucket + "/" + key;
        }
        if (logStream != null) {
            return "logs:" + logGroup + "/" + logStream;
        }
        return "sqs:" + queue + "/" + messageId;
    }
}
