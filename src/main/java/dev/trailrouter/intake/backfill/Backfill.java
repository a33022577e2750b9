package dev.trailrouter.intake.backfill;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.trailrouter.decode.EventWindow;
import dev.trailrouter.decode.S3ObjectRef;
import dev.trailrouter.decode.S3ObjectStage;
import dev.trailrouter.deliver.Destinations;
import dev.trailrouter.intake.DeadLetterQueue;
import dev.trailrouter.ledger.DeliveryLedger;
import dev.trailrouter.ledger.UnitKind;
import dev.trailrouter.ledger.Verdict;
import dev.trailrouter.observe.LogSafe;
import dev.trailrouter.state.Checkpoints;
import dev.trailrouter.state.StateStoreException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One backfill run: lists the window's log files ({@link TrailListing}) and sends each, as its own unit with a
 * {@link DeliveryLedger} of kind {@link UnitKind#BACKFILL_OBJECT}, through the pipeline's own
 * {@code direct:decode-s3-object} (the S3 stage streams it and hands its batches to {@code direct:deliver}), a few
 * objects at a time. The ledger's verdict decides: done → the object is settled and the checkpoint's watermark may
 * move ({@link SettledOrder}); reject (bad input) → dead-lettered when a DLQ is configured, else reported, and
 * settled either way (reading it again would not make it good); retry (a destination failed past its own retries) →
 * tried again with backoff, then the run stops taking new objects and ends non-zero, the checkpoint where it was.
 */
public final class Backfill {

    /** The ledger's source: the S3 stage looks up {@code s3Client-backfill} by it. */
    public static final String SOURCE = "backfill";

    private static final Logger LOG = LoggerFactory.getLogger("dev.trailrouter.intake.backfill");
    private static final long CHECKPOINT_EVERY_MILLIS = 1000;

    /** How a run ended: its exit code (0 complete, 1 not complete or bad input left) and its summary line. */
    public record Result(int exitCode, String summary) {
    }

    private final CamelContext context;
    private final S3Client s3;
    private final Checkpoints store;
    private final ObjectMapper json;
    private final BackfillRequest request;
    private final Optional<DeadLetterQueue> deadLetters;
    private final String name;
    private final AtomicLong outside = new AtomicLong();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final AtomicReference<String> failure = new AtomicReference<>();
    final AtomicLong objectsDone = new AtomicLong();
    final AtomicLong objectsListed = new AtomicLong();
    final AtomicLong eventsDone = new AtomicLong();
    final AtomicInteger foldersDone = new AtomicInteger();
    /** Folders settled in an earlier run (not listed), and the objects of the folders listed to their end. */
    final AtomicInteger foldersSkipped = new AtomicInteger();
    final AtomicLong listedInDoneFolders = new AtomicLong();
    volatile int foldersTotal;
    volatile boolean listingDone;
    private final AtomicLong deadLettered = new AtomicLong();
    private final List<BackfillCheckpoint.Rejected> rejected = new ArrayList<>();
    private long rejectedCount;
    private BackfillCheckpoint saved;
    private SettledOrder order;
    private long lastCheckpointMillis;
    private TrailListing listing;
    private ProducerTemplate template;

    public Backfill(CamelContext context, S3Client s3, Checkpoints store, ObjectMapper json, BackfillRequest request,
                    Optional<DeadLetterQueue> deadLetters) {
        this.context = context;
        this.s3 = s3;
        this.store = store;
        this.json = json;
        this.request = request;
        this.deadLetters = deadLetters;
        this.name = request.checkpointName();
    }

    public String checkpointName() {
        return name;
    }

    /** Stops taking new objects; those in flight finish. The checkpoint stays where the settled objects put it. */
    public void stop() {
        failure.compareAndSet(null, "stopped before the window was complete");
        stopping.countDown();
    }

    /** Runs the backfill to its end (complete, stopped or failed). */
    public Result run() {
        long started = System.nanoTime();
        try {
            saved = BackfillCheckpoint.read(store, name, json).orElse(BackfillCheckpoint.empty());
        } catch (StateStoreException e) {
            return new Result(1, "backfill not started: " + LogSafe.oneLine(e.getMessage()));
        }
        rejected.addAll(saved.rejected());
        rejectedCount = saved.rejectedCount();
        deadLettered.set(saved.deadLettered());
        if (saved.complete()) {
            return finish(started, true, "already complete (checkpoint " + name + ")");
        }
        order = new SettledOrder(saved.watermark());
        LOG.info("backfill {} checkpoint={} {}", request, name, saved.watermark() == null ? "starts"
                : "resumes after " + saved.watermark() + " (" + saved.objects() + " objects settled before)");
        listing = new TrailListing(s3, request);
        ExecutorService workers = Executors.newFixedThreadPool(request.concurrency(), r -> {
            Thread t = new Thread(r, "backfill-object");
            t.setDaemon(true);
            return t;
        });
        Semaphore slots = new Semaphore(request.concurrency());
        template = context.createProducerTemplate();
        try {
            List<String> folders = listing.dayFolders();
            foldersTotal = folders.size();
            String watermark = saved.watermark();
            for (String folder : folders) {
                if (failure.get() != null) {
                    break;
                }
                if (watermark != null && folder.compareTo(watermark) < 0 && !watermark.startsWith(folder)) {
                    foldersDone.incrementAndGet(); // settled in an earlier run: not listed again
                    foldersSkipped.incrementAndGet();
                    continue;
                }
                String startAfter = watermark != null && watermark.startsWith(folder) ? watermark : null;
                listing.list(folder, startAfter, listed -> take(listed, workers, slots), () -> failure.get() != null);
                listedInDoneFolders.set(objectsListed.get());
                foldersDone.incrementAndGet();
            }
            listingDone = failure.get() == null;
        } catch (RuntimeException e) {
            failure.compareAndSet(null, "listing s3://" + request.bucket() + "/" + request.prefix() + " failed: "
                    + LogSafe.rootCause(e));
        } finally {
            workers.shutdown();
            awaitQuietly(workers);
            try {
                template.close();
            } catch (Exception ignored) {
                // stopping anyway
            }
        }
        boolean complete = failure.get() == null && order.allSettled();
        try {
            checkpoint(complete, true);
        } catch (StateStoreException e) {
            failure.compareAndSet(null, LogSafe.oneLine(e.getMessage()));
            complete = false;
        }
        return finish(started, complete, complete ? "complete" : failure.get());
    }

    private void take(TrailListing.Listed listed, ExecutorService workers, Semaphore slots) {
        order.listed(listed.key());
        switch (listed.kind()) {
            case OUTSIDE -> settle(listed.key(), false);
            case NOT_CLOUDTRAIL -> {
                objectsListed.incrementAndGet();
                rejectObject(listed.key(), "not-cloudtrail", "s3://" + request.bucket() + "/" + listed.key()
                        + " is in a CloudTrail day folder of the window but its name is not a CloudTrail log file's "
                        + "(<account>_CloudTrail_<region>_<time>_<id>.json.gz); not fetched");
            }
            case LOG_FILE -> {
                objectsListed.incrementAndGet();
                try {
                    slots.acquire();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure.compareAndSet(null, "interrupted");
                    return;
                }
                if (failure.get() != null) { // an object failed (or SIGTERM) while this one waited for a slot
                    slots.release();
                    return;
                }
                workers.execute(() -> {
                    try {
                        process(listed.key());
                    } catch (RuntimeException e) {
                        fail(listed.key(), LogSafe.rootCause(e));
                    } finally {
                        slots.release();
                    }
                });
            }
        }
    }

    /** One object, tried up to {@code attempts} times while its verdict says retry. */
    private void process(String key) {
        for (int attempt = 1; ; attempt++) {
            // a file written after the previous range's run stopped listing keeps its records from before `from`
            EventWindow window = new EventWindow(request.from(), request.to())
                    .forFileWritten(TrailKeys.keyTime(key), request.lateness());
            DeliveryLedger ledger = once(key, window);
            Verdict verdict = ledger.verdict();
            switch (verdict.decision()) {
                case DONE -> {
                    eventsDone.addAndGet(ledger.events());
                    outside.addAndGet(window.skipped().sum());
                    LOG.debug("object={} events={} millis={} done {}", key, ledger.events(), ledger.millis(), ledger.summary());
                    settle(key, true);
                    return;
                }
                case REJECT -> {
                    rejectObject(key, verdict.reason(), verdict.detail());
                    return;
                }
                case RETRY -> {
                    if (attempt >= request.attempts()) {
                        fail(key, verdict.reason());
                        return;
                    }
                    long backoff = Math.min(30_000L, 1000L << (attempt - 1));
                    LOG.warn("object={} attempt {} of {} failed: {}; again in {} ms", key, attempt, request.attempts(),
                            LogSafe.oneLine(verdict.reason()), backoff);
                    if (awaitStop(backoff)) {
                        return; // stopping: left unsettled, the next run reads it again
                    }
                }
            }
        }
    }

    private DeliveryLedger once(String key, EventWindow window) {
        Exchange exchange = new DefaultExchange(context);
        DeliveryLedger ledger = DeliveryLedger.open(exchange, SOURCE, key, UnitKind.BACKFILL_OBJECT);
        S3ObjectRef ref = S3ObjectRef.plain(request.bucket(), key);
        ledger.original(ref.toString());
        if (!request.destinations().isEmpty()) {
            exchange.setVariable(Destinations.ONLY_VARIABLE, request.destinations());
        }
        exchange.setVariable(S3ObjectStage.WINDOW_VARIABLE, window);
        exchange.getIn().setBody(ref);
        template.send("direct:decode-s3-object", exchange);
        // a destination's group holding some of its events: waited for as the pollers do, never without a bound
        dev.trailrouter.intake.IntakeUnits.caught(ledger, exchange.getException());
        dev.trailrouter.intake.IntakeUnits.awaitSettled(ledger, dev.trailrouter.intake.IntakeUnits.SETTLE_TIMEOUT);
        return ledger;
    }

    private void rejectObject(String key, String reason, String detail) {
        if (deadLetters.isPresent()) {
            try {
                String body = json.createObjectNode().put("bucket", request.bucket()).put("key", key).toString();
                deadLetters.get().write(body, SOURCE, key, null, reason, detail);
                deadLettered.incrementAndGet();
                LOG.warn("object={} rejected reason={} detail=\"{}\" → dead-lettered to {}", key, reason,
                        LogSafe.oneLine(detail), deadLetters.get().url());
                settle(key, true);
            } catch (RuntimeException e) {
                fail(key, "rejected as " + reason + ", but the write to the DLQ " + deadLetters.get().url()
                        + " failed: " + LogSafe.rootCause(e));
            }
            return;
        }
        synchronized (this) {
            // a run resumed after a kill may read an object rejected after the watermark again: counted once
            if (rejected.stream().noneMatch(r -> r.key().equals(key))) {
                rejectedCount++;
                if (rejected.size() < BackfillCheckpoint.MAX_REJECTED_KEPT) {
                    rejected.add(new BackfillCheckpoint.Rejected(key, reason));
                }
            }
        }
        LOG.warn("object={} rejected reason={} detail=\"{}\" (no dead-letter queue: reported in the summary)", key,
                reason, LogSafe.oneLine(detail));
        settle(key, true);
    }

    /** The key needs nothing more; {@code unit}: it was one of the run's objects (not one passed over). */
    private void settle(String key, boolean unit) {
        if (unit) {
            objectsDone.incrementAndGet();
        }
        if (order.settle(key)) {
            try {
                checkpoint(false, false);
            } catch (StateStoreException e) {
                fail(key, LogSafe.oneLine(e.getMessage()));
            }
        }
    }

    private void fail(String key, String reason) {
        if (failure.compareAndSet(null, "object s3://" + request.bucket() + "/" + key + " failed after "
                + request.attempts() + " attempt(s): " + reason)) {
            LOG.error("backfill stops: {}", failure.get());
            stopping.countDown();
        }
    }

    /** Saves the watermark, at most once a second unless forced (the end of the run). */
    private synchronized void checkpoint(boolean complete, boolean force) {
        long now = System.currentTimeMillis();
        if (!force && now - lastCheckpointMillis < CHECKPOINT_EVERY_MILLIS) {
            return;
        }
        lastCheckpointMillis = now;
        new BackfillCheckpoint(order.watermark(), complete, saved.objects() + objectsDone.get(),
                saved.events() + eventsDone.get(), saved.outside() + outside.get(), deadLettered.get(),
                rejectedCount, List.copyOf(rejected)).write(store, name, request.toString(), json);
    }

    private Result finish(long startedNanos, boolean complete, String how) {
        double seconds = Math.max(1e-3, (System.nanoTime() - startedNanos) / 1e9);
        long objects = objectsDone.get();
        long events = eventsDone.get();
        StringBuilder line = new StringBuilder("backfill ").append(how).append(": ")
                .append(objects).append(" objects, ").append(events).append(" events in ")
                .append(String.format(java.util.Locale.ROOT, "%.1f s (%.1f objects/s, %.0f events/s)",
                        seconds, objects / seconds, events / seconds));
        if (saved != null && saved.objects() > 0) {
            line.append("; ").append(saved.objects()).append(" objects and ").append(saved.events())
                    .append(" events in earlier runs");
        }
        line.append("; ").append(saved == null ? 0 : saved.outside() + outside.get())
                .append(" records outside the window left out");
        if (listing != null) {
            line.append("; ").append(listing.calls()).append(" listing calls over ").append(foldersTotal).append(" day folders");
        }
        if (deadLettered.get() > 0) {
            line.append("; ").append(deadLettered.get()).append(" rejected objects dead-lettered");
        }
        long badLeft;
        synchronized (this) {
            badLeft = rejectedCount;
            if (badLeft > 0) {
                line.append("; ").append(badLeft).append(" rejected objects (no dead-letter queue): ");
                line.append(String.join(", ", rejected.stream().map(r -> r.key() + " (" + r.reason() + ")").toList()));
                if (badLeft > rejected.size()) {
                    line.append(", …");
                }
            }
        }
        if (!complete) {
            line.append("; checkpoint ").append(name).append(" kept: the same command resumes");
        }
        return new Result(complete && badLeft == 0 ? 0 : 1, line.toString());
    }

    /** Waits for the stop signal up to {@code millis}; true when stopping. */
    private boolean awaitStop(long millis) {
        try {
            return stopping.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private static void awaitQuietly(ExecutorService workers) {
        try {
            while (!workers.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.info("backfill waits for the objects in flight");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The progress so far, for {@link BackfillProgress}. */
    Snapshot snapshot() {
        return new Snapshot(objectsDone.get(), objectsListed.get(), listedInDoneFolders.get(), eventsDone.get(),
                foldersDone.get() - foldersSkipped.get(), foldersTotal - foldersSkipped.get(), listingDone);
    }

    /**
     * @param listedInDoneFolders objects of the folders this run listed to their end
     * @param foldersDone         folders this run listed to their end
     * @param foldersTotal        folders this run lists (not those an earlier run settled)
     */
    record Snapshot(long objectsDone, long objectsListed, long listedInDoneFolders, long eventsDone, int foldersDone,
                    int foldersTotal, boolean listingDone) {
    }
}
