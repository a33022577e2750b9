package dev.trailrouter.decode;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.BooleanSupplier;

import dev.trailrouter.event.Event;

/**
 * The events of one object, handed out in batches as they are parsed. Camel's streaming splitter pulls from it, so at
 * most one batch is in memory; closing it closes the reader and the S3 stream under it.
 */
public final class EventBatches implements Iterator<List<Event>>, Closeable {

    private final EventSource events;
    private final int batchSize;
    private final Closeable onClose;
    private boolean closed;
    private BooleanSupplier stop = () -> false;

    EventBatches(EventSource events, int batchSize, Closeable onClose) {
        this.events = events;
        this.batchSize = batchSize;
        this.onClose = onClose;
    }

    /** Ends the iteration early once the condition holds (the message already failed). */
    public void stopWhen(BooleanSupplier condition) {
        this.stop = condition;
    }

    @Override
    public boolean hasNext() {
        return !closed && !stop.getAsBoolean() && events.hasNext();
    }

    @Override
    public List<Event> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        List<Event> batch = new ArrayList<>(batchSize);
        while (batch.size() < batchSize && events.hasNext()) {
            batch.add(events.next());
        }
        return batch;
    }

    boolean exhausted() {
        return events.exhausted();
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
            events.close();
        }
    }
}
