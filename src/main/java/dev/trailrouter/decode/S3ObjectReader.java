package dev.trailrouter.decode;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.trailrouter.event.Origin;
import dev.trailrouter.observe.PipelineMetrics;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Opens a notified S3 object as a stream of event batches without ever holding it whole.
 *
 * <p>The decompressed-size cap is enforced <em>before</em> anything is delivered: when the stored size alone proves the
 * object cannot exceed the cap (plain objects, or gzip objects smaller than cap / 1032, deflate's maximum expansion),
 * the object is read once. Otherwise a first pass over the response already open gunzips and counts without parsing,
 * and the object is rejected if it is over the cap; the real pass then reads the same version again (If-Match on the
 * ETag). Large CloudTrail files pay a second GET; the ordinary few-hundred-kilobyte ones do not.
 */
public final class S3ObjectReader {

    private static final Logger LOG = LoggerFactory.getLogger(S3ObjectReader.class);

    private final ObjectMapper json;
    private final long maxObjectBytes;
    private final int batchSize;
    private final PipelineMetrics metrics;

    public S3ObjectReader(ObjectMapper json, long maxObjectBytes, int batchSize, PipelineMetrics metrics) {
        this.json = json;
        this.maxObjectBytes = maxObjectBytes;
        this.batchSize = batchSize;
        this.metrics = metrics;
    }

    public EventBatches open(S3Client s3, S3ObjectRef ref, Origin origin) {
        String name = ref.toString();
        ResponseInputStream<GetObjectResponse> response = get(s3, ref, null);
        String eTag = response.response().eTag();
        long stored = response.response().contentLength() == null ? -1 : response.response().contentLength();
        try {
            BufferedInputStream raw = ObjectContent.buffered(response);
            boolean gzip = ObjectContent.isGzip(raw);
            boolean provenSmall = gzip
                    ? stored >= 0 && stored <= maxObjectBytes / ObjectContent.MAX_DEFLATE_RATIO
                    : stored >= 0 && stored <= maxObjectBytes;
            if (!gzip && stored > maxObjectBytes) {
                abort(response);
                throw DecompressedSizeCap.tooLarge(name, maxObjectBytes);
            }
            if (!provenSmall) {
                long size = measureDecompressed(raw, name);
                response.close();
                LOG.debug("{} decompresses to {} bytes, within the cap", name, size);
                response = get(s3, ref, eTag);
                raw = ObjectContent.buffered(response);
            }
            return batches(response, raw, name, stored, origin.atObject(ref.bucket(), ref.key()));
        } catch (IOException e) {
            abort(response);
            throw new UncheckedIOException("reading " + name + " failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            abort(response);
            throw e;
        }
    }

    private EventBatches batches(ResponseInputStream<GetObjectResponse> response, BufferedInputStream raw,
                                 String name, long stored, Origin origin) throws IOException {
        InputStream content = new DecompressedSizeCap(ObjectContent.decoded(raw), maxObjectBytes, name);
        EventSource source;
        try {
            source = ObjectFormats.open(json, content, name, origin);
        } catch (IOException e) {
            throw ReadFailures.translate(e, name);
        }
        EventBatches[] self = new EventBatches[1];
        self[0] = new EventBatches(source, batchSize, () -> {
            if (!self[0].exhausted()) {
                abort(response); // stopped early (a failure downstream): do not drain the rest of a large object
            } else {
                metrics.objectFetched(origin.queue(), Math.max(stored, 0)); // read to the end: all its stored bytes
            }
        });
        return self[0];
    }

    /** The first pass for objects that might exceed the cap: gunzip and count to the end, parse nothing. */
    private long measureDecompressed(BufferedInputStream raw, String name) throws IOException {
        try (DecompressedSizeCap capped = new DecompressedSizeCap(ObjectContent.decoded(raw), maxObjectBytes, name)) {
            byte[] buffer = new byte[64 * 1024];
            while (capped.read(buffer) >= 0) {
                // counting only
            }
            return capped.count();
        } catch (IOException e) {
            throw ReadFailures.translate(e, name);
        }
    }

    private ResponseInputStream<GetObjectResponse> get(S3Client s3, S3ObjectRef ref, String ifMatch) {
        GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(ref.bucket()).key(ref.key());
        if (ref.versionId() != null) {
            request.versionId(ref.versionId());
        }
        if (ifMatch != null) {
            request.ifMatch(ifMatch);
        }
        try {
            return s3.getObject(request.build());
        } catch (S3Exception e) {
            throw S3Failures.translate(e, ref);
        }
    }

    static void abort(ResponseInputStream<?> response) {
        try {
            response.abort();
            response.close();
        } catch (IOException | RuntimeException ignored) {
            // the connection is being thrown away; nothing more to do
        }
    }
}
