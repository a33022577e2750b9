package dev.trailrouter.decode;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import dev.trailrouter.config.TrailRouterSettings;
import dev.trailrouter.event.Event;

/**
 * What one intake throws away before delivery: CloudTrail events by name, by source, or because they only read state,
 * and S3 objects by key before they are fetched. Dropping is a decision about the input, not a failure: a dropped event
 * or skipped object is counted ({@code trailrouter_events_dropped_total{intake,rule}},
 * {@code trailrouter_objects_skipped_total{queue,reason}}) and never dead-lettered, and the unit it came from is done
 * as if the event had been delivered.
 *
 * <p>Why here and not in a destination's filter: a filter runs per destination after the event was fetched, parsed
 * and fanned out; these rules run once per intake, and the key rules before any {@code GetObject}, so that what nobody
 * wants (the readOnly flood of {@code Describe*}/{@code Get*}/{@code List*} calls that is most of a busy account's
 * trail, a data-event prefix nobody reads) costs neither an S3 read nor a destination call.
 *
 * <p>The event rules look only at {@code cloudtrail} events (from S3 log files, EventBridge, CloudWatch Logs, the
 * LookupEvents API), because {@code eventName}, {@code eventSource} and {@code readOnly} are CloudTrail's fields: a
 * Security Hub finding or a flow-log line is never dropped by them. The key patterns are Java regular expressions
 * matched anywhere in the key ({@link java.util.regex.Matcher#find()}, as Filebeat's {@code file_selectors} regex is):
 * anchor them with {@code ^…$} to match the whole key. One include and one exclude pattern rather than Wazuh's fixed
 * {@code path}/{@code regions}/{@code aws_account_id} options: CloudTrail's key layout ({@code AWSLogs/[o-…/]account/
 * CloudTrail[-Insight|-Digest]/region/yyyy/MM/dd/…}) makes each of those a short pattern, and other layouts work too.
 *
 * @param eventNames   CloudTrail {@code eventName}s to drop, exact and case-sensitive as CloudTrail writes them
 * @param eventSources CloudTrail {@code eventSource}s to drop, e.g. {@code s3.amazonaws.com}
 * @param readOnly     drop every event CloudTrail marks {@code readOnly: true}
 * @param keyInclude   when present, only objects whose key matches are fetched
 * @param keyExclude   when present, objects whose key matches are not fetched (checked after the include pattern)
 */
