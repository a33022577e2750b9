package dev.trailrouter.decode;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.trailrouter.decode.S3ObjectRef;
import dev.trailrouter.event.EventBridgeEvents;

/**
 * Removes the SNS envelope when there is one ({@code Type: Notification}) and classifies what is inside, whichever way
 * AWS delivered it: an S3 notification, CloudTrail's SNS notice, S3 through EventBridge, any EventBridge event, a
 * CloudWatch Logs subscription payload (as JSON, as {@code awslogs.data}, or as the bare base64 gzip text), or the
 * s3:TestEvent. Anything it cannot read is a {@link RejectedInputException}: retrying would not change the bytes.
 */
public final class EnvelopeDecoder {

    /** A body that is one base64 word: a bare CloudWatch Logs payload (gzip starts "H4sI", zlib "eJ"/"eN"/"eA"). */
    static final java.util.regex.Pattern BASE64 = java.util.regex.Pattern.compile("[A-Za-z0-9+/\\r\\n]{16,}={0,2}");

    private final ObjectMapper json;

    public EnvelopeDecoder(ObjectMapper json) {
        this.json = json;
    }

    public DecodedMessage decode(String body) {
        String text = body == null ? "" : body.strip();
        if (BASE64.matcher(text).matches()) {
            return DecodedMessage.ofPayload(SqsMessageShape.CLOUDWATCH_LOGS, false, TextNode.valueOf(text));
        }
        JsonNode root = parse(text, "malformed-json", "message body is not JSON");
        boolean viaSns = isSnsNotification(root);
        JsonNode message = root;
        if (viaSns) {
            String inner = root.get("Message").asText().strip();
            if (BASE64.matcher(inner).matches()) {
                return DecodedMessage.ofPayload(SqsMessageShape.CLOUDWATCH_LOGS, true, TextNode.valueOf(inner));
            }
            message = parse(inner, "sns-message-not-json", "SNS Message is not JSON");
        }
        return classify(message, viaSns);
    }

    private DecodedMessage classify(JsonNode message, boolean viaSns) {
        if ("s3:TestEvent".equals(message.path("Event").asText(null))) {
            return DecodedMessage.ofObjects(SqsMessageShape.S3_TEST_EVENT, viaSns, List.of());
        }
        JsonNode records = message.path("Records");
        if (records.isArray() && !records.isEmpty() && allS3Records(records)) {
            List<S3ObjectRef> objects = new ArrayList<>();
            for (JsonNode record : records) {
                objects.add(S3ObjectRef.fromNotificationRecord(record));
            }
            return DecodedMessage.ofObjects(SqsMessageShape.S3_NOTIFICATION, viaSns, objects);
        }
        if (message.path("s3Bucket").isTextual() && message.path("s3ObjectKey").isArray()) {
            List<S3ObjectRef> objects = new ArrayList<>();
            for (JsonNode key : message.path("s3ObjectKey")) {
                objects.add(S3ObjectRef.plain(message.path("s3Bucket").asText(), key.asText()));
            }
            return DecodedMessage.ofObjects(SqsMessageShape.CLOUDTRAIL_NOTICE, viaSns, objects);
        }
        if (message.path("awslogs").path("data").isTextual() || message.path("messageType").isTextual()) {
            return DecodedMessage.ofPayload(SqsMessageShape.CLOUDWATCH_LOGS, viaSns, message);
        }
        if (EventBridgeEvents.isEnvelope(message)) {
            if (EventBridgeEvents.isS3ObjectCreated(message)) {
                JsonNode detail = message.path("detail");
                return DecodedMessage.ofObjects(SqsMessageShape.EVENTBRIDGE_OBJECT_CREATED, viaSns, List.of(
                        S3ObjectRef.plain(detail.path("bucket").path("name").asText(), detail.path("object").path("key").asText())));
            }
            return DecodedMessage.ofPayload(SqsMessageShape.EVENTBRIDGE, viaSns, message);
        }
        throw new RejectedInputException("unrecognised-shape", "JSON body is neither an S3 notification, a CloudTrail "
                + "notice, an EventBridge event, a CloudWatch Logs payload nor an s3:TestEvent"
                + (viaSns ? " (inside an SNS envelope)" : ""));
    }

    static boolean isSnsNotification(JsonNode root) {
        return "Notification".equals(root.path("Type").asText(null))
                && root.path("Message").isTextual()
                && root.has("TopicArn");
    }

    private static boolean allS3Records(JsonNode records) {
        for (JsonNode record : records) {
            if (!record.path("s3").path("bucket").path("name").isTextual()
                    || !record.path("s3").path("object").path("key").isTextual()) {
                return false;
            }
        }
        return true;
    }

    private JsonNode parse(String text, String reason, String what) {
        try {
            JsonNode node = json.readTree(text);
            if (node == null || !node.isObject()) {
                throw new RejectedInputException(reason, what + " (not a JSON object)");
            }
            return node;
        } catch (JsonProcessingException e) {
            if (JsonLimits.exceeded(e)) {
                throw JsonLimits.tooLarge("the message body", e);
            }
            throw new RejectedInputException(reason, what + ": " + e.getOriginalMessage(), e);
        }
    }
}
