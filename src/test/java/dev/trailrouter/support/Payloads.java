package dev.trailrouter.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Builds messages exactly as AWS or the documented forwarder produce them, from real samples. */
public final class Payloads {

    private Payloads() {
    }

    public static String gzipBase64(String json) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    /** What the forwarder Lambda puts on SQS (docs/cloudwatch-forwarder.md): the event it received, unchanged. */
    public static String forwarderMessage(JsonNode decodedPayload) {
        ObjectNode message = Fixtures.JSON.createObjectNode();
        message.putObject("awslogs").put("data", gzipBase64(decodedPayload.toString()));
        return message.toString();
    }

    /** The DATA_MESSAGE objects of the cherweg/logstash-input-s3-sns-sqs sample (concatenated JSON objects). */
    public static List<JsonNode> cherwegDataMessages() {
        try (MappingIterator<JsonNode> it = Fixtures.JSON.readerFor(JsonNode.class).readValues(
                Fixtures.text("cloudwatch_logs/cherweg_logstash-input-s3-sns-sqs__log-stream.real-formatted.first2objects"))) {
            return it.readAll();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A DATA_MESSAGE of the org trail's log group whose log events are real CloudTrail records. */
    public static ObjectNode cloudTrailDataMessage(String logStream, String fixture) {
        ObjectNode payload = Fixtures.JSON.createObjectNode()
                .put("messageType", "DATA_MESSAGE").put("owner", "111122223333")
                .put("logGroup", "aws-cloudtrail-logs-111122223333").put("logStream", logStream);
        payload.putArray("subscriptionFilters").add("trailrouter");
        ArrayNode events = payload.putArray("logEvents");
        String[] lines = Fixtures.text(fixture).strip().split("\n");
        for (int i = 0; i < lines.length; i++) {
            events.addObject().put("id", logStream + "-" + i).put("timestamp", 1405525767000L + i).put("message", lines[i]);
        }
        return payload;
    }

    /** An EventBridge envelope around a detail, as EventBridge delivers it to an SQS target. */
    public static ObjectNode eventBridge(String source, String detailType, JsonNode detail) {
        ObjectNode envelope = Fixtures.JSON.createObjectNode()
                .put("version", "0").put("id", "6a7e8feb-b491-4cf7-a9f1-bf3703467718")
                .put("detail-type", detailType).put("source", source).put("account", "111122223333")
                .put("time", "2024-10-08T10:15:32Z").put("region", "us-east-1");
        envelope.putArray("resources");
        envelope.set("detail", detail);
        return envelope;
    }

    public static List<String> lines(String fixture) {
        return new ArrayList<>(List.of(Fixtures.text(fixture).strip().split("\n")));
    }
}
