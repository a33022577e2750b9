package dev.trailrouter.intake.backfill;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What CloudTrail's key layout says: {@code <prefix>AWSLogs/[<org-id>/]<account>/CloudTrail/<region>/YYYY/MM/DD/
 * <account>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_<unique>.json.gz}. The time in the file name is when the file was
 * written (UTC, to the minute); its records happened up to a few minutes before.
 */
final class TrailKeys {

    static final Pattern LOG_FILE = Pattern.compile(
            "(\\d{12})_CloudTrail_([a-z0-9-]+)_(\\d{8}T\\d{4}Z)_[A-Za-z0-9]+\\.json(\\.gz)?");
    static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    static final Pattern ORGANIZATION = Pattern.compile("o-[a-z0-9]{10,32}");
    private static final DateTimeFormatter KEY_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd/").withZone(ZoneOffset.UTC);

    private TrailKeys() {
    }

    static String fileName(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    /** The time in a CloudTrail log file's name, or empty when the name is not a CloudTrail log file's. */
    static Optional<Instant> keyTime(String key) {
        Matcher m = LOG_FILE.matcher(fileName(key));
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(java.time.ZonedDateTime.parse(m.group(3), KEY_TIME).toInstant());
    }

    static boolean isDigest(String key) {
        return key.contains("/CloudTrail-Digest/") || fileName(key).contains("_CloudTrail-Digest_");
    }

    /** The {@code YYYY/MM/DD/} folders whose files may hold the window's records, oldest first. */
    static List<String> days(Instant from, Instant lastKeyTimeExclusive) {
        List<String> days = new ArrayList<>();
        LocalDate last = LocalDate.ofInstant(lastKeyTimeExclusive.minusNanos(1), ZoneOffset.UTC);
        for (LocalDate day = LocalDate.ofInstant(from, ZoneOffset.UTC); !day.isAfter(last); day = day.plusDays(1)) {
            days.add(DAY.format(day.atStartOfDay(ZoneOffset.UTC)));
        }
        return days;
    }

    /** The day of a {@code .../YYYY/MM/DD/} folder, as its midnight. */
    static Instant dayOf(String dayPrefix) {
        String tail = dayPrefix.substring(dayPrefix.length() - "YYYY/MM/DD/".length());
        return LocalDate.parse(tail, DateTimeFormatter.ofPattern("yyyy/MM/dd/")).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
