package dev.trailrouter.decode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.NoSuchElementException;

import dev.trailrouter.event.Event;
import dev.trailrouter.event.Origin;
import dev.trailrouter.decode.RejectedInputException;

/**
 * Reads a line-oriented log one line at a time and turns each line into events. Subclasses say what a line means;
 * the origin's {@code index} is the 1-based line number. Reading to the end also verifies gzip's trailer.
 */
abstract class TextLogReader implements EventSource {

    /** A line longer than this is not a log line: the object is rejected rather than buffered. */
    static final int MAX_LINE_CHARS = 1 << 20;

    private final BufferedReader lines;
    protected final String object;
    protected final Origin origin;
    private final ArrayDeque<Event> pending = new ArrayDeque<>();
    private long lineNumber;
    private boolean finished;

    TextLogReader(InputStream content, String object, Origin origin) {
        this.lines = new BufferedReader(new InputStreamReader(content, StandardCharsets.UTF_8), 64 * 1024);
        this.object = object;
        this.origin = origin;
    }

    /** The events of one line (none for headers, comments and blank lines). */
    protected abstract List<Event> parse(String line, Origin at);

    @Override
    public boolean hasNext() {
        while (pending.isEmpty() && !finished) {
            String line = readLine();
            if (line == null) {
                finished = true;
            } else {
                pending.addAll(parse(line, origin.atIndex(lineNumber)));
            }
        }
        return !pending.isEmpty();
    }

    @Override
    public Event next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return pending.poll();
    }

    @Override
    public boolean exhausted() {
        return finished && pending.isEmpty();
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }

    protected long lineNumber() {
        return lineNumber;
    }

    protected RejectedInputException malformed(String why) {
        return new RejectedInputException("malformed-object", object + " line " + lineNumber + ": " + why);
    }

    private String readLine() {
        try {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = lines.read()) >= 0 && c != '\n') {
                if (line.length() >= MAX_LINE_CHARS) {
                    throw malformed("longer than " + MAX_LINE_CHARS + " characters");
                }
                line.append((char) c);
            }
            if (c < 0 && line.length() == 0) {
                return null;
            }
            lineNumber++;
            int end = line.length();
            if (end > 0 && line.charAt(end - 1) == '\r') {
                line.setLength(end - 1);
            }
            return line.toString();
        } catch (IOException e) {
            throw ReadFailures.translate(e, object);
        }
    }
}
