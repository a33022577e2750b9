package dev.trailrouter.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The pipeline's own counters, registered in the same Micrometer registry Camel exposes on /observe/metrics.
 * Names follow Prometheus conventions once rendered (trailrouter_messages_total{queue,outcome} …).
 */
public final class PipelineMetrics {

    private final MeterRegistry registry;

    public PipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** outcome: received, deleted, dead-lettered, failed, test-event. */
    public void message(String queue, String outcome) {
        Counter.builder("trailrouter.messages").description("SQS messages by queue and outcome")
                .tag("queue", queue).tag("outcome", outcome).register(registry).increment();
    }

    public void rejected(String queue, String reason) {
        Counter.builder("trailrouter.input.rejected").description("Messages dead-lettered as bad input, by reason")
                .tag("queue", queue).tag("reason", reason).register(registry).increment();
    }

    public void events(String kind, long count) {
        Counter.builder("trailrouter.events").description("Events decoded, by kind")
                .tag("kind", kind).register(registry).increment(count);
    }

    public void objectFetched(String queue, long bytes) {
        Counter.builder("trailrouter.objects.fetched").description("S3 objects read to the end")
                .tag("queue", queue).register(registry).increment();
        Counter.builder("trailrouter.bytes.fetched").description("Bytes read from S3 (as stored, before gunzip)")
                .tag("queue", queue).register(registry).increment(bytes);
    }

    /** reason: digest, not-object-created. */
    public void objectSkipped(String queue, String reason) {
        Counter.builder("trailrouter.objects.skipped").description("Notified objects not read, by reason")
                .tag("queue", queue).tag("reason", reason).register(registry).increment();
    }

    public void delivered(String destination, long events) {
        destinationEvents(destination, "delivered", events);
    }

    /** outcome: delivered, dead-lettered, failed. */
    public void destinationEvents(String destination, String outcome, long events) {
        Counter.builder("trailrouter.destination.events").description("Events handled by a destination, by outcome")
                .tag("destination", destination).tag("outcome", outcome).register(registry).increment(events);
    }

    public double count(String name, String... tags) {
        var search = registry.find(name).tags(tags);
        return search.counters().stream().mapToDouble(Counter::count).sum();
    }
}
