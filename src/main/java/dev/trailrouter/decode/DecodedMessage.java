package dev.trailrouter.decode;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.trailrouter.decode.S3ObjectRef;

/**
 * An SQS message after envelope removal and classification.
 *
 * @param shape    what it is
 * @param viaSns   whether it came wrapped in an SNS envelope
 * @param objects  the S3 objects it points to (object shapes only)
 * @param payload  the event body for EVENTBRIDGE (the envelope) and CLOUDWATCH_LOGS (as received: JSON or base64 text)
 */
public record DecodedMessage(SqsMessageShape shape, boolean viaSns, List<S3ObjectRef> objects, JsonNode payload) {

    static DecodedMessage ofObjects(SqsMessageShape shape, boolean viaSns, List<S3ObjectRef> objects) {
        return new DecodedMessage(shape, viaSns, objects, null);
    }

    static DecodedMessage ofPayload(SqsMessageShape shape, boolean viaSns, JsonNode payload) {
        return new DecodedMessage(shape, viaSns, List.of(), payload);
    }
}
