package dev.trailrouter.observe;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per queue every {@code trailrouter.observe.summary-interval} seconds (0 = off): what the queue brought
 * in that interval (messages received, events decoded, messages dead-lettered as bad input, messages failed) and how
 * far behind real time its newest event was. For operators who read logs rather than dashboards.
 */
public final class QueueSummaries implements AutoCloseable {

    static final Logger LOG = LoggerFactory.getLogger("dev.trailrouter.summary");

    private final PipelineMetrics metrics;
    private final List<String> queues;
    private final Map<String, long[]> previous = new HashMap<>();
    private ScheduledExecutorService timer;
    private long intervalSeconds;

    public QueueSummaries(PipelineMetrics metrics, List<String> queues) {
        this.metrics = metrics;
        this.queues = List.copyOf(queues);
    }

    public synchronized void start(long intervalSeconds) {
        this.intervalSeconds = intervalSeconds;
        if (intervalSeconds <= 0 || timer != null) {
            return;
        }
        queues.forEach(q -> previous.put(q, totals(q)));
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "trailrouter-summary");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(this::logAll, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
    }

    synchronized void logAll() {
        for (String queue : queues) {
            long[] now = totals(queue);
            long[] before = previous.getOrDefault(queue, new long[now.length]);
            previous.put(queue, now);
            String lag = metrics.queueLag(queue).map(Duration::toSeconds).map(s -> s + "s").orElse("-");
            LOG.info("{} summary last={}s {} {} {} {} lag={}", LogFields.field("queue", queue), intervalSeconds,
                    LogFields.field("messages", now[0] - before[0]), LogFields.field("events", now[1] - before[1]),
                    LogFields.field("deadLettered", "dead-lettered", now[2] - before[2]),
                    LogFields.field("failed", now[3] - before[3]), lag,
                    LogFields.only("lagSeconds", metrics.queueLag(queue).map(Duration::toSeconds).orElse(null)));
        }
    }

    private long[] totals(String queue) {
        return new long[] {
                (long) metrics.count("trailrouter.messages", "queue", queue, "outcome", "received"),
                metrics.queueEvents(queue),
                (long) metrics.count("trailrouter.messages", "queue", queue, "outcome", "dead-lettered"),
                (long) metrics.count("trailrouter.messages", "queue", queue, "outcome", "failed")};
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
