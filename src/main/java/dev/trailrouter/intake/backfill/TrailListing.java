package dev.trailrouter.intake.backfill;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Finds the window's log files without listing the bucket: one delimiter listing per level down to the accounts
 * ({@code AWSLogs/}, an organization id, then the accounts), one per account for its regions under
 * {@code CloudTrail/} (digests and Insights folders are never entered), then one listing (paginated) per
 * {@code YYYY/MM/DD/} folder of the window. Keys come back in key order, which within a folder is time order.
 */
final class TrailListing {

    /** One object of a day folder, and what the run does with it. */
    record Listed(String key, Kind kind) {
    }

    enum Kind {
        /** A log file keyed inside the window: a unit of work. */
        LOG_FILE,
        /** A log file keyed outside the window (or a digest): passed over. */
        OUTSIDE,
        /** A file that is not a CloudTrail log file, in a day folder of the window: rejected, never fetched. */
        NOT_CLOUDTRAIL
    }

    private final S3Client s3;
    private final BackfillRequest request;
    private final AtomicLong calls = new AtomicLong();

    TrailListing(S3Client s3, BackfillRequest request) {
        this.s3 = s3;
        this.request = request;
    }

    /** ListObjectsV2 calls made so far (each page is one). */
    long calls() {
        return calls.get();
    }

    /** Every day folder of the window, in key order. */
    List<String> dayFolders() {
        List<String> regions = new ArrayList<>();
        discover(request.prefix(), 0, regions);
        List<String> days = TrailKeys.days(request.from(), request.lastKeyTimeExclusive());
        List<String> folders = new ArrayList<>();
        for (String region : regions) {
            for (String day : days) {
                folders.add(region + day);
            }
        }
        folders.sort(null);
        return folders;
    }

    /** Walks down to {@code <account>/CloudTrail/<region>/} folders: AWSLogs, organization ids and accounts only. */
    private void discover(String prefix, int depth, List<String> regionFolders) {
        if (depth > 3) {
            return;
        }
        String here = segment(prefix);
        if (TrailKeys.ACCOUNT.matcher(here).matches()) { // --prefix named an account's folder
            regions(prefix + "CloudTrail/", regionFolders);
            return;
        }
        for (String child : children(prefix)) {
            String name = segment(child);
            if (name.equals("AWSLogs") || TrailKeys.ORGANIZATION.matcher(name).matches()) {
                discover(child, depth + 1, regionFolders);
            } else if (TrailKeys.ACCOUNT.matcher(name).matches()
                    && (request.accounts().isEmpty() || request.accounts().contains(name))) {
                regions(child + "CloudTrail/", regionFolders);
            }
        }
    }

    private void regions(String cloudTrailFolder, List<String> regionFolders) {
        for (String region : children(cloudTrailFolder)) {
            if (request.regions().isEmpty() || request.regions().contains(segment(region))) {
                regionFolders.add(region);
            }
        }
    }

    private List<String> children(String prefix) {
        List<String> children = new ArrayList<>();
        String token = null;
        do {
            ListObjectsV2Response page = list(ListObjectsV2Request.builder().bucket(request.bucket())
                    .prefix(prefix).delimiter("/").continuationToken(token).build());
            for (CommonPrefix child : page.commonPrefixes()) {
                children.add(child.prefix());
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        return children;
    }

    /**
     * The objects of one day folder after {@code startAfter} (a resumed run's watermark, or null), in key order,
     * until {@code stop} says so.
     */
    void list(String dayFolder, String startAfter, Consumer<Listed> into, BooleanSupplier stop) {
        Instant day = TrailKeys.dayOf(dayFolder);
        // a file without a CloudTrail name has no time of its own: it belongs to the window when its day does
        boolean dayInWindow = !day.plus(1, ChronoUnit.DAYS).isBefore(request.from().plusNanos(1))
                && day.isBefore(request.to());
        String token = null;
        do {
            if (stop.getAsBoolean()) {
                return;
            }
            ListObjectsV2Response page = list(ListObjectsV2Request.builder().bucket(request.bucket())
                    .prefix(dayFolder).startAfter(startAfter).continuationToken(token).build());
            for (S3Object object : page.contents()) {
                into.accept(new Listed(object.key(), kind(object.key(), dayInWindow)));
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
    }

    private Kind kind(String key, boolean dayInWindow) {
        if (TrailKeys.isDigest(key)) {
            return Kind.OUTSIDE;
        }
        var time = TrailKeys.keyTime(key);
        if (time.isEmpty()) {
            return key.endsWith("/") || !dayInWindow ? Kind.OUTSIDE : Kind.NOT_CLOUDTRAIL;
        }
        Instant t = time.get();
        return !t.isBefore(request.from()) && t.isBefore(request.lastKeyTimeExclusive()) ? Kind.LOG_FILE : Kind.OUTSIDE;
    }

    private ListObjectsV2Response list(ListObjectsV2Request request) {
        calls.incrementAndGet();
        return s3.listObjectsV2(request);
    }

    private static String segment(String prefix) {
        String trimmed = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }
}
