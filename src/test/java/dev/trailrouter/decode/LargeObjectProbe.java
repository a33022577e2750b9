package dev.trailrouter.decode;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

import dev.trailrouter.event.Event;
import dev.trailrouter.support.Fixtures;

/**
 * Run in a JVM with a small heap by {@link FlatMemoryTest}: streams a gzipped CloudTrail file much larger than the
 * heap through the real decode chain, generated on the fly so the probe itself never holds it. Prints
 * {@code events=<n> bytes=<decompressed>} and exits 0 when every record came through.
 */
public final class LargeObjectProbe {

    public static void main(String[] args) throws Exception {
        long targetBytes = Long.parseLong(args[0]);
        // a real record (elastic/integrations console-login sample); eventID varied per copy
        String record = Fixtures.text("cloudtrail/test-console-login-json.log").strip().split("\n")[0];
        PipedInputStream in = new PipedInputStream(1 << 16);
        PipedOutputStream pipe = new PipedOutputStream(in);
        long[] written = {0, 0};
        Thread writer = new Thread(() -> {
            try (OutputStream gz = new GZIPOutputStream(pipe, 1 << 16) {{ def.setLevel(Deflater.BEST_SPEED); }}) {
                written[0] += write(gz, "{\"Records\":[");
                for (long i = 0; written[0] < targetBytes; i++) {
                    written[0] += write(gz, (i == 0 ? "" : ",") + record.replace("10aEXAMPLE", Long.toString(i)));
                    written[1]++;
                }
                written[0] += write(gz, "]}");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        writer.start();
        long events = 0;
        try (EventBatches batches = ObjectStreams.batches(in, Long.MAX_VALUE, 100)) {
            while (batches.hasNext()) {
                List<Event> batch = batches.next();
                events += batch.size();
            }
        }
        writer.join();
        System.out.println("events=" + events + " records=" + written[1] + " bytes=" + written[0]
                + " maxHeap=" + Runtime.getRuntime().maxMemory());
        System.exit(events == written[1] ? 0 : 2);
    }

    private static int write(OutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.write(bytes);
        return bytes.length;
    }
}
