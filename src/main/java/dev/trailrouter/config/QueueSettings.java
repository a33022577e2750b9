package dev.trailrouter.config;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * One configured intake queue, read from {@code trailrouter.queue.<name>.*} with defaults from
 * {@code trailrouter.intake.*}. See docs/configuration.md.
 *
 * @param name                 short name used in route ids ({@code intake-<name>}), metrics and logs
 * @param url                  the queue URL (cross-account queues are addressed by URL)
 * @param region               AWS region of the queue and of its SQS/S3 clients
 * @param endpoint             optional endpoint override (emulators); empty for real AWS
 * @param concurrentConsumers  parallel pollers for this queue
 * @param visibilityTimeout    seconds a received message stays hidden; extended every half of it while processing
 * @param waitTimeSeconds      long-polling wait (20 = the SQS maximum)
 * @param maxMessagesPerPoll   messages per receive (10 = the SQS maximum for one call)
 * @param maxInflight          messages of this queue processed at once (across its receives); a receive waits while
 *                             this many are in flight, so it also bounds the memory the queue's messages hold
 * @param deadLetterQueueUrl   where permanently bad input goes; empty = the queue's own redrive DLQ
 * @param roleArn              a role to assume for this queue and the objects it references (cross-account)
 * @param externalId           the external ID the role's trust policy requires
 * @param allowedBuckets       buckets (optionally {@code bucket/key-prefix}) notifications may point to; empty = any
 * @param profile              an AWS profile (of {@code ~/.aws/config} and {@code credentials}) whose credentials read
 *                             this queue and its objects, and the base credentials of its role; empty = the default chain
 * @param roleSessionName      the session name of the assumed role (CloudTrail shows it), default {@code trailrouter-<name>}
 */
public record QueueSettings(
        String name,
        String url,
        String region,
        Optional<URI> endpoint,
        int concurrentConsumers,
        int visibilityTimeout,
        int waitTimeSeconds,
        int maxMessagesPerPoll,
        int maxInflight,
        Optional<String> deadLetterQueueUrl,
        Optional<String> roleArn,
        Optional<String> externalId,
        List<String> allowedBuckets,
        Optional<String> profile,
        String roleSessionName) {

    public QueueSettings {
        if (!name.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("queue name '" + name + "' may only contain letters, digits, '-' and '_'");
        }
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("trailrouter.queue." + name + ".url is required");
        }
        if (!roleSessionName.matches("[\\w+=,.@-]{2,64}")) {
            throw new IllegalArgumentException("trailrouter.queue." + name + ".role-session-name must be 2 to 64 of "
                    + "letters, digits and +=,.@_- (STS's rule), got '" + roleSessionName + "'");
        }
        if (maxInflight < 1 || maxInflight > MAX_INFLIGHT) {
            throw new IllegalArgumentException("trailrouter.queue." + name + ".max-inflight must be 1 to " + MAX_INFLIGHT
                    + ", got " + maxInflight);
        }
        if (visibilityTimeout < 2) {
            throw new IllegalArgumentException("trailrouter.queue." + name + ".visibility-timeout must be at least 2 seconds");
        }
    }

    /** The most messages one queue may have in flight: each holds a worker thread while it is processed. */
    public static final int MAX_INFLIGHT = 512;

    /** The queue's name as SQS knows it: the last path segment of its URL. */
    public String sqsQueueName() {
        return url.substring(url.lastIndexOf('/') + 1);
    }

    /** Whether a notification may point to this object (no allow-list = any). */
    public boolean allows(String bucket, String key) {
        if (allowedBuckets.isEmpty()) {
            return true;
        }
        for (String allowed : allowedBuckets) {
            int slash = allowed.indexOf('/');
            String allowedBucket = slash < 0 ? allowed : allowed.substring(0, slash);
            String prefix = slash < 0 ? "" : allowed.substring(slash + 1);
            if (allowedBucket.equals(bucket) && key.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    public boolean fifo() {
        return sqsQueueName().endsWith(".fifo");
    }
}
