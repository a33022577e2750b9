package dev.trailrouter.deliver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;

import dev.trailrouter.event.Event;

/**
 * The {@code archive} destination: gzip NDJSON objects, one per partition of each batch, in an S3 bucket or a local
 * directory with the same layout ({@link ArchiveKeys}), through the {@code aws2-s3} or {@code file} endpoint.
 * Deterministic keys make redelivery overwrite, not duplicate. Parameters: {@code destination-types/archive.json}.
 */
public final class ArchiveTemplate extends DestinationTemplate {

    public static final String TEMPLATE = "archive";
    /** The registry name of the S3 client archive endpoints write with (the trailrouter.aws.* settings). */
    static final String S3_CLIENT = "trailrouterArchiveS3";

    @Override
    public void configure() {
        var template = template(TEMPLATE, ArchiveTemplate::endpoint);
        begin(template)
                .process(ArchiveTemplate::partition).id("partition")
                .split(body()).id("objects")
                    .setProperty(CHUNK, simple("${body.events}"))
                    .process(DestinationFailure::checkEarlier).id("gave-up-earlier")
                    .process(ArchiveTemplate::render).id("render")
                    .process(DestinationTemplate::markStart)
                    .to("{{endpoint}}").id("write")
                    .process(exchange -> delivered(exchange, exchange.getProperty(CHUNK, List.class))).id("delivered")
                .end();
    }

    /** {@code aws2-s3} for a bucket, {@code file} for a directory (written to a hidden temporary name, then renamed). */
    static String endpoint(CamelContext context, Destination destination) {
        String bucket = destination.value("bucket");
        if (!bucket.isBlank()) {
            String client = S3_CLIENT + "-" + destination.name(); // its own credentials (roleArn) or the default chain
            context.getRegistry().bind(client, DeliveryRuntime.of(context).s3(destination));
            return "aws2-s3://" + bucket + "?amazonS3Client=#" + client + "&autoCreateBucket=false";
        }
        return "file:" + destination.value("directory") + "?fileExist=Override&tempPrefix=.&autoCreate=true";
    }

    /** One object to write: its key (or path) under the prefix, and its events. */
    public record Part(String key, List<Event> events) {
    }

    /** The batch's events by partition (kind, account, region, hour), each with its deterministic name. */
    static void partition(Exchange exchange) {
        String prefix = Destination.of(exchange).value("prefix");
        Map<String, List<Event>> partitions = new LinkedHashMap<>();
        for (Event event : events(exchange)) {
            partitions.computeIfAbsent(ArchiveKeys.partition(prefix, event), p -> new ArrayList<>()).add(event);
        }
        List<Part> parts = new ArrayList<>();
        for (Map.Entry<String, List<Event>> partition : partitions.entrySet()) {
            List<Event> group = partition.getValue();
            Event first = group.stream().min(Comparator.comparing(e -> e.origin().index() == null ? 0 : e.origin().index())).get();
            parts.add(new Part(partition.getKey() + "/" + ArchiveKeys.name(first), group));
        }
        exchange.getIn().setBody(parts);
    }

    /** The object's gzip NDJSON content and the headers either endpoint reads its name and type from. */
    static void render(Exchange exchange) throws IOException {
        Part part = exchange.getIn().getBody(Part.class);
        exchange.getIn().setHeader("CamelAwsS3Key", part.key());
        exchange.getIn().setHeader("CamelAwsS3ContentType", "application/x-ndjson");
        exchange.getIn().setHeader("CamelAwsS3ContentEncoding", "gzip");
        exchange.getIn().setHeader(Exchange.FILE_NAME, part.key());
        exchange.getIn().setBody(gzipNdjson(DeliveryRuntime.of(exchange).json, part.events()));
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
}
