package dev.trailrouter.intake.poll;

import static dev.trailrouter.observe.LogFields.field;
import static dev.trailrouter.observe.LogFields.only;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ServiceStatus;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.trailrouter.config.PollerSettings;
import dev.trailrouter.decode.PolledRecords;
import dev.trailrouter.event.Event;
import dev.trailrouter.event.Origin;
import dev.trailrouter.ledger.DeliveryLedger;
import dev.trailrouter.ledger.UnitKind;
import dev.trailrouter.ledger.Verdict;
import dev.trailrouter.observe.LogSafe;
import dev.trailrouter.observe.PipelineMetrics;
import dev.trailrouter.observe.PollerHealth;
import dev.trailrouter.state.Checkpoints;
import dev.trailrouter.state.StateStoreException;

/**
 * One poller's life, a poll at a time (its route's scheduler calls {@link #poll}): read the checkpoint, read the
 * windows that are due page by page, hand each page to delivery as one unit with its own
 * {@link DeliveryLedger} ({@link UnitKind#POLL_WINDOW}), wait until the ledger has settled and act on its verdict.
 *
 * <ul>
 *   <li>Every page of a window done → the checkpoint advances past the window ({@link Checkpoints}, durable before the
 *       next window starts).</li>
 *   <li>A page to retry (a destination failed without a dead-letter target, a dead-letter write failed) → the window
 *       stops there, the checkpoint stays, and the whole window is read again after a backoff: what a destination
 *       already accepted is dropped by dedup, the rest is delivered. At least once, never a gap.</li>
 *   <li>A record that is not an event (bad JSON in {@code CloudTrailEvent}, missing fields) → written to the
 *       dead-letter directory with the reason ({@link PollDeadLetters}); the page's other events are delivered.</li>
 *   <li>An unreadable checkpoint → the poller stops, with one ERROR line, and its health check says so. It never
 *       restarts from start-time silently: that would re-deliver or skip history.</li>
 * </ul>
 *
 * <p>Windows: see {@link PollCheckpoint}. A window longer than {@link #MAX_WINDOW} (catching up from a start-time
 * long ago, or after an outage) is read in slices of that length, each advancing the checkpoint, so a restart redoes
 * at most one slice.
 */
final class WindowPoller {

    private static final Logger LOG = LoggerFactory.getLogger("dev.trailrouter.intake");

    static final Duration MAX_WINDOW = Duration.ofHours(1);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(10);
    /** How long a page waits for deferred deliveries (a Slack group is posted within 20 s). */
    static final Duration SETTLE_TIMEOUT = dev.trailrouter.intake.IntakeUnits.SETTLE_TIMEOUT;

    private final PollerSettings settings;
    private final PageSource source;
    private final Checkpoints checkpoints;
    private final PollDeadLetters deadLetters;
    private final CamelContext context;
    private final ProducerTemplate producer;
    private final String deliverEndpoint;
    private final PipelineMetrics metrics;
    private final PollerHealth health;
    private final Clock clock;
    private final String routeId;

    private volatile PollCheckpoint current;
    /** A write failed: what the store holds is unknown (moved by another instance, or written after all). */
    private volatile boolean reread;
    private volatile boolean stopped;
    private Instant notBefore = Instant.EPOCH;
    private int failuresInARow;
    private String failingReason;

    WindowPoller(PollerSettings settings, PageSource source, Checkpoints checkpoints, PollDeadLetters deadLetters,
                 CamelContext context, ProducerTemplate producer, String deliverEndpoint, PipelineMetrics metrics,
                 PollerHealth health, Clock clock) {
        this.settings = settings;
        this.source = source;
        this.checkpoints = checkpoints;
        this.deadLetters = deadLetters;
        this.context = context;
        this.producer = producer;
        this.deliverEndpoint = deliverEndpoint;
        this.metrics = metrics;
        this.health = health;
        this.clock = clock;
        this.routeId = routeId(settings);
        metrics.pollerCheckpointLag(settings.name(), this, WindowPoller::lagSeconds);
    }

    static String routeId(PollerSettings settings) {
        return "poll-" + settings.name();
    }

    /** The checkpoint's name in the store ({@link PollerSettings#checkpointName()}). */
    String checkpointName() {
        return settings.checkpointName();
    }

