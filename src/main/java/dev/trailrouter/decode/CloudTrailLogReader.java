package dev.trailrouter.decode;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.NoSuchElementException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.trailrouter.decode.RejectedInputException;
import dev.trailrouter.event.CloudTrailEvents;
import dev.trailrouter.event.Event;
import dev.trailrouter.event.Origin;

/**
 * Walks the top-level {@code Records} array of a CloudTrail log file with a streaming parser, one record in memory at a
 * time. The array is located when the reader is created, so a file that is not a CloudTrail log is rejected before any
 * of it is delivered. After the last record the rest of the stream is read too, so gzip's CRC and length trailer are
 * checked and a truncated or corrupt file is reported rather than passed as complete.
 *
 * <p>Each record becomes an {@link Event} as it is read, its {@code detail} kept as the record's JSON bytes
 * ({@link RecordSlicer}) rather than a tree; its position in {@code Records} is the origin's index. A file in UTF-16
 * or UTF-32 (Jackson detects them; AWS writes UTF-8) has no byte offsets to slice by: its records become trees.
 */
final class CloudTrailLogReader implements Iterator<Event>, Closeable {

    private final JsonParser parser;
    private final InputStream content;
    private final String object;
    private final RecordSlicer slicer;
    private final Origin origin;
    private long index;
    private Event next;
    private boolean finished;

    CloudTrailLogReader(ObjectMapper json, InputStream content, String object, Origin origin) {
        this.content = content;
        this.object = object;
        this.origin = origin;
        RecordingStream recorded = new RecordingStream(content, JsonLimits.MAX_RECORD_BYTES + 64 * 1024);
        try {
            this.parser = json.getFactory().createParser(recorded);
            this.parser.setCodec(json);
        } catch (IOException e) {
            throw translate(e);
        }
        this.slicer = parser instanceof com.fasterxml.jackson.core.json.UTF8StreamJsonParser
                ? new RecordSlicer(json, recorded) : null;
        guard(this::seekRecords);
    }

    @Override
    public boolean hasNext() {
        if (next == null && !finished) {
            guard(this::advance);
        }
        return next != null;
    }

    @Override
    public Event next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Event record = next;
        next = null;
        return record;
    }

    /** True once the last record was handed out and the whole stream was read and verified. */
    boolean exhausted() {
        return finished && next == null;
    }

    @Override
    public void close() throws IOException {
        parser.close();
        content.close();
    }

    private void seekRecords() throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw notCloudTrail("content is not a JSON object");
        }
        for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("Records".equals(field)) {
                if (value != JsonToken.START_ARRAY) {
                    throw notCloudTrail("'Records' is not an array");
                }
                return;
            }
            parser.skipChildren();
        }
        throw notCloudTrail("no top-level 'Records' array");
    }

    private void advance() throws IOException {
        JsonToken token = parser.nextToken();
        if (token == JsonToken.START_OBJECT) {
            Origin at = origin.atIndex(index++);
            next = slicer != null ? slicer.read(parser, at, object)
                    : CloudTrailEvents.fromRecord(parser.readValueAsTree(), at);
        } else if (token == JsonToken.END_ARRAY) {
            finished = true;
            drainToEnd();
        } else if (token == null) {
            throw new RejectedInputException("truncated-object", object + " ends inside the 'Records' array");
        } else {
            throw notCloudTrail("'Records' holds a " + token + " instead of an object");
        }
    }

    /** Reads past the array to the end of the document and of the stream, so that gzip's trailer is verified. */
    private void drainToEnd() throws IOException {
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
            if (token == null) {
                throw new RejectedInputException("truncated-object", object + " ends before its closing brace");
            }
            if (token == JsonToken.FIELD_NAME) {
                parser.nextToken();
                parser.skipChildren();
            }
        }
        byte[] rest = new byte[8192];
        while (content.read(rest) >= 0) {
            // only whitespace can follow; the point is to reach the gzip trailer and have it checked
        }
    }

    private RejectedInputException notCloudTrail(String why) {
        return new RejectedInputException("not-cloudtrail", object + ": " + why);
    }

    private interface IoStep {
        void run() throws IOException;
    }

    private void guard(IoStep step) {
        try {
            step.run();
        } catch (IOException e) {
            throw translate(e);
        }
    }

    private RuntimeException translate(IOException e) {
        return ReadFailures.translate(e, object);
    }
}
