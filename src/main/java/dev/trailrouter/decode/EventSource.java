package dev.trailrouter.decode;

import java.io.Closeable;
import java.util.Iterator;

import dev.trailrouter.event.Event;

/** Events read from one object, one at a time. */
interface EventSource extends Iterator<Event>, Closeable {

    /** True once the last event was handed out and the whole stream was read and verified. */
    boolean exhausted();
}
