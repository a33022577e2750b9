package dev.trailrouter.intake;

import java.util.List;

import dev.trailrouter.decode.S3ObjectRef;

/**
 * An SQS message after envelope removal and classification.
 *
 * @param shape    what it is
 * @param viaSns   whether it came wrapped in an SNS envelope
 * @param objects  the S3 objects it points to (empty for test events)
 */
public record DecodedMessage(SqsMessageShape shape, boolean viaSns, List<S3ObjectRef> objects) {
}
