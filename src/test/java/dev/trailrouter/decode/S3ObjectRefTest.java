package dev.trailrouter.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import dev.trailrouter.decode.RejectedInputException;
import dev.trailrouter.support.Fixtures;

class S3ObjectRefTest {

    private static S3ObjectRef withKey(String encodedKey, String eventName) {
        ObjectNode record = (ObjectNode) Fixtures.json(
                "envelopes/SEKOIA-IO_automation-library__test_records_trigger__SQSMessages0_s3-put-cloudtrail.json")
                .path("Records").path(0);
        ((ObjectNode) record.path("s3").path("object")).put("key", encodedKey);
        record.put("eventName", eventName);
        return S3ObjectRef.fromNotificationRecord(record);
    }

    @Test
    void plusIsASpaceAndPercentEscapesAreDecoded() {
        assertEquals("AWSLogs/o-abc/team a/x=1/y+z.json.gz",
                withKey("AWSLogs/o-abc/team+a/x%3D1/y%2Bz.json.gz", "ObjectCreated:Put").key());
    }

    @Test
    void skipsCloudTrailDigestFiles() {
        assertTrue(withKey("AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/01/01/"
                + "111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20240101T000000Z.json.gz",
                "ObjectCreated:Put").isCloudTrailDigest());
        assertFalse(withKey("AWSLogs/111122223333/CloudTrail/us-east-1/2024/01/01/f.json.gz", "ObjectCreated:Put")
                .isCloudTrailDigest());
    }

    @Test
    void onlyCreationEventsAreRead() {
        assertTrue(withKey("k", "ObjectCreated:CompleteMultipartUpload").isObjectCreated());
        assertFalse(withKey("k", "ObjectRemoved:Delete").isObjectCreated());
    }

    /** The SDK refuses these before any call (SdkClientException, read as transient): they are bad input here. */
    @Test
    void aNotificationWithoutKeyOrWithABucketArnIsRejected() {
        assertEquals("malformed-notification",
                assertThrows(RejectedInputException.class, () -> withKey("", "ObjectCreated:Put")).reason());
        ObjectNode record = (ObjectNode) Fixtures.json(
                "envelopes/SEKOIA-IO_automation-library__test_records_trigger__SQSMessages0_s3-put-cloudtrail.json")
                .path("Records").path(0);
        ((ObjectNode) record.path("s3").path("bucket")).put("name", "");
        assertEquals("malformed-notification",
                assertThrows(RejectedInputException.class, () -> S3ObjectRef.fromNotificationRecord(record)).reason());
        ((ObjectNode) record.path("s3").path("bucket")).put("name", "arn:aws:s3:::trail-bucket");
        assertEquals("malformed-notification",
                assertThrows(RejectedInputException.class, () -> S3ObjectRef.fromNotificationRecord(record)).reason());
    }

    @Test
    void malformedEscapeIsRejected() {
        assertEquals("malformed-notification",
                assertThrows(RejectedInputException.class, () -> withKey("bad%zzkey", "ObjectCreated:Put")).reason());
    }
}
