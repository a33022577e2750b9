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
    private java.util.function.BooleanSupplier stop = () -> false;

    EventBatches(CloudTrailLogReader records, Origin origin, int batchSize, Closeable onClose) {
        this.records = records;
        this.origin = origin;
        this.batchSize = batchSize;
        this.onClose = onClose;
    }

    /** Ends the iteration early once the condition holds (the message already failed). */
    public void stopWhen(java.util.function.BooleanSupplier condition) {
        this.stop = condition;
    }

    @Override
    public boolean hasNext() {
        return !closed && !stop.getAsBoolean() && records.hasNext();
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
