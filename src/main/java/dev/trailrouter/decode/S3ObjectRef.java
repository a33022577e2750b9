package dev.trailrouter.decode;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;

import dev.trailrouter.decode.RejectedInputException;

/**
 * One S3 object an event notification points to, with its key already URL-decoded (S3 notifications encode keys the
 * way HTML forms do: {@code +} is a space, {@code %3D} is {@code =}).
 *
 * @param bucket    bucket name
 * @param key       decoded object key
 * @param eventName the notification's event, e.g. {@code ObjectCreated:Put}
 * @param versionId version id when the bucket is versioned, else null
 */
public record S3ObjectRef(String bucket, String key, String eventName, String versionId) {

    public static S3ObjectRef fromNotificationRecord(JsonNode record) {
        JsonNode s3 = record.path("s3");
        JsonNode object = s3.path("object");
        S3ObjectRef ref = new S3ObjectRef(
                s3.path("bucket").path("name").asText(),
                decodeKey(object.path("key").asText()),
                record.path("eventName").asText(""),
                object.path("versionId").isTextual() ? object.path("versionId").asText() : null);
        requireNamed(ref.bucket(), ref.key());
        if (ref.bucket().startsWith("arn:")) {
            throw new RejectedInputException("malformed-notification",
                    "the bucket is given as an ARN, not a name: " + dev.trailrouter.observe.LogSafe.oneLine(ref.bucket()));
        }
        return ref;
    }

    /** A key given as is: CloudTrail's SNS notice and EventBridge's Object Created do not URL-encode keys. */
    public static S3ObjectRef plain(String bucket, String key) {
        requireNamed(bucket, key);
        return new S3ObjectRef(bucket, key, "", null);
    }

    /**
     * A notification names both. The SDK refuses a blank one before any call (SdkClientException), which would read
     * as transient: the message would come back until its redrive, with no reason. (A key of spaces is a key.)
     */
    private static void requireNamed(String bucket, String key) {
        if (bucket.isBlank() || key.isEmpty()) {
            throw new RejectedInputException("malformed-notification", "notification without bucket or key");
        }
    }

    static String decodeKey(String encoded) {
        try {
            return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new RejectedInputException("malformed-notification", "object key is not URL-encoded: " + encoded, e);
        }
    }

    /** CloudTrail writes signed digest files beside its logs; they hold hashes, not events. */
    public boolean isCloudTrailDigest() {
        return key.contains("/CloudTrail-Digest/");
    }

    /** Only newly written objects carry new events; removals, restores and the like are acknowledged and skipped. */
    public boolean isObjectCreated() {
        return eventName.isEmpty() || eventName.startsWith("ObjectCreated:");
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + key;
    }
}
