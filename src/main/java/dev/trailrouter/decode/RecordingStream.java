package dev.trailrouter.decode;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The stream under a CloudTrail log file's parser, keeping the bytes read since the start of the record being parsed,
 * so that {@link RecordSlicer} can take a record's bytes by the parser's byte offsets instead of writing them again.
 * Holds one record and the parser's read-ahead; a record larger than {@code cap} bytes is not kept
 * ({@link #overflowed()}).
 */
final class RecordingStream extends FilterInputStream {

    private final int cap;
    private byte[] window = new byte[64 * 1024];
    /** Stream offset of {@code window[0]}. */
    private long base;
    private int length;
    /** Stream offset from which bytes must be kept. */
    private long keepFrom;
    private boolean overflowed;

    RecordingStream(InputStream in, int cap) {
        super(in);
        this.cap = cap;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            append(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            append(b, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] skipped = new byte[(int) Math.min(n, 8192)];
        int read = read(skipped, 0, skipped.length);
        return Math.max(read, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** From now on, keep the bytes from this stream offset on (the start of the record being parsed). */
    void keepFrom(long offset) {
        keepFrom = offset;
        overflowed = false;
    }

    /** Whether the record being kept outgrew the cap, so that its bytes are not all here. */
    boolean overflowed() {
        return overflowed;
    }

    /** The bytes between two stream offsets, both at or after {@link #keepFrom}. */
    byte[] slice(long from, long to) {
        return Arrays.copyOfRange(window, (int) (from - base), (int) (to - base));
    }

    private void append(byte[] b, int off, int n) {
        if (overflowed) {
            base += n; // nothing kept: the record is over the cap and will be refused
            length = 0;
            return;
        }
        if (length + n > window.length) {
            int drop = (int) Math.min(keepFrom - base, length);
            if (drop > 0) {
                System.arraycopy(window, drop, window, 0, length - drop);
                length -= drop;
                base += drop;
            }
            if (length + n > window.length) {
                if (length + n > cap) {
                    overflowed = true;
                    base += length + n;
                    length = 0;
                    return;
                }
                window = Arrays.copyOf(window, Math.min(cap, Math.max(window.length * 2, length + n)));
            }
        }
        System.arraycopy(b, off, window, length, n);
        length += n;
    }
}
