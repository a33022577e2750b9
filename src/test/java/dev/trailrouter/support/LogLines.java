package dev.trailrouter.support;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

/**
 * The log lines this JVM writes while it is open (every logger, as configured by logback.xml): what an operator would
 * read, counted by a test.
 */
public final class LogLines extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    public record Line(Instant at, Level level, String logger, String message, boolean withStackTrace) {
        public boolean warnOrWorse() {
            return level.isGreaterOrEqual(Level.WARN);
        }

        @Override
        public String toString() {
            return at + " " + level + " " + logger + " - " + message + (withStackTrace ? " [+stack trace]" : "");
        }
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();

    private LogLines() {
    }

    public static LogLines capture() {
        LogLines appender = new LogLines();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        appender.setContext(root.getLoggerContext());
        appender.setName("test-capture");
        appender.start();
        root.addAppender(appender);
        return appender;
    }

    @Override
    protected void append(ILoggingEvent event) {
        lines.add(new Line(Instant.ofEpochMilli(event.getTimeStamp()), event.getLevel(), event.getLoggerName(),
                event.getFormattedMessage(), event.getThrowableProxy() != null));
    }

    public List<Line> all() {
        return List.copyOf(lines);
    }

    public List<Line> matching(Predicate<Line> which) {
        return lines.stream().filter(which).toList();
    }

    public List<Line> containing(String text) {
        return matching(l -> l.message().contains(text));
    }

    @Override
    public void close() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(this);
        stop();
    }
}
