package dev.trailrouter.decode;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import dev.trailrouter.event.Event;

/**
 * The events of one object, handed out in batches as they are parsed. Camel's streaming splitter pulls from it, so at
 * most one batch is in memory; closing it closes the reader and the S3 stream under it.
 */
public final class EventBatches implements Iterator<List<Event>>, Closeable {

    private EventSource events;
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

    /**
     * Hands out only the events {@code keep} accepts; the others are read, counted ({@code skipped}) and dropped.
     * A backfill keeps the records of its time window: a log file near the window's edge also holds records of the
     * minutes before it.
     */
    public void keepOnly(Predicate<Event> keep, LongAdder skipped) {
        this.events = new KeptEvents(events, keep, skipped);
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

    /** The events of a source that a predicate keeps, looked ahead one at a time. */
    private static final class KeptEvents implements EventSource {
        private final EventSource source;
        private final Predicate<Event> keep;
        private final LongAdder skipped;
        private Event next;

        KeptEvents(EventSource source, Predicate<Event> keep, LongAdder skipped) {
            this.source = source;
            this.keep = keep;
            this.skipped = skipped;
        }

        @Override
        public boolean hasNext() {
            while (next == null && source.hasNext()) {
                Event candidate = source.next();
                if (keep.test(candidate)) {
                    next = candidate;
                } else {
                    skipped.increment();
                }
            }
            return next != null;
        }

        @Override
        public Event next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Event out = next;
            next = null;
            return out;
        }

        @Override
        public boolean exhausted() {
            return next == null && source.exhausted();
        }

        @Override
        public void close() throws IOException {
            source.close();
        }
    }
}
