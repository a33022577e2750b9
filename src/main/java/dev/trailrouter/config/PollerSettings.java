package dev.trailrouter.config;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One configured API poller: a CloudTrail {@code LookupEvents} poller for one region
 * ({@code trailrouter.cloudtrail-lookup.*}) or a CloudWatch Logs {@code FilterLogEvents} poller for one log group
 * ({@code trailrouter.log-group-poller.<name>.*}). See docs/configuration.md.
 *
 * @param name              the poller's name: route id {@code poll-<name>}, metrics tag, log field, and the start of
 *                          its checkpoint's name ({@link #checkpointName()})
 * @param api               which API it calls
 * @param region            the region it calls (a LookupEvents poller sees only that region's events)
 * @param endpoint          optional endpoint override (emulators, a local stand-in); empty for real AWS
 * @param startTime         where a poller without a checkpoint starts; empty = now
 * @param period            time between polls
 * @param trailingWindow    how long after an event's own time the API may still first show it: every stretch of time
 *                          is read once as soon as possible and once more when it is this old (dedup drops repeats)
 * @param requestsPerSecond the most API calls per second this poller's account and region may see from trailrouter
 * @param roleArn           a role to assume for the calls (another account)
 * @param externalId        the external ID the role's trust policy requires
 * @param profile           an AWS profile for the calls and for assuming the role; empty = the default chain
 * @param roleSessionName   the assumed role's session name
 * @param eventSource       LookupEvents only: an {@code EventSource} lookup attribute (e.g. iam.amazonaws.com)
 * @param logGroup          FilterLogEvents only: the log group's name or ARN ({@code logGroupIdentifier})
 * @param filterPattern     FilterLogEvents only: a CloudWatch Logs filter pattern
 */
public record PollerSettings(
        String name,
        Api api,
        String region,
        Optional<URI> endpoint,
        Optional<Instant> startTime,
        Duration period,
        Duration trailingWindow,
        double requestsPerSecond,
        Optional<String> roleArn,
        Optional<String> externalId,
        Optional<String> profile,
        String roleSessionName,
        Optional<String> eventSource,
        Optional<String> logGroup,
        Optional<String> filterPattern) {

    /** The API a poller calls. */
    public enum Api {
        CLOUDTRAIL_LOOKUP("cloudtrail-lookup", 2.0),
        LOG_GROUP("log-group", 5.0);

        private final String shape;
        private final double maxRequestsPerSecond;

        Api(String shape, double maxRequestsPerSecond) {
            this.shape = shape;
            this.maxRequestsPerSecond = maxRequestsPerSecond;
        }

        /** What the ledger's outcome line calls its pages. */
        public String shape() {
            return shape;
        }

        /**
         * AWS's quota per account and region: LookupEvents 2 requests/s (CloudTrail's documented limit), FilterLogEvents
         * 5 (CloudWatch Logs' default quota, raisable by a quota request, hence only the default).
         */
        public double maxRequestsPerSecond() {
            return maxRequestsPerSecond;
        }
    }

    public PollerSettings {
        if (!name.matches("[A-Za-z0-9_.-]{1,100}")) {
            throw new IllegalArgumentException("poller name '" + name + "' may only contain letters, digits, '.', '-' and '_'");
        }
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("poller " + name + ": period must be positive, got " + period);
        }
        if (trailingWindow.isNegative()) {
            throw new IllegalArgumentException("poller " + name + ": trailing-window must not be negative, got " + trailingWindow);
        }
        if (!(requestsPerSecond > 0) || (api == Api.CLOUDTRAIL_LOOKUP && requestsPerSecond > api.maxRequestsPerSecond())) {
            throw new IllegalArgumentException("poller " + name + ": requests-per-second must be above 0"
                    + (api == Api.CLOUDTRAIL_LOOKUP ? " and at most 2 (LookupEvents' limit per account and region)" : "")
                    + ", got " + requestsPerSecond);
        }
        if (api == Api.LOG_GROUP && logGroup.isEmpty()) {
            throw new IllegalArgumentException("trailrouter.log-group-poller." + name + ".log-group is required");
        }
        if (!roleSessionName.matches("[\\w+=,.@-]{2,64}")) {
            throw new IllegalArgumentException("poller " + name + ": role-session-name must be 2 to 64 of letters, digits "
                    + "and +=,.@_- (STS's rule), got '" + roleSessionName + "'");
        }
    }

    /**
     * The name of this poller's checkpoint: its {@link #name}, and for a LookupEvents poller that assumes a role, the
     * role's account ({@code cloudtrail-lookup-us-east-1-111122223333}). LookupEvents reads one account's region, so
     * pointing {@code role-arn} at another account must not resume from the first account's checkpoint: it starts
     * from {@code start-time} under its own name. Without a role the poller reads the deployment's own account, and
     * the name stays {@code cloudtrail-lookup-<region>}. (The deployment itself is told apart by
     * {@code trailrouter.state.namespace}, which scopes every checkpoint.) A log group poller's name is the operator's
     * own, one per log group; its checkpoint is that name.
     */
    public String checkpointName() {
        if (api != Api.CLOUDTRAIL_LOOKUP || roleArn.isEmpty()) {
            return name;
        }
        java.util.regex.Matcher arn = ROLE_ACCOUNT.matcher(roleArn.get());
        return name + "-" + (arn.matches() ? arn.group(1) : "role-" + Integer.toHexString(roleArn.get().hashCode()));
    }

    private static final java.util.regex.Pattern ROLE_ACCOUNT = java.util.regex.Pattern.compile("arn:[a-z-]+:iam::(\\d{12}):role/.+");

    /**
     * Who the API's rate limit counts: the account (its role, else its profile, else the default credentials) and the
     * region. Pollers with the same key share one pace.
     */
    public String paceKey() {
        return api + "|" + region + "|" + endpoint.map(URI::toString).orElse("") + "|"
                + roleArn.orElse(profile.map(p -> "profile:" + p).orElse("default"));
    }
}