    /** The scheduler's call: reads what is due, unless stopped or backing off. */
    void poll(Exchange trigger) {
        if (stopped || clock.instant().isBefore(notBefore)) {
            return;
        }
        PollCheckpoint checkpoint;
        try {
            checkpoint = load();
        } catch (RuntimeException e) {
            if (current != null) { // read before; reading it again after a failed write failed: try again later
                failed("its checkpoint '" + checkpointName() + "' cannot be read again after a failed write: "
                        + LogSafe.rootCause(e), current);
                return;
            }
            stop("its checkpoint '" + checkpointName() + "' cannot be read: " + LogSafe.rootCause(e));
            return;
        }
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS); // what the APIs carry
        try {
            Instant settledEnd = now.minus(settings.trailingWindow());
            while (checkpoint.settled().isBefore(settledEnd)) {
                Instant end = min(settledEnd, checkpoint.settled().plus(MAX_WINDOW));
                read(checkpoint.settled(), end, "settled");
                checkpoint = save(new PollCheckpoint(end, max(checkpoint.fresh(), end)));
            }
            while (checkpoint.fresh().isBefore(now)) {
                Instant end = min(now, checkpoint.fresh().plus(MAX_WINDOW));
                read(checkpoint.fresh(), end, "fresh");
                checkpoint = save(new PollCheckpoint(checkpoint.settled(), end));
            }
        } catch (WindowFailed e) {
            failed(e.getMessage(), checkpoint);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.debug("poller={} interrupted while stopping; checkpoint kept at {}", settings.name(), checkpoint.format());
            return;
        } catch (StopRequested e) {
            LOG.debug("poller={} stopping mid-window; checkpoint kept at {}", settings.name(), checkpoint.format());
            return;
        } catch (StateStoreException e) {
            failed("the checkpoint cannot be written: " + LogSafe.rootCause(e), checkpoint);
            return;
        } catch (RuntimeException e) {
            failed(LogSafe.rootCause(e), checkpoint);
            return;
        }
        recovered();
    }

    /** Reads one window page by page; returns when every page is done, throws {@link WindowFailed} otherwise. */
    private void read(Instant start, Instant end, String which) throws InterruptedException {
        long started = System.nanoTime();
        String token = null;
        int pages = 0;
        long events = 0;
        do {
            if (stopping()) {
                throw new StopRequested();
            }
            String pageId = start + "/" + end + "#" + (pages + 1);
            Origin origin = Origin.ofMessage(settings.name(), pageId);
            PageSource.ApiPage page;
            try {
                page = source.page(start, end, token, origin);
            } catch (InterruptedException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new WindowFailed(settings.api().shape() + " call failed for window " + start + "/" + end + ": "
                        + LogSafe.rootCause(e));
            }
            pages++;
            events += page.records().events().size();
            deliver(page.records(), pageId);
            token = page.nextToken();
        } while (token != null);
        metrics.pollerWindows(settings.name(), "done");
        LOG.debug("poller={} window={}/{} ({}) pages={} events={} millis={} done", settings.name(), start, end, which,
                pages, events, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** One page as one unit: dead letters first, then its events through delivery; its ledger's verdict decides. */
    private void deliver(PolledRecords.Page page, String pageId) throws InterruptedException {
        List<Event> events = page.events();
        if (events.isEmpty() && page.malformed().isEmpty()) {
            return;
        }
        Exchange exchange = new DefaultExchange(context);
        DeliveryLedger ledger = DeliveryLedger.open(exchange, settings.name(), pageId, UnitKind.POLL_WINDOW);
        ledger.shape(settings.api().shape());
        for (PolledRecords.Malformed record : page.malformed()) {
            try {
                var file = deadLetters.write(settings.name(), pageId, record);
                metrics.pollerPages(settings.name(), "dead-lettered", 1);
                LOG.warn("{} {} record={} rejected {} → dead-lettered to {}", field("poller", settings.name()),
                        field("page", pageId), record.id(), field("reason", LogSafe.oneLine(record.reason())), file,
                        only("outcome", "dead-lettered"));
            } catch (java.io.IOException | RuntimeException e) {
                ledger.failedToProcess("record " + record.id() + " is malformed (" + record.reason()
                        + ") and its dead letter cannot be written: " + LogSafe.rootCause(e));
            }
        }
        if (!events.isEmpty() && !ledger.failing()) {
            metrics.pollerEvents(settings.name(), events.size()); // direct:events counts them as decoded, once
            exchange.getIn().setBody(events);
            producer.send(deliverEndpoint, exchange);
            dev.trailrouter.intake.IntakeUnits.caught(ledger, exchange.getException());
        }
        dev.trailrouter.intake.IntakeUnits.awaitSettled(ledger, SETTLE_TIMEOUT);
        Verdict verdict = ledger.verdict();
        if (verdict.done()) {
            metrics.pollerPages(settings.name(), "done", 1);
            LOG.debug("{} {} {} {} {} done", field("poller", settings.name()), field("page", pageId),
                    field("events", ledger.events()), field("millis", ledger.millis()), ledger.summary(),
                    only("outcome", "done"));
            return;
        }
        metrics.pollerPages(settings.name(), "failed", 1);
        throw new WindowFailed("page " + pageId + " not delivered: " + verdict.reason() + " " + ledger.summary());
    }

    /**
     * The checkpoint to go on from: read from the store at the first poll and again after a write failed (the store
     * then holds either another instance's value, or ours after all if only the answer was lost; a conditional store
     * such as DynamoDB refuses every later write until it is read again, so without this read the poller would fail
     * the same window at every backoff until restarted). Otherwise the last value written.
     */
    private PollCheckpoint load() {
        if (current == null || reread) {
            current = checkpoints.read(checkpointName()).map(PollCheckpoint::parse)
                    .orElseGet(() -> {
                        Instant start = settings.startTime()
                                .orElse(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
                        LOG.info("poller={} has no checkpoint '{}': starts at {}", settings.name(), checkpointName(), start);
                        return PollCheckpoint.at(start);
                    });
            reread = false;
        }
        return current;
    }

    private PollCheckpoint save(PollCheckpoint checkpoint) {
        try {
            checkpoints.write(checkpointName(), checkpoint.format());
        } catch (StateStoreException e) {
            reread = true;
            throw e;
        }
        current = checkpoint;
        return checkpoint;
    }

    private void stop(String reason) {
        stopped = true;
        health.stopped(reason);
        metrics.pollerWindows(settings.name(), "stopped");
        LOG.error("{} stopped: {}; fix or remove the checkpoint (removing it restarts from start-time) and restart "
                + "trailrouter", field("poller", settings.name()), LogSafe.oneLine(reason), only("outcome", "stopped"),
                only("reason", LogSafe.oneLine(reason)));
    }

    private void failed(String reason, PollCheckpoint kept) {
        metrics.pollerWindows(settings.name(), "failed");
        health.failed(reason);
        failuresInARow++;
        Duration backoff = backoff(failuresInARow);
        notBefore = clock.instant().plus(backoff);
        if (failingReason == null) { // one line per outage; its reason names the window, which moves at every poll
            LOG.warn("{} failed, checkpoint kept at {}, tried again in {} s: {}", field("poller", settings.name()),
                    kept.format(), backoff.toSeconds(), LogSafe.oneLine(reason), only("outcome", "failed"),
                    only("reason", LogSafe.oneLine(reason)));
        } else {
            LOG.debug("poller={} failed again ({} in a row): {}", settings.name(), failuresInARow, reason);
        }
        failingReason = reason;
    }

    private void recovered() {
        if (failingReason != null) {
            LOG.info("{} recovered after {} failed poll(s): checkpoint at {}", field("poller", settings.name()),
                    failuresInARow, current.format(), only("outcome", "recovered"));
        }
        failuresInARow = 0;
        failingReason = null;
        notBefore = Instant.EPOCH;
        health.succeeded();
    }

    /** The period, doubled for every failure in a row after the first, at most {@link #MAX_BACKOFF}. */
    Duration backoff(int failures) {
        Duration backoff = settings.period();
        for (int i = 1; i < failures && backoff.compareTo(MAX_BACKOFF) < 0; i++) {
            backoff = backoff.multipliedBy(2);
        }
        return backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
    }

    private boolean stopping() {
        if (context.isStopping() || context.isStopped()) {
            return true;
        }
        ServiceStatus status = context.getRouteController().getRouteStatus(routeId);
        return status != null && (status.isStopping() || status.isStopped());
    }

    private double lagSeconds() {
        PollCheckpoint checkpoint = current;
        return checkpoint == null ? Double.NaN
                : Math.max(0, Duration.between(checkpoint.fresh(), clock.instant()).toMillis() / 1000.0);
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** A window could not be completed; the message says why. */
    private static final class WindowFailed extends RuntimeException {
        WindowFailed(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The route or the context is stopping: the window ends without a checkpoint. */
    private static final class StopRequested extends RuntimeException {
        StopRequested() {
            super("stopping", null, false, false);
        }
    }
}
