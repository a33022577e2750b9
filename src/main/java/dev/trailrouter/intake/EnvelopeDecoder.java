package dev.trailrouter.intake;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.trailrouter.decode.S3ObjectRef;

/**
 * Removes the SNS envelope when there is one ({@code Type: Notification} with a JSON string in {@code Message}) and
 * classifies what is inside. Raw S3 notifications (S3 → SQS, or SNS raw message delivery) are accepted as they are.
 * Anything it cannot read is a {@link RejectedInputException}: retrying would not change the bytes.
 */
public final class EnvelopeDecoder {

    private final ObjectMapper json;

    public EnvelopeDecoder(ObjectMapper json) {
        this.json = json;
    }

    public DecodedMessage decode(String body) {
        JsonNode root = parse(body, "malformed-json", "message body is not JSON");
        boolean viaSns = isSnsNotification(root);
        JsonNode message = root;
        if (viaSns) {
            message = parse(root.get("Message").asText(), "sns-message-not-json", "SNS Message is not JSON");
        }
        if ("s3:TestEvent".equals(message.path("Event").asText(null))) {
            return new DecodedMessage(SqsMessageShape.S3_TEST_EVENT, viaSns, List.of());
        }
        JsonNode records = message.path("Records");
        if (records.isArray() && !records.isEmpty() && allS3Records(records)) {
            List<S3ObjectRef> objects = new ArrayList<>();
            for (JsonNode record : records) {
                objects.add(S3ObjectRef.fromNotificationRecord(record));
            }
            return new DecodedMessage(SqsMessageShape.S3_NOTIFICATION, viaSns, objects);
        }
        throw new RejectedInputException("unrecognised-shape",
                "JSON body is neither an S3 event notification nor an s3:TestEvent"
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
            throw new RejectedInputException(reason, what + ": " + e.getOriginalMessage(), e);
        }
    }
}
