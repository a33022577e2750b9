package dev.trailrouter.decode;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** Recognises gzip by its magic bytes (not the key's extension) and returns the decoded content stream. */
final class ObjectContent {

    static final int GZIP_MAGIC_1 = 0x1f;
    static final int GZIP_MAGIC_2 = 0x8b;
    /** Deflate cannot expand data by more than about 1032:1, which bounds what a compressed object can become. */
    static final long MAX_DEFLATE_RATIO = 1032;

    private ObjectContent() {
    }

    static BufferedInputStream buffered(InputStream raw) {
        return raw instanceof BufferedInputStream b ? b : new BufferedInputStream(raw, 64 * 1024);
    }

    static boolean isGzip(BufferedInputStream in) throws IOException {
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        return first == GZIP_MAGIC_1 && second == GZIP_MAGIC_2;
    }

    /** The decoded content: gunzipped when the magic bytes say gzip (multi-member files included), else as is. */
    static InputStream decoded(BufferedInputStream in) throws IOException {
        return isGzip(in) ? new GZIPInputStream(in, 64 * 1024) : in;
    }
}
