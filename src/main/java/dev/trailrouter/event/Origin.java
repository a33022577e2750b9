package dev.trailrouter.event;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where an event came from: the queue message that carried it and, for events read from an S3 object, the bucket, key
 * and position of the record in that object. Enough to find the source again and to derive stable ids.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Origin(String queue, String messageId, String bucket, String key, Long index) {

    public static Origin ofMessage(String queue, String messageId) {
        return new Origin(queue, messageId, null, null, null);
    }

    public Origin atObject(String bucket, String key) {
        return new Origin(queue, messageId, bucket, key, null);
    }

    public Origin atIndex(long index) {
        return new Origin(queue, messageId, bucket, key, index);
    }
}
