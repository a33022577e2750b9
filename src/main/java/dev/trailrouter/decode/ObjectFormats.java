package dev.trailrouter.decode;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.NoSuchElementException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.trailrouter.event.Event;
import dev.trailrouter.event.Origin;
import dev.trailrouter.decode.RejectedInputException;

/**
 * Chooses the reader for an object by its content (and its key for CloudTrail): a CloudTrail log file (a JSON object
 * with a {@code Records} array), newline-delimited JSON, a VPC flow log (a header line naming the fields) or a
 * CloudFront standard log ({@code #Version}/{@code #Fields}). Looks at the first few kilobytes only.
 */
final class ObjectFormats {

    static final int PEEK_BYTES = 16 * 1024;

    private ObjectFormats() {
    }

    static EventSource open(ObjectMapper json, InputStream decoded, String object, Origin origin) throws IOException {
        BufferedInputStream in = new BufferedInputStream(decoded, 64 * 1024);
        in.mark(PEEK_BYTES);
        byte[] head = in.readNBytes(PEEK_BYTES);
        in.reset();
        String prefix = new String(head, StandardCharsets.UTF_8).replace("\uFEFF", "");
        String trimmed = prefix.stripLeading();
        String firstLine = trimmed.lines().findFirst().orElse("");
        boolean cloudTrailKey = origin.key() != null && origin.key().contains("/CloudTrail/");
        if (trimmed.isEmpty() && head.length < PEEK_BYTES) {
            // 0 bytes, a gzip of nothing, or only whitespace: no log writer produces that on purpose, and reading it as
            // "zero events" would delete the notification as done and hide the fault (a failed upload, a truncating
            // writer). A file that says it holds nothing, {"Records":[]}, is read and done with zero events.
            in.close();
            throw new RejectedInputException("empty-object", object + (head.length == 0
                    ? " is empty (0 bytes after decompression)"
                    : " holds nothing but whitespace (" + head.length + " bytes after decompression)"));
        }
        if (trimmed.startsWith("{")) {
            if (cloudTrailKey || "Records".equals(firstFieldName(json, head))) {
                return new CloudTrailSource(new CloudTrailLogReader(json, in, object, origin));
            }
            return new JsonLinesReader(json, in, object, origin);
        }
        if (CloudFrontLogReader.isHeader(firstLine)) {
            return new CloudFrontLogReader(json, in, object, origin);
        }
        if (FlowLogReader.isHeader(firstLine)) {
            return new FlowLogReader(json, in, object, origin);
        }
        if (trimmed.isEmpty()) {
            return new JsonLinesReader(json, in, object, origin); // 16 KB of blank lines: let the line reader go on
        }
        in.close();
        throw new RejectedInputException("unrecognised-object", object + " is neither a CloudTrail log file, "
                + "newline-delimited JSON, a VPC flow log nor a CloudFront log (it starts with '"
                + firstLine.substring(0, Math.min(40, firstLine.length())) + "')");
    }

    /**
     * The name of the first field of the first JSON object. A CloudTrail log file always starts with {@code Records};
     * newline-delimited JSON starts with an event's own first field. Reads only the peeked bytes, which may end mid-way.
     */
    private static String firstFieldName(ObjectMapper json, byte[] head) {
        try (JsonParser parser = json.getFactory().createParser(head)) {
            if (parser.nextToken() == JsonToken.START_OBJECT && parser.nextToken() == JsonToken.FIELD_NAME) {
                return parser.currentName();
            }
        } catch (IOException e) {
            // not JSON after all: the JSON-lines reader reports it with its line number
        }
        return null;
    }

    /** A CloudTrail log file's records as events, the position in {@code Records} as the origin's index. */
    static final class CloudTrailSource implements EventSource {
        private final CloudTrailLogReader records;

        CloudTrailSource(CloudTrailLogReader records) {
            this.records = records;
        }

        @Override
        public boolean hasNext() {
            return records.hasNext();
        }

        @Override
        public Event next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return records.next();
        }

        @Override
        public boolean exhausted() {
            return records.exhausted();
        }

        @Override
        public void close() throws IOException {
            records.close();
        }
    }
}