public record DropRules(Set<String> eventNames, Set<String> eventSources, boolean readOnly,
        Optional<Pattern> keyInclude, Optional<Pattern> keyExclude) {

    /** Values of the {@code rule} tag of {@code trailrouter_events_dropped_total}: the key suffix that dropped it. */
    public static final String EVENT_NAME = "drop-event-names";
    public static final String EVENT_SOURCE = "drop-event-sources";
    public static final String READ_ONLY = "drop-read-only";
    /** Values of the {@code reason} tag of {@code trailrouter_objects_skipped_total}. */
    public static final String KEY_NOT_INCLUDED = "s3-key-include";
    public static final String KEY_EXCLUDED = "s3-key-exclude";

    public static final DropRules NONE = new DropRules(Set.of(), Set.of(), false, Optional.empty(), Optional.empty());

    // what an eventSource looks like: service.amazonaws.com, and the few others (sso.amazonaws.com, …) the same way
    private static final Pattern EVENT_SOURCE_FORM = Pattern.compile("[a-z0-9-]+(\\.[a-z0-9-]+)+");

    public DropRules {
        eventNames = Set.copyOf(eventNames);
        eventSources = Set.copyOf(eventSources);
    }

    /**
     * Reads the rules under {@code prefix} (e.g. {@code trailrouter.queue.orgtrail.}); each key that is not set there
     * takes its value from {@code defaults} (the rules of {@code trailrouter.intake.}). A key set to an empty value
     * clears the default for this intake. A value that cannot be right is refused with one line naming the key.
     */
    public static DropRules read(TrailRouterSettings settings, String prefix, DropRules defaults) {
        Optional<String> names = settings.raw(prefix + EVENT_NAME);
        Optional<String> sources = settings.raw(prefix + EVENT_SOURCE);
        Optional<String> readOnly = settings.raw(prefix + READ_ONLY);
        Optional<String> include = settings.raw(prefix + KEY_NOT_INCLUDED);
        Optional<String> exclude = settings.raw(prefix + KEY_EXCLUDED);
        return new DropRules(
                names.map(v -> eventNames(prefix + EVENT_NAME, v)).orElse(defaults.eventNames()),
                sources.map(v -> eventSources(prefix + EVENT_SOURCE, v)).orElse(defaults.eventSources()),
                readOnly.map(v -> bool(prefix + READ_ONLY, v)).orElse(defaults.readOnly()),
                include.isPresent() ? pattern(prefix + KEY_NOT_INCLUDED, include.get()) : defaults.keyInclude(),
                exclude.isPresent() ? pattern(prefix + KEY_EXCLUDED, exclude.get()) : defaults.keyExclude());
    }

    /** The rule that drops this event ({@link #EVENT_NAME}, {@link #EVENT_SOURCE}, {@link #READ_ONLY}), or null to keep it. */
    public String drops(Event event) {
        if (!"cloudtrail".equals(event.kind())) {
            return null;
        }
        if (event.name() != null && eventNames.contains(event.name())) {
            return EVENT_NAME;
        }
        if (event.service() != null && eventSources.contains(event.service())) {
            return EVENT_SOURCE;
        }
        if (readOnly && Boolean.TRUE.equals(event.readOnly())) {
            return READ_ONLY;
        }
        return null;
    }

    /** Why an object with this key is not fetched ({@link #KEY_NOT_INCLUDED}, {@link #KEY_EXCLUDED}), or null to fetch it. */
    public String skipsObject(String key) {
        if (keyInclude.isPresent() && !keyInclude.get().matcher(key).find()) {
            return KEY_NOT_INCLUDED;
        }
        if (keyExclude.isPresent() && keyExclude.get().matcher(key).find()) {
            return KEY_EXCLUDED;
        }
        return null;
    }

    /** Whether any event rule is set (the key rules aside): lets the hot path skip the per-event check. */
    public boolean dropsEvents() {
        return readOnly || !eventNames.isEmpty() || !eventSources.isEmpty();
    }

    public boolean dropsNothing() {
        return !dropsEvents() && keyInclude.isEmpty() && keyExclude.isEmpty();
    }

    private static Set<String> eventNames(String key, String value) {
        Set<String> names = list(value);
        for (String name : names) {
            if (!name.matches("[A-Za-z0-9_.:-]+")) {
                throw new IllegalArgumentException(key + ": '" + name + "' is not a CloudTrail eventName (letters and "
                        + "digits, e.g. GetObject); separate several with commas");
            }
        }
        return names;
    }

    private static Set<String> eventSources(String key, String value) {
        Set<String> sources = list(value);
        for (String source : sources) {
            if (!EVENT_SOURCE_FORM.matcher(source).matches()) {
                throw new IllegalArgumentException(key + ": '" + source + "' is not a CloudTrail eventSource (a host "
                        + "name such as s3.amazonaws.com); separate several with commas");
            }
        }
        return sources;
    }

    private static Set<String> list(String value) {
        Set<String> items = new LinkedHashSet<>();
        Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(items::add);
        return items;
    }

    private static boolean bool(String key, String value) {
        if (value.isEmpty() || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        throw new IllegalArgumentException(key + " must be true or false, got '" + value + "'");
    }

    private static Optional<Pattern> pattern(String key, String value) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Pattern.compile(value));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(key + " is not a valid regular expression: " + e.getDescription()
                    + " near index " + e.getIndex() + " of '" + value + "'");
        }
    }
}
