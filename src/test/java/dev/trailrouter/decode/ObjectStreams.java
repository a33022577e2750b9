package dev.trailrouter.decode;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

import dev.trailrouter.event.Origin;
import dev.trailrouter.support.Fixtures;

/** Builds the decode chain the way S3ObjectReader does, over any stream instead of an S3 response. */
final class ObjectStreams {

    static final Origin ORIGIN = Origin.ofMessage("q", "m-1").atObject("bucket",
            "AWSLogs/111122223333/CloudTrail/us-east-2/2014/07/16/f.json.gz");

    private ObjectStreams() {
    }

    static EventBatches batches(InputStream stored, long cap, int batchSize) throws Exception {
        return batches(stored, cap, batchSize, ORIGIN);
    }

    static EventBatches batches(InputStream stored, long cap, int batchSize, Origin origin) throws Exception {
        InputStream content = new DecompressedSizeCap(ObjectContent.decoded(ObjectContent.buffered(stored)), cap, "s3://b/k");
        try {
            return new EventBatches(ObjectFormats.open(Fixtures.JSON, content, "s3://b/k", origin), batchSize, () -> { });
        } catch (java.io.IOException e) {
            throw ReadFailures.translate(e, "s3://b/k");
        }
    }

    static EventBatches batches(byte[] stored, long cap, int batchSize) throws Exception {
        return batches(new ByteArrayInputStream(stored), cap, batchSize);
    }
}
