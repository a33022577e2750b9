package dev.trailrouter.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** The bundled CloudTrail log files (real records; see demo/cloudtrail/SOURCES.md), gzipped as CloudTrail writes them. */
public final class DemoSamples {

    public static final List<String> FILES = List.of(
            "111122223333_CloudTrail_us-east-2_20140716T1550Z_beats.json",
            "111122223333_CloudTrail_us-east-2_20200101T0000Z_integrations.json",
            "111122223333_CloudTrail_us-east-1_20210101T0000Z_awss3.json");
    /** Records in the three files together. */
    public static final int RECORDS = 50;

    private DemoSamples() {
    }

    public static byte[] json(String file) {
        try (InputStream in = DemoSamples.class.getResourceAsStream("/demo/cloudtrail/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing bundled sample " + file);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] gzip(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** S3 key (as CloudTrail names its files) → gzipped content. */
    public static Map<String, byte[]> asCloudTrailObjects() {
        Map<String, byte[]> objects = new LinkedHashMap<>();
        for (String file : FILES) {
            String[] parts = file.split("_");
            String region = parts[2];
            String day = parts[3].substring(0, 4) + "/" + parts[3].substring(4, 6) + "/" + parts[3].substring(6, 8);
            objects.put("AWSLogs/111122223333/CloudTrail/" + region + "/" + day + "/" + file + ".gz", gzip(json(file)));
        }
        return objects;
    }
}
