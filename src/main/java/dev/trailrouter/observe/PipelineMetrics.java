package dev.trailrouter.observe;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.trailrouter.event.Event;

/**
 * The pipeline's own meters, registered in the same Micrometer registry Camel exposes on /observe/metrics, and read
 * back by the {@link PipelineStatsMBean}. Names follow Prometheus conventions once rendered
 * ({@code trailrouter_messages_total{queue,outcome}} …); docs/operations.md lists them.
 */
public final class PipelineMetrics {

    private final MeterRegistry registry;
    /** Per queue: the newest event's time, and how far behind real time it was when decoded. */
    private final Map<String, Newest> newest = new ConcurrentHashMap<>();
    // per-event meters, looked up once per kind: registering through a builder for every event is a hot-path cost
    private final Map<String, Counter> eventCounters = new ConcurrentHashMap<>();
    // a distribution summary in seconds, not a Timer: a Timer sums nanoseconds in a long, which wraps negative after
    // about 292 years of summed freshness (25 replayed events of 2014 did it)
    private final Map<String, DistributionSummary> freshnessSummaries = new ConcurrentHashMap<>();
    private final Map<String, Timer> deliveryTimers = new ConcurrentHashMap<>();
    private final Map<String, Counter> droppedCounters = new ConcurrentHashMap<>();
    private final Map<String, Counter> snsPushCounters = new ConcurrentHashMap<>();
    /** Per queue: events decoded (for the periodic summary). */
    private final Map<String, java.util.concurrent.atomic.LongAdder> queueEvents = new ConcurrentHashMap<>();
    /** A queue's newest event so far: its time, and how far behind real time it was when it was decoded. */
    private record Newest(Instant at, Duration behind) {
        Newest later(Newest other) {
            return other.at.isAfter(at) ? other : this;
        }
    }

