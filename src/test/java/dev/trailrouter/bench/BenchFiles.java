package dev.trailrouter.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.trailrouter.demo.DemoSamples;
import dev.trailrouter.support.Fixtures;

/**
 * Realistic CloudTrail log files for the benchmark: the 50 real records of the bundled samples, cycled, each copy with
 * its own eventID, written as CloudTrail writes them ({@code {"Records":[…]}}, gzip).
 */
final class BenchFiles {

    private static final List<String> RECORDS = new ArrayList<>();

    static {
        for (String file : DemoSamples.FILES) {
            try {
                for (JsonNode record : Fixtures.JSON.readTree(DemoSamples.json(file)).get("Records")) {
                    RECORDS.add(record.toString());
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private BenchFiles() {
    }

    /** One gzip CloudTrail file of {@code records} records; {@code seed} makes the event ids unique across files. */
    static byte[] cloudTrailFile(int records, long seed) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes, 64 * 1024)) {
            write(out, records, seed);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * One gzip CloudTrail file whose records all happened at {@code eventTime} (a backfill keeps records by their
     * time); {@code seed} makes the event ids unique across files.
     */
    static byte[] cloudTrailFile(int records, String seed, java.time.Instant eventTime) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes, 64 * 1024)) {
            out.write("{\"Records\":[".getBytes(StandardCharsets.UTF_8));
            for (int n = 0; n < records; n++) {
                ObjectNode record = (ObjectNode) Fixtures.JSON.readTree(RECORDS.get(n % RECORDS.size()));
                record.put("eventID", seed + "-" + n).put("eventTime", eventTime.toString());
                out.write(((n == 0 ? "" : ",") + record).getBytes(StandardCharsets.UTF_8));
            }
            out.write("]}".getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    /** Streams a file of at least {@code decompressedBytes} into {@code out} (not closed). Returns the record count. */
    static long write(OutputStream out, long limitRecords, long seed) throws IOException {
        return write(out, limitRecords, Long.MAX_VALUE, seed);
    }

    static long write(OutputStream out, long limitRecords, long decompressedBytes, long seed) throws IOException {
        out.write("{\"Records\":[".getBytes(StandardCharsets.UTF_8));
        long written = 12;
        long n = 0;
        for (; n < limitRecords && written < decompressedBytes; n++) {
            ObjectNode record = (ObjectNode) Fixtures.JSON.readTree(RECORDS.get((int) (n % RECORDS.size())));
            record.put("eventID", seed + "-" + n);
            byte[] json = ((n == 0 ? "" : ",") + record).getBytes(StandardCharsets.UTF_8);
            out.write(json);
            written += json.length;
        }
        out.write("]}".getBytes(StandardCharsets.UTF_8));
        return n;
    }

    static String notification(String bucket, String key, long size) {
        return "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"us-east-1\","
                + "\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"" + bucket + "\"},"
                + "\"object\":{\"key\":\"" + key + "\",\"size\":" + size + "}}}]}";
    }
}
