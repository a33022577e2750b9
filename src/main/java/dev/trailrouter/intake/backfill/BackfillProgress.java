package dev.trailrouter.intake.backfill;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows how far a backfill is: on a terminal one line refreshed in place every second; otherwise (a pipe, a log
 * collector) one INFO line every {@code interval}. Objects are counted against those listed so far; until the last
 * day folder is listed, the total is estimated from the folders listed to their end (the figure ends with {@code ~}),
 * and so is the ETA. Events have no total before they are read: they are counted with their rate.
 */
public final class BackfillProgress implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dev.trailrouter.intake.backfill");

    private final Backfill backfill;
    private final PrintWriter terminal;
    private final long startedNanos = System.nanoTime();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "backfill-progress");
        t.setDaemon(true);
        return t;
    });

    /** {@code terminal}: where to draw the line (the console), or null to log instead. */
    public BackfillProgress(Backfill backfill, PrintWriter terminal, Duration interval) {
        this.backfill = backfill;
        this.terminal = terminal;
        long millis = terminal != null ? 1000 : Math.max(1000, interval.toMillis());
        timer.scheduleAtFixedRate(this::show, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void show() {
        String line = line(backfill.snapshot(), (System.nanoTime() - startedNanos) / 1e9);
        if (terminal != null) {
            terminal.print("\r" + line + "\u001b[K"); // erase what a longer previous line left
            terminal.flush();
        } else {
            LOG.info("{}", line);
        }
    }

    static String line(Backfill.Snapshot s, double seconds) {
        double objectRate = s.objectsDone() / Math.max(seconds, 1e-3);
        double eventRate = s.eventsDone() / Math.max(seconds, 1e-3);
        long total = s.objectsListed();
        boolean estimated = !s.listingDone() && s.foldersDone() > 0 && s.foldersDone() < s.foldersTotal();
        if (estimated) { // the folders listed so far, as a sample of the rest
            total = Math.max(total, Math.round((double) s.listedInDoneFolders() * s.foldersTotal() / s.foldersDone()));
        }
        String eta = objectRate > 0 && (s.listingDone() || estimated)
                ? duration(Math.max(0, total - s.objectsDone()) / objectRate) : "?";
        return String.format(Locale.ROOT, "backfill: objects %d/%d%s, events %d, day folders %d/%d, %.1f objects/s, "
                        + "%.0f events/s, eta %s", s.objectsDone(), total, estimated ? "~" : "", s.eventsDone(),
                s.foldersDone(), s.foldersTotal(), objectRate, eventRate, eta);
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        if (terminal != null) {
            show();
            terminal.println();
            terminal.flush();
        }
    }
}
