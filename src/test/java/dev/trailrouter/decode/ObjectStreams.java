package dev.trailrouter.decode;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

import dev.trailrouter.event.Origin;
import dev.trailrouter.support.Fixtures;

/** Builds the decode chain the way S3ObjectReader does, over any stream instead of an S3 response. */
final class ObjectStreams {

    static final Origin ORIGIN = Origin.ofMessage("q", "m-1").atObject("bucket",
            "AWSLogs/111122223333/CloudTrail/us-east-2/2014/07/16/f.json.gz");

    /** The pipeline's own ObjectMapper, with its JSON limits. */
    static final com.fasterxml.jackson.databind.ObjectMapper JSON = JsonLimits.objectMapper();

    private ObjectStreams() {
    }

    static EventBatches batches(InputStream stored, long cap, int batchSize) throws Exception {
        return batches(stored, cap, batchSize, ORIGIN);
    }

    static EventBatches batches(InputStream stored, long cap, int batchSize, Origin origin) throws Exception {
        InputStream content = new DecompressedSizeCap(ObjectContent.decoded(ObjectContent.buffered(stored)), cap, "s3://b/k");
        try {
            return new EventBatches(ObjectFormats.open(JSON, content, "s3://b/k", origin), batchSize, () -> { });
        } catch (java.io.IOException e) {
            throw ReadFailures.translate(e, "s3://b/k");
        }
    }

    /**
     * A CloudTrail log file of one record whose {@code responseElements.blob} is a string of {@code chars} characters,
     * generated as it is read: never held in memory.
     */
    static InputStream oneRecordWithAStringOf(long chars) {
        byte[] head = "{\"Records\":[{\"eventVersion\":\"1.08\",\"eventTime\":\"2024-01-01T00:00:00Z\",\"eventName\":\"Big\",\"responseElements\":{\"blob\":\""
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] tail = "\"}}]}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        long total = head.length + chars + tail.length;
        return new InputStream() {
            private long position;

            @Override
            public int read() {
                if (position >= total) {
                    return -1;
                }
                long p = position++;
                return p < head.length ? head[(int) p] : p < head.length + chars ? 'a' : tail[(int) (p - head.length - chars)];
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (position >= total) {
                    return -1;
                }
                int n = 0;
                while (n < len && position < total) {
                    b[off + n++] = (byte) read();
                }
                return n;
            }
        };
    }

    static EventBatches batches(byte[] stored, long cap, int batchSize) throws Exception {
        return batches(new ByteArrayInputStream(stored), cap, batchSize);
    }
}
