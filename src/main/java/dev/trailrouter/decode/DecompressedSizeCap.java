package dev.trailrouter.decode;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import dev.trailrouter.decode.RejectedInputException;

/** Counts bytes read through it and refuses to go past a cap: the guard against gzip bombs and runaway objects. */
final class DecompressedSizeCap extends FilterInputStream {

    private final long cap;
    private final String object;
    private long count;

    DecompressedSizeCap(InputStream in, long cap, String object) {
        super(in);
        this.cap = cap;
        this.object = object;
    }

    long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            advance(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            advance(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        advance(skipped);
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void advance(long n) {
        count += n;
        if (count > cap) {
            throw tooLarge(object, cap);
        }
    }

    static RejectedInputException tooLarge(String object, long cap) {
        return new RejectedInputException("object-too-large",
                object + " decompresses to more than trailrouter.s3.max-object-bytes=" + cap + " bytes");
    }
}
