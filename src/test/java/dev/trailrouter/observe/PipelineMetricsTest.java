package dev.trailrouter.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import dev.trailrouter.event.Event;
import dev.trailrouter.event.Origin;

/** The pipeline's meters as Prometheus scrapes them. */
class PipelineMetricsTest {

    /** The direct path for CloudTrail's time form answers as Instant.parse does, and leaves every other form to it. */
    @Test
    void eventTimesParseAsInstantParseDoes() {
        java.util.Random random = new java.util.Random(14);
        for (int i = 0; i < 20_000; i++) {
            Instant at = Instant.ofEpochSecond(random.nextLong(-62_000_000_000L, 253_000_000_000L));
            String text = at.toString();
            assertEquals(Instant.parse(text), PipelineMetrics.eventTime(text), text);
        }
        for (String text : List.of("2014-07-16T15:49:27Z", "2024-02-29T00:00:00Z", "2000-02-29T23:59:59Z",
                "0000-01-01T00:00:00Z", "2024-01-01T00:00:00.123Z", "2024-01-01T00:00:00+01:00", "2024-01-01t00:00:00z")) {
            assertEquals(Instant.parse(text), PipelineMetrics.eventTime(text), text);
        }
        for (String bad : List.of("2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T24:00:00Z",
                "2024-01-01T00:60:00Z", "2024-04-31T00:00:00Z", "2024-0a-01T00:00:00Z", "not a time at all!!Z")) {
            assertEquals(thrown(() -> Instant.parse(bad)), thrown(() -> PipelineMetrics.eventTime(bad)), bad);
        }
    }

    private static String thrown(Runnable parse) {
        try {
            parse.run();
            return "no exception";
        } catch (RuntimeException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }


    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final PipelineMetrics metrics = new PipelineMetrics(registry);

    private static Event at(Instant time) {
        return of("cloudtrail", time);
    }

    private static Event of(String kind, Instant time) {
        return new Event("e-" + time, time.toString(), kind, null, null, null, null, null, null, null,
                Origin.ofMessage("orgtrail", "m"), null);
    }

    /**
     * Messages are decoded side by side: a worker on an old message can finish after one on a fresh message. The
     * summary's lag is the newest event's, whatever the order (it used to be the last one decoded).
     */
    @Test
    void theLagIsTheNewestEventsNotTheLastOneDecoded() {
        Instant now = Instant.now();
        metrics.decoded("orgtrail", at(now.minus(Duration.ofMinutes(1))));
        metrics.decoded("orgtrail", at(now.minus(Duration.ofMinutes(10))));
        long lag = metrics.queueLag("orgtrail").orElseThrow().toSeconds();
        assertTrue(lag >= 60 && lag < 70, "lag of the newest event, about 60 s: " + lag);
        assertEquals(now.minus(Duration.ofMinutes(1)).toString(), metrics.lastEventTimes().get("orgtrail"));
        metrics.decoded("orgtrail", at(now.minus(Duration.ofSeconds(5))));
        assertTrue(metrics.queueLag("orgtrail").orElseThrow().toSeconds() < 15, "a newer event moves it");
    }

    /** An event time ages past parses, and its freshness is recorded: it fails nothing (toMillis overflowed). */
    @Test
    void anEventFromAgesPastIsCountedNotFailed() {
        metrics.decoded("orgtrail", at(Instant.parse("-300000000-01-01T00:00:00Z")));
        assertEquals(1.0, value(registry.scrape(), "trailrouter_event_freshness_seconds_count{kind=\"cloudtrail\"}"));
        assertTrue(metrics.queueLag("orgtrail").orElseThrow().toDays() > 100_000_000L * 365);
    }

    /** Each kind has its own freshness series (each registered from a builder of its own). */
    @Test
    void eachKindHasItsOwnFreshness() {
        metrics.decoded("orgtrail", of("cloudtrail", Instant.now()));
        metrics.decoded("orgtrail", of("guardduty", Instant.now()));
        metrics.decoded("orgtrail", of("guardduty", Instant.now()));
        String scrape = registry.scrape();
        assertEquals(1.0, value(scrape, "trailrouter_event_freshness_seconds_count{kind=\"cloudtrail\"}"));
        assertEquals(2.0, value(scrape, "trailrouter_event_freshness_seconds_count{kind=\"guardduty\"}"));
    }

    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        assertTrue(m.find(), series + " in\n" + scrape);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void freshnessOfOldEventsSumsWithoutWrappingNegative() {
        // a replay of 2014's CloudTrail files: 100 events 12 years behind; summed in nanoseconds in a long this wrapped
        Instant old = Instant.parse("2014-07-16T15:50:00Z");
        for (int i = 0; i < 100; i++) {
            metrics.decoded("orgtrail", at(old));
        }
        double behind = Duration.between(old, Instant.now()).toSeconds();
        String scrape = registry.scrape();
        assertEquals(100.0, value(scrape, "trailrouter_event_freshness_seconds_count{kind=\"cloudtrail\"}"));
        double sum = value(scrape, "trailrouter_event_freshness_seconds_sum{kind=\"cloudtrail\"}");
        assertEquals(100 * behind, sum, 100 * 5.0, "the sum of 100 × " + behind + " s");
        assertTrue(scrape.contains("trailrouter_event_freshness_seconds_bucket{kind=\"cloudtrail\",le=\"+Inf\"} 100"), scrape);
    }

    @Test
    void deliveryTimeIsAHistogramThatAggregatesAcrossInstances() {
        metrics.delivered("siem", 100, Duration.ofMillis(40).toNanos());
        metrics.delivered("siem", 100, Duration.ofMillis(900).toNanos());
        String scrape = registry.scrape();
        assertEquals(2.0, value(scrape, "trailrouter_destination_delivery_seconds_count{destination=\"siem\"}"));
        List<String> buckets = scrape.lines().filter(l -> l.startsWith("trailrouter_destination_delivery_seconds_bucket{destination=\"siem\"")).toList();
        assertTrue(buckets.size() > 10, "histogram buckets:\n" + scrape);
    }

    @Test
    void buildInfoCarriesTheVersion() {
        assertEquals(1.0, value(registry.scrape(), "trailrouter_build_info{version=\"" + PipelineMetrics.version() + "\"}"));
    }

    @Test
    void aSummaryLinePerQueueSaysWhatTheIntervalBrought() {
        Logger logger = (Logger) QueueSummaries.LOG;
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        logger.addAppender(captured);
        try (QueueSummaries summaries = new QueueSummaries(metrics, List.of("orgtrail", "quiet"))) {
            summaries.start(60);
            metrics.message("orgtrail", "received");
            metrics.message("orgtrail", "received");
            metrics.message("orgtrail", "dead-lettered");
            Instant tenMinutesAgo = Instant.now().minus(Duration.ofMinutes(10));
            for (int i = 0; i < 7; i++) {
                metrics.decoded("orgtrail", at(tenMinutesAgo));
            }
            summaries.logAll();
            metrics.message("orgtrail", "received");
            summaries.logAll();
        } finally {
            logger.detachAppender(captured);
        }
        List<String> lines = captured.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(4, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("queue=orgtrail summary last=60s messages=2 events=7 dead-lettered=1 failed=0 lag=60\\ds"), lines.get(0));
        assertEquals("queue=quiet summary last=60s messages=0 events=0 dead-lettered=0 failed=0 lag=-", lines.get(1));
        assertTrue(lines.get(2).startsWith("queue=orgtrail summary last=60s messages=1 events=0 dead-lettered=0 failed=0"), lines.get(2));
    }
}