    public PipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("trailrouter.build.info", () -> 1)
                .description("trailrouter's version (the jar's Implementation-Version); always 1")
                .tag("version", version()).register(registry);
    }

    /** The version the jar's manifest carries; {@code unknown} when not run from the packaged jar. */
    public static String version() {
        String version = PipelineMetrics.class.getPackage().getImplementationVersion();
        return version == null || version.isBlank() ? "unknown" : version;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** outcome: received, deleted, delete-failed, released, failed, dead-lettered, test-event, control-message, started-late. */
    public void message(String queue, String outcome) {
        Counter.builder("trailrouter.messages").description("SQS messages by queue and outcome")
                .tag("queue", queue).tag("outcome", outcome).register(registry).increment();
    }

    public void rejected(String queue, String reason) {
        Counter.builder("trailrouter.input.rejected").description("Messages dead-lettered as bad input, by reason")
                .tag("queue", queue).tag("reason", reason).register(registry).increment();
    }

    public void events(String kind, long count) {
        eventCounters.computeIfAbsent(kind, k -> Counter.builder("trailrouter.events").description("Events decoded, by kind")
                .tag("kind", k).register(registry)).increment(count);
    }

    /** One decoded event: its kind, its freshness, and the queue's last event time. */
    public void decoded(String queue, Event event) {
        events(event.kind(), 1);
        if (queue != null) {
            queueEvents.computeIfAbsent(queue, q -> new java.util.concurrent.atomic.LongAdder()).increment();
        }
        if (event.time() != null) {
            try {
                Instant at = eventTime(event.time());
                Duration behind = Duration.between(at, Instant.now());
                if (behind.isNegative()) {
                    behind = Duration.ZERO;
                }
                // in seconds as a double: toMillis overflows for a time ages past (a year of -300000000 parses),
                // and such an event is odd input, not a reason to fail its message
                freshnessSummaries.computeIfAbsent(event.kind(), PipelineMetrics.this::freshness)
                        .record(behind.getSeconds() + behind.getNano() / 1e9);
                if (queue != null) {
                    // one atomic merge, so that a worker decoding an older event after a newer one does not set the lag
                    newest.merge(queue, new Newest(at, behind), Newest::later);
                }
            } catch (DateTimeParseException ignored) {
                // a source with a time format of its own (or none): no freshness for it
            }
        }
    }

    /**
     * {@link Instant#parse}, with a direct path for the one form CloudTrail and EventBridge write
     * ({@code 2024-01-31T23:59:59Z}): the formatter's general parse was an eighth of the pipeline's CPU per event
     * (docs/BENCHMARKS.md §1). Anything else, an impossible date included, goes to {@link Instant#parse} and gets its
     * answer, or its exception.
     */
    static Instant eventTime(String text) {
        if (text.length() == 20 && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T'
                && text.charAt(13) == ':' && text.charAt(16) == ':' && text.charAt(19) == 'Z') {
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 2);
            int day = digits(text, 8, 2);
            int hour = digits(text, 11, 2);
            int minute = digits(text, 14, 2);
            int second = digits(text, 17, 2);
            if (year >= 0 && month >= 1 && month <= 12 && day >= 1
                    && day <= java.time.Month.of(month).length(java.time.Year.isLeap(year))
                    && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59) {
                long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
                return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second);
            }
        }
        return Instant.parse(text);
    }

    /** The decimal number of {@code length} digits at {@code from}, or -1 if one is not a digit. */
    private static int digits(String text, int from, int length) {
        int value = 0;
        for (int i = from; i < from + length; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    public void objectFetched(String queue, long bytes) {
        Counter.builder("trailrouter.objects.fetched").description("S3 objects read to the end")
                .tag("queue", queue).register(registry).increment();
        Counter.builder("trailrouter.bytes.fetched").description("Bytes read from S3 (as stored, before gunzip)")
                .tag("queue", queue).register(registry).increment(bytes);
    }

    /**
     * One event an intake's drop rules threw away before delivery (never dead-lettered): rule is the key that dropped
     * it ({@code drop-event-names}, {@code drop-event-sources}, {@code drop-read-only}).
     */
    public void dropped(String intake, String rule) {
        droppedCounters.computeIfAbsent(intake + "|" + rule, k -> Counter.builder("trailrouter.events.dropped")
                .description("Events an intake's drop rules dropped before delivery, by intake and rule")
                .tag("intake", intake).tag("rule", rule).register(registry)).increment();
    }

    /** One SNS push request answered: its endpoint, outcome (delivered, refused…), reason and HTTP status. */
    public void snsPush(String endpoint, String outcome, String reason, int status) {
        snsPushCounters.computeIfAbsent(endpoint + "|" + outcome + "|" + reason + "|" + status,
                k -> Counter.builder("trailrouter.sns.push").description("SNS push requests by endpoint, outcome and reason")
                        .tag("endpoint", endpoint).tag("outcome", outcome).tag("reason", reason)
                        .tag("status", Integer.toString(status)).register(registry)).increment();
    }

    /** reason: digest, not-object-created, s3-key-include (the key does not match it), s3-key-exclude (it matches). */
    public void objectSkipped(String queue, String reason) {
        Counter.builder("trailrouter.objects.skipped").description("Notified objects not read, by reason")
                .tag("queue", queue).tag("reason", reason).register(registry).increment();
    }

    public void delivered(String destination, long events) {
        destinationEvents(destination, "delivered", events);
    }

    /** A successful delivery of one batch and how long it took, retries included. */
    public void delivered(String destination, long events, long nanos) {
        delivered(destination, events);
        // a histogram (buckets), so that percentiles can be computed across instances in Prometheus
        deliveryTimers.computeIfAbsent(destination, d -> Timer.builder("trailrouter.destination.delivery")
                .description("Time to deliver one batch, retries included")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .tag("destination", d).register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Events decoded from a queue's messages, since start. */
    public long queueEvents(String queue) {
        var count = queueEvents.get(queue);
        return count == null ? 0 : count.sum();
    }

    /**
     * How far behind real time the newest event decoded from a queue was when it was decoded; empty before its first
     * event. Messages are decoded side by side, so the newest event is not always the last one decoded.
     */
    public java.util.Optional<Duration> queueLag(String queue) {
        return java.util.Optional.ofNullable(newest.get(queue)).map(Newest::behind);
    }

    /**
     * A kind's freshness summary. Built here, per kind, from a builder of its own: a shared builder's {@code tag} sets
     * the builder's tags, so two kinds registering at once could both get the meter of one of them, for good.
     */
    private DistributionSummary freshness(String kind) {
        return DistributionSummary.builder("trailrouter.event.freshness")
                .description("Now minus the event's own time when trailrouter decoded it: how far behind real time")
                .baseUnit("seconds")
                .publishPercentileHistogram()
                .minimumExpectedValue(1.0)
                .maximumExpectedValue((double) Duration.ofDays(1).toSeconds())
                .tag("kind", kind)
                .register(registry);
    }

    /** outcome: delivered, dead-lettered, failed. */
    public void destinationEvents(String destination, String outcome, long events) {
        Counter.builder("trailrouter.destination.events").description("Events handled by a destination, by outcome")
                .tag("destination", destination).tag("outcome", outcome).register(registry).increment(events);
    }

    /** Requests a dedup or checkpoint store made, by store (file, dynamodb, #bean) and op (read, write, checkpoint-…). */
    public void stateRequests(String store, String op, long requests) {
        Counter.builder("trailrouter.state.requests").description("Requests to the dedup and checkpoint store, by store and operation")
                .tag("store", store).tag("op", op).register(registry).increment(requests);
    }

    /** Events a destination did not deliver because the dedup store says it accepted them already. */
    public void duplicatesSuppressed(String destination, long events) {
        Counter.builder("trailrouter.duplicates.suppressed")
                .description("Events not delivered again: the destination had accepted them already (dedup)")
                .tag("destination", destination).register(registry).increment(events);
    }

    /** outcome: unavailable (could not answer accepted: the unit is retried), record-failed (delivered, not recorded). */
    public void stateFailure(String store, String outcome) {
        Counter.builder("trailrouter.state.failures").description("Dedup store calls that failed, by store and outcome")
                .tag("store", store).tag("outcome", outcome).register(registry).increment();
    }

    /** Messages of a queue being processed right now (Camel's in-flight count of its intake route). */
    public <T> void inflight(String queue, T source, ToDoubleFunction<T> count) {
        Gauge.builder("trailrouter.messages.inflight", source, count).description("SQS messages being processed")
                .tag("queue", queue).register(registry);
    }

    /** 1 while a destination is known to be down (its last batch ran out of retries), else 0. */
    public <T> void destinationDown(String destination, T source, ToDoubleFunction<T> value) {
        Gauge.builder("trailrouter.destination.down", source, value)
                .description("1 while a destination is known to be down: at most one attempt per message, no retries")
                .tag("destination", destination).register(registry);
    }

    /** Events a destination gathered into groups and has not posted yet. */
    public <T> void waitingEvents(String destination, T source, ToDoubleFunction<T> count) {
        Gauge.builder("trailrouter.destination.waiting", source, count)
                .description("Events gathered into groups a destination has not posted yet")
                .tag("destination", destination).register(registry);
    }

    // ---- API pollers (LookupEvents, FilterLogEvents)

    /** One API call of a poller, retries included. */
    public void pollerApiCall(String poller) {
        Counter.builder("trailrouter.poller.api.calls").description("API calls of a poller, retries included")
                .tag("poller", poller).register(registry).increment();
    }

    /** One throttled API call of a poller (retried with backoff). */
    public void pollerThrottled(String poller) {
        Counter.builder("trailrouter.poller.throttles").description("API calls of a poller answered with throttling")
                .tag("poller", poller).register(registry).increment();
    }

    /** outcome: done, failed (the window is read again later), dead-lettered (records written to the dead-letter dir). */
    public void pollerPages(String poller, String outcome, long count) {
        Counter.builder("trailrouter.poller.pages").description("API pages of a poller, by outcome")
                .tag("poller", poller).tag("outcome", outcome).register(registry).increment(count);
    }

    /** Events read by a poller (each read of a trailing window counts again; dedup drops repeats at destinations). */
    public void pollerEvents(String poller, long count) {
        Counter.builder("trailrouter.poller.events").description("Events a poller read from its API")
                .tag("poller", poller).register(registry).increment(count);
    }

    /** outcome: done (the checkpoint advanced), failed (kept; read again after a backoff). */
    public void pollerWindows(String poller, String outcome) {
        Counter.builder("trailrouter.poller.windows").description("Time windows a poller read, by outcome")
                .tag("poller", poller).tag("outcome", outcome).register(registry).increment();
    }

    /** Seconds between now and the poller's checkpoint (its fresh edge): how far behind real time its delivery is. */
    public <T> void pollerCheckpointLag(String poller, T source, ToDoubleFunction<T> seconds) {
        Gauge.builder("trailrouter.poller.checkpoint.lag", source, seconds).baseUnit("seconds")
                .description("Now minus the poller's checkpoint: how far behind real time it has delivered")
                .tag("poller", poller).register(registry);
    }

    public double count(String name, String... tags) {
        var search = registry.find(name).tags(tags);
        return search.counters().stream().mapToDouble(Counter::count).sum();
    }

    /** Counter values of one meter, by the value of one tag. */
    public Map<String, Long> countsBy(String name, String tag, String... filter) {
        Map<String, Long> counts = new TreeMap<>();
        registry.find(name).tags(filter).counters().forEach(c ->
                counts.merge(c.getId().getTag(tag), (long) c.count(), Long::sum));
        return counts;
    }

    /** Gauge values of one meter, by the value of one tag. */
    public Map<String, Long> gaugesBy(String name, String tag) {
        Map<String, Long> values = new TreeMap<>();
        registry.find(name).gauges().forEach(g -> values.put(g.getId().getTag(tag), (long) g.value()));
        return values;
    }

    public Map<String, String> lastEventTimes() {
        Map<String, String> times = new TreeMap<>();
        newest.forEach((queue, n) -> times.put(queue, n.at().toString()));
        return times;
    }
}
