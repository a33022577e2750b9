package dev.trailrouter.deliver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;

import dev.trailrouter.event.Event;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The {@code archive} destination: gzip NDJSON objects, one per partition of each batch, in an S3 bucket or a local
 * directory with the same layout ({@link ArchiveKeys}). Deterministic keys make redelivery overwrite, not duplicate.
 */
public final class ArchiveTemplate extends DestinationTemplate {

    public static final String TEMPLATE = "archive";
    static final String BUCKET = "trailrouterArchiveBucket";
    static final String DIRECTORY = "trailrouterArchiveDirectory";
    static final String PREFIX = "trailrouterArchivePrefix";

    @Override
    public void configure() {
        var template = template(TEMPLATE, "Writes events as gzip NDJSON objects to S3 or a directory")
                .templateParameter("bucket", "", "S3 bucket (uses trailrouter.aws.* region, endpoint and credentials)")
                .templateParameter("directory", "", "local directory instead of a bucket")
                .templateParameter("prefix", "trailrouter", "key prefix");
        begin(template)
                .setProperty(BUCKET, constant("{{bucket}}"))
                .setProperty(DIRECTORY, constant("{{directory}}"))
                .setProperty(PREFIX, constant("{{prefix}}"))
                .process(DestinationTemplate::markStart)
                .process(ArchiveTemplate::write);
    }

    static void write(Exchange exchange) throws IOException {
        List<Event> events = events(exchange);
        DeliveryRuntime runtime = DeliveryRuntime.of(exchange);
        ObjectMapper json = runtime.json;
        String prefix = exchange.getProperty(PREFIX, "", String.class);
        Map<String, List<Event>> partitions = new LinkedHashMap<>();
        for (Event event : events) {
            partitions.computeIfAbsent(ArchiveKeys.partition(prefix, event), p -> new ArrayList<>()).add(event);
        }
        String bucket = exchange.getProperty(BUCKET, "", String.class);
        String directory = exchange.getProperty(DIRECTORY, "", String.class);
        for (Map.Entry<String, List<Event>> partition : partitions.entrySet()) {
            List<Event> group = partition.getValue();
            Event first = group.stream().min(Comparator.comparing(e -> e.origin().index() == null ? 0 : e.origin().index())).get();
            String key = partition.getKey() + "/" + ArchiveKeys.name(first);
            byte[] content = gzipNdjson(json, group);
            if (!bucket.isBlank()) {
                runtime.s3().putObject(b -> b.bucket(bucket).key(key)
                        .contentType("application/x-ndjson").contentEncoding("gzip"), RequestBody.fromBytes(content));
            } else {
                writeAtomically(Path.of(directory).resolve(key), content);
            }
        }
        delivered(exchange, events.size());
    }

    static byte[] gzipNdjson(ObjectMapper json, List<Event> events) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            for (Event event : events) {
                gz.write(json.writeValueAsBytes(event));
                gz.write('\n');
            }
        }
        return bytes.toByteArray();
    }

    /** Writes the file whole or not at all: to a temporary sibling, then renamed over the target. */
    static void writeAtomically(Path target, byte[] content) throws IOException {
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.write(temp, content);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void check(Map<String, String> params, UnaryOperator<String> resolve) {
        boolean bucket = !resolve.apply(params.getOrDefault("bucket", "")).isBlank();
        boolean directory = !resolve.apply(params.getOrDefault("directory", "")).isBlank();
        if (bucket == directory) {
            throw new IllegalArgumentException("give exactly one of the parameters 'bucket' and 'directory'");
        }
    }
}
