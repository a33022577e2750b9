package dev.trailrouter.decode;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import com.fasterxml.jackson.databind.JsonNode;

import dev.trailrouter.event.CloudTrailEvents;
import dev.trailrouter.event.Event;
import dev.trailrouter.event.Origin;

/**
 * The events of one object, handed out in batches as they are parsed. Camel's streaming splitter pulls from it, so at
 * most one batch is in memory; closing it closes the parser and the S3 stream under it.
 */
public final class EventBatches implements Iterator<List<Event>>, Closeable {

    private final CloudTrailLogReader records;
    private final Origin origin;
    private final int batchSize;
    private final Closeable onClose;
    private long index;
    private boolean closed;

    EventBatches(CloudTrailLogReader records, Origin origin, int batchSize, Closeable onClose) {
        this.records = records;
        this.origin = origin;
        this.batchSize = batchSize;
        this.onClose = onClose;
    }

    @Override
    public boolean hasNext() {
        return !closed && records.hasNext();
    }

    @Override
    public List<Event> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        List<Event> batch = new ArrayList<>(batchSize);
        while (batch.size() < batchSize && records.hasNext()) {
            JsonNode record = records.next();
            batch.add(CloudTrailEvents.fromRecord(record, origin.atIndex(index++)));
        }
        return batch;
    }

    /** How many events have been handed out so far. */
    public long count() {
        return index;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            onClose.close();
        } finally {
            records.close();
        }
    }
}
