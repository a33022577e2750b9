package dev.trailrouter.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import dev.trailrouter.support.Fixtures;
import dev.trailrouter.support.Payloads;

/** Every shape AWS delivers to a queue is recognised, raw and inside SNS. Samples: src/test/resources/fixtures. */
class IntakeShapesTest {

    private final EnvelopeDecoder decoder = new EnvelopeDecoder(Fixtures.JSON);

    private static String viaSns(String message) {
        return Fixtures.JSON.createObjectNode().put("Type", "Notification").put("MessageId", "m")
                .put("TopicArn", "arn:aws:sns:us-east-1:111122223333:t").put("Message", message).toString();
    }

    @Test
    void cloudTrailsOwnSnsNotice() {
        // a real CloudTrail SNS notification (Go test sample), keys not URL-encoded
        DecodedMessage decoded = decoder.decode(Fixtures.text("envelopes/unresolved-go-test__snsWithBucket_cloudtrail-sns-notification.json"));
        assertEquals(SqsMessageShape.CLOUDTRAIL_NOTICE, decoded.shape());
        assertTrue(decoded.viaSns());
        assertEquals("aws-cloudtrail-logs-005292802539-91be7236", decoded.objects().get(0).bucket());
        assertEquals("AWSLogs/005292802539/CloudTrail/us-west-2/2023/12/16/"
                + "005292802539_CloudTrail_us-west-2_20231216T0020Z_7PliVTBQKBEdK2Bd.json.gz", decoded.objects().get(0).key());
    }

    @Test
    void s3ObjectCreatedThroughEventBridgeKeepsTheKeyAsIs() {
        String envelope = Fixtures.text("envelopes/aws-powertools_powertools-lambda-python__s3EventBridgeNotificationObjectCreatedEvent.json");
        for (String body : new String[] {envelope, viaSns(envelope)}) {
            DecodedMessage decoded = decoder.decode(body);
            assertEquals(SqsMessageShape.EVENTBRIDGE_OBJECT_CREATED, decoded.shape());
            assertEquals(Fixtures.json("envelopes/aws-powertools_powertools-lambda-python__s3EventBridgeNotificationObjectCreatedEvent.json").path("detail").path("object").path("key").asText(),
                    decoded.objects().get(0).key());
        }
    }

    @Test
    void eventBridgeEventsRawAndInsideSns() throws Exception {
        String envelope = Fixtures.text("envelopes/aws-powertools_powertools-lambda-python__eventBridgeEvent.json");
        assertEquals(SqsMessageShape.EVENTBRIDGE, decoder.decode(envelope).shape());
        DecodedMessage wrapped = decoder.decode(viaSns(envelope));
        assertEquals(SqsMessageShape.EVENTBRIDGE, wrapped.shape());
        assertTrue(wrapped.viaSns());
    }

    @Test
    void cloudWatchLogsInEveryFormAForwarderMaySend() throws Exception {
        // aws-lambda-dotnet sample: the {"awslogs":{"data":…}} event Lambda receives
        String lambdaEvent = Fixtures.text("envelopes/aws_aws-lambda-dotnet__logs-event.json");
        assertEquals(SqsMessageShape.CLOUDWATCH_LOGS, decoder.decode(lambdaEvent).shape());
        String bare = Fixtures.json("envelopes/aws_aws-lambda-dotnet__logs-event.json").path("awslogs").path("data").asText();
        assertEquals(SqsMessageShape.CLOUDWATCH_LOGS, decoder.decode(bare).shape());
        assertEquals(SqsMessageShape.CLOUDWATCH_LOGS, decoder.decode(viaSns(bare)).shape());
        // vector sample: an already decoded DATA_MESSAGE, and a CONTROL_MESSAGE
        assertEquals(SqsMessageShape.CLOUDWATCH_LOGS,
                decoder.decode(Fixtures.text("envelopes/vectordotdev_vector__cloudwatch-logs-firehose.md__DATA_MESSAGE_decoded.json")).shape());
        assertEquals(SqsMessageShape.CLOUDWATCH_LOGS,
                decoder.decode(Fixtures.text("envelopes/vectordotdev_vector__remap.yaml__cloudwatch_CONTROL_MESSAGE.json")).shape());
        ObjectNode forwarded = (ObjectNode) Fixtures.JSON.readTree(Payloads.forwarderMessage(Payloads.cherwegDataMessages().get(0)));
        assertEquals(SqsMessageShape.CLOUDWATCH_LOGS, decoder.decode(forwarded.toString()).shape());
    }

    @Test
    void anythingElseIsUnrecognisedAndKeptWhole() {
        assertEquals("unrecognised-shape", org.junit.jupiter.api.Assertions.assertThrows(RejectedInputException.class,
                () -> decoder.decode("{\"Hello\":\"world\"}")).reason());
        assertEquals("malformed-json", org.junit.jupiter.api.Assertions.assertThrows(RejectedInputException.class,
                () -> decoder.decode("not json, not base64")).reason());
    }
}
