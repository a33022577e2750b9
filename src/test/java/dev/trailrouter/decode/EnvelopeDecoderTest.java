package dev.trailrouter.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import dev.trailrouter.decode.S3ObjectRef;
import dev.trailrouter.support.Fixtures;

class EnvelopeDecoderTest {

    private final EnvelopeDecoder decoder = new EnvelopeDecoder(Fixtures.JSON);

    @Test
    void readsRawS3NotificationOfACloudTrailFile() {
        // SEKOIA-IO sample: the body S3 → SQS delivers for a new CloudTrail log file
        DecodedMessage decoded = decoder.decode(
                Fixtures.text("envelopes/SEKOIA-IO_automation-library__test_records_trigger__SQSMessages0_s3-put-cloudtrail.json"));
        assertEquals(SqsMessageShape.S3_NOTIFICATION, decoded.shape());
        assertFalse(decoded.viaSns());
        S3ObjectRef ref = decoded.objects().get(0);
        assertEquals("aws-cloudtrail-111111111111-3abc4c4f", ref.bucket());
        assertEquals("AWSLogs/111111111111/CloudTrail/eu-west-2/2022/02/21/"
                + "111111111111_CloudTrail_eu-west-2_20220221T1020Z_nTGkKkyO0OcwEIvv.json.gz", ref.key());
        assertTrue(ref.isObjectCreated());
    }

    @Test
    void unwrapsSnsEnvelopeAroundS3Notification() {
        // the powertools S3-via-SQS sample's body, wrapped by SNS exactly as SNS → SQS delivers it
        String s3Body = Fixtures.sqsBodyOfLambdaEvent("envelopes/aws-powertools_powertools-lambda-python__s3SqsEvent.json");
        ObjectNode sns = Fixtures.JSON.createObjectNode()
                .put("Type", "Notification")
                .put("MessageId", "d88d4479-6ec0-54fe-b63f-1cf9df4bb16e")
                .put("TopicArn", "arn:aws:sns:us-east-1:123456789012:trail-notices")
                .put("Message", s3Body)
                .put("Timestamp", "2023-04-12T20:43:38.500Z");
        DecodedMessage decoded = decoder.decode(sns.toString());
        assertEquals(SqsMessageShape.S3_NOTIFICATION, decoded.shape());
        assertTrue(decoded.viaSns());
        assertEquals(1, decoded.objects().size());
    }

    @Test
    void recognisesS3TestEvent() {
        DecodedMessage decoded = decoder.decode(
                Fixtures.text("envelopes/SEKOIA-IO_automation-library__test_records_trigger__SQSMessages1_s3-TestEvent.json"));
        assertEquals(SqsMessageShape.S3_TEST_EVENT, decoded.shape());
        assertTrue(decoded.objects().isEmpty());
    }

    @Test
    void decodesUrlEncodedKeys() {
        // aws-lambda-go sample carries both the encoded key and AWS's decoded form
        var record = Fixtures.json("envelopes/aws_aws-lambda-go__s3-event-with-decoded.json").path("Records").path(0);
        DecodedMessage decoded = decoder.decode(Fixtures.json("envelopes/aws_aws-lambda-go__s3-event-with-decoded.json").toString());
        assertEquals(record.path("s3").path("object").path("urlDecodedKey").asText(), decoded.objects().get(0).key());
    }

    @Test
    void rejectsMalformedJson() {
        RejectedInputException e = assertThrows(RejectedInputException.class, () -> decoder.decode("{\"Records\": [ "));
        assertEquals("malformed-json", e.reason());
    }

    @Test
    void rejectsSnsEnvelopeWhoseMessageIsNotJson() {
        ObjectNode sns = Fixtures.JSON.createObjectNode().put("Type", "Notification")
                .put("TopicArn", "arn:aws:sns:us-east-1:123456789012:t").put("Message", "Hello from SNS!");
        RejectedInputException e = assertThrows(RejectedInputException.class, () -> decoder.decode(sns.toString()));
        assertEquals("sns-message-not-json", e.reason());
    }

    @Test
    void rejectsJsonOfUnknownShapeInsideSns() {
        // powertools SNS-via-SQS sample: an application message, not an AWS notification
        String body = Fixtures.sqsBodyOfLambdaEvent("envelopes/aws-powertools_powertools-lambda-python__snsSqsEvent.json");
        RejectedInputException e = assertThrows(RejectedInputException.class, () -> decoder.decode(body));
        assertEquals("unrecognised-shape", e.reason());
    }

    @Test
    void rejectsJsonOfUnknownShape() {
        RejectedInputException e = assertThrows(RejectedInputException.class, () -> decoder.decode("{\"hello\":1}"));
        assertEquals("unrecognised-shape", e.reason());
        assertEquals("malformed-json", assertThrows(RejectedInputException.class, () -> decoder.decode("[1,2]")).reason());
    }
}
