package dev.trailrouter.intake.backfill;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one backfill run is asked to do: the trail's bucket and key prefix, the time window [from, to), the accounts,
 * regions and destinations it is limited to (empty = all), and how it runs.
 *
 * @param lateness    how long after {@code to} a log file may still hold records of the window: CloudTrail writes a
 *                    file minutes after its records (about 5 on average, not guaranteed), so files keyed up to
 *                    {@code to + lateness} are read and their records filtered by {@code eventTime}
 * @param concurrency objects in flight at once
 * @param attempts    tries per object whose verdict is "retry" (a destination failed) before the run stops
 */
public record BackfillRequest(String bucket, String prefix, Instant from, Instant to, Duration lateness,
                              Set<String> accounts, Set<String> regions, Set<String> destinations,
                              int concurrency, int attempts) {

    public BackfillRequest {
        prefix = prefix == null || prefix.isEmpty() || prefix.endsWith("/") ? (prefix == null ? "" : prefix) : prefix + "/";
        accounts = Set.copyOf(accounts);
        regions = Set.copyOf(regions);
        destinations = Set.copyOf(destinations);
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("--from " + from + " must be before --to " + to);
        }
        if (concurrency < 1 || attempts < 1) {
            throw new IllegalArgumentException("--concurrency and --attempts must be at least 1");
        }
    }

    /** Key times of the files that may hold records of the window: [from, to + lateness). */
    public Instant lastKeyTimeExclusive() {
        return to.plus(lateness);
    }

    /**
     * The checkpoint's name: the bucket, and a hash of everything that decides which objects and destinations the run
     * covers, so a rerun with the same arguments resumes and a different window or destination list starts afresh.
     * Concurrency and attempts are left out: changing them on a rerun still resumes.
     */
    public String checkpointName() {
        String identity = String.join("\n", bucket, prefix, from.toString(), to.toString(), lateness.toString(),
                String.join(",", new TreeSet<>(accounts)), String.join(",", new TreeSet<>(regions)),
                String.join(",", new TreeSet<>(destinations)));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            String safeBucket = bucket.replaceAll("[^A-Za-z0-9._-]", "_");
            return "backfill-" + safeBucket.substring(0, Math.min(60, safeBucket.length())) + "-"
                    + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + prefix + " [" + from + ", " + to + ")"
                + (accounts.isEmpty() ? "" : " accounts " + List.copyOf(new TreeSet<>(accounts)))
                + (regions.isEmpty() ? "" : " regions " + List.copyOf(new TreeSet<>(regions)))
                + (destinations.isEmpty() ? "" : " destinations " + List.copyOf(new TreeSet<>(destinations)));
    }
}
