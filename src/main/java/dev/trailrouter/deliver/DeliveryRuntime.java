package dev.trailrouter.deliver;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.apache.camel.builder.ExchangeBuilder;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spi.ThreadPoolProfile;

import dev.trailrouter.config.AwsClients;
import dev.trailrouter.config.TrailRouterSettings;
import dev.trailrouter.ledger.DeliveryLedger;
import dev.trailrouter.ledger.UnitKind;
import dev.trailrouter.ledger.Verdict;
import dev.trailrouter.observe.PipelineMetrics;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * What the destination routes share within one Camel context, in one bean: each webhook URL's pacing, the
 * known-down state, the burst groups and their producer, the AWS clients destinations write with, and the common
 * services.
 * One registry lookup per batch finds it all; it lives and dies with its context (nothing static).
 */
public final class DeliveryRuntime implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("dev.trailrouter.deliver");

    final CamelContext context;
    final ObjectMapper json;
    final PipelineMetrics metrics;
    final DeadLetterTargets deadLetters;
    private final AwsClients clients;
    private final TrailRouterSettings settings;
    private final Map<String, long[]> lastSent = new ConcurrentHashMap<>();
    private final Map<String, BurstGroups> bursts = new ConcurrentHashMap<>();
    private final Map<String, Boolean> down = new ConcurrentHashMap<>();
    private volatile ProducerTemplate producer;
    private volatile java.util.Optional<Dedup> dedup;

    public DeliveryRuntime(CamelContext context, ObjectMapper json, PipelineMetrics metrics, DeadLetterTargets deadLetters,
                           AwsClients clients, TrailRouterSettings settings) {
        this.context = context;
        this.json = json;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
        this.clients = clients;
        this.settings = settings;
    }

    /** The name it is bound under: a lookup by name is a map get, where findSingleByType walks every bean. */
    public static final String BEAN = "deliveryRuntime";

    static DeliveryRuntime of(Exchange exchange) {
        return of(exchange.getContext());
    }

    static DeliveryRuntime of(CamelContext context) {
        return context.getRegistry().lookupByNameAndType(BEAN, DeliveryRuntime.class);
    }

    /**
     * Whether the destination is known to be down: its last batch ran out of retries on a retryable failure, and no
     * batch was accepted since. Such a destination gets at most one attempt per message (per group for Slack), without
     * retries, until a batch succeeds ({@link DestinationTemplate}): it does not hold every message up for a whole
     * retry budget while it is down.
     */
    boolean knownDown(String destination) {
        return down.getOrDefault(destination, false);
    }

    /** After a batch ran out of retries on a retryable failure other than a rate limit. */
    void markDown(String destination) {
        seen(destination);
        if (down.replace(destination, false, true)) {
            LOG.warn("destination={} is down: until a batch is accepted again, each message gets one attempt, "
                    + "without retries", destination);
        }
    }

    /** After a batch was accepted. */
    void markUp(String destination) {
        seen(destination);
        if (down.replace(destination, true, false)) {
            LOG.info("destination={} accepts again: retries are back on", destination);
        }
    }

    /** The first time a destination delivers or fails a batch: its down gauge starts, at 0. */
    void seen(String destination) {
        if (!down.containsKey(destination) && down.putIfAbsent(destination, false) == null) {
            metrics.destinationDown(destination, this, runtime -> runtime.knownDown(destination) ? 1 : 0);
        }
    }

    /**
     * The time of the last request to a webhook URL, to pace the next one (guarded by the array itself). Keyed by URL,
     * not by destination: Slack rate-limits each incoming webhook, however many destinations post to it.
     */
    long[] lastSent(String url) {
        return lastSent.computeIfAbsent(url, k -> new long[] {0});
    }

    /**
     * The destination's burst groups, created on first use. A group is posted by sending it, as a new exchange with
     * a ledger of its own, to the destination's own route (its input: not a route an integrator put in front of it,
     * whose steps already ran), so it gets the destination's retries and dead-letter target; it fails only when it was
     * neither accepted nor dead-lettered.
     */
    BurstGroups burstGroups(String destination, int maxEvents, long windowMillis) {
        return bursts.computeIfAbsent(destination, name -> {
            ScheduledExecutorService thread = context.getExecutorServiceManager()
                    .newScheduledThreadPool(this, "BurstGroups-" + name, rejectingWhenStopped("BurstGroups", 1));
            BurstGroups groups = new BurstGroups(maxEvents, windowMillis, maxEvents * BURST_CAPACITY_GROUPS, group -> {
                Exchange post = ExchangeBuilder.anExchange(context).withBody(group).build();
                DeliveryLedger ledger = DeliveryLedger.open(post, "group", name, UnitKind.GROUP);
                producer().send(Destination.named(context, name).input(), post);
                if (post.getException() != null) {
                    throw post.getException();
                }
                Verdict verdict = ledger.verdict();
                if (!verdict.done()) {
                    throw new IllegalStateException(verdict.reason());
                }
            }, thread);
            metrics.waitingEvents(name, groups, BurstGroups::waiting);
            return groups;
        });
    }

    /**
     * Dedup at the destinations: the {@link dev.trailrouter.state.DeliveredEvents} bound in the registry (found by
     * type, once), or empty when none is bound ({@code trailrouter.state.store=none}). One per process, made under a
     * lock: its in-memory claims are what keeps two units of this process from delivering the same event at once, so
     * two units asking for the first time at the same moment must not each make their own.
     */
    java.util.Optional<Dedup> dedup() {
        java.util.Optional<Dedup> d = dedup;
        if (d == null) {
            synchronized (this) {
                d = dedup;
                if (d == null) {
                    var stores = context.getRegistry().findByType(dev.trailrouter.state.DeliveredEvents.class);
                    dedup = d = stores.isEmpty() ? java.util.Optional.empty()
                            : java.util.Optional.of(new Dedup(stores.iterator().next()));
                }
            }
        }
        return d;
    }

    /**
     * A pool profile that throws RejectedExecutionException once the pool is shut down. Camel's default policy runs a
     * task in the caller, and silently drops it when the pool is shut down: a dropped window timer or settle step would
     * leave a message waiting for ever. Unbounded queue: what is queued is bounded by BurstGroups' capacity.
     */
    public static ThreadPoolProfile rejectingWhenStopped(String id, int threads) {
        return new ThreadPoolProfileBuilder(id).poolSize(threads).maxPoolSize(threads).maxQueueSize(-1)
                .allowCoreThreadTimeOut(false).rejectedPolicy(ThreadPoolRejectedPolicy.Abort).build();
    }

    /** Groups' worth of events a destination holds, waiting to be posted, before intake waits for it. */
    static final int BURST_CAPACITY_GROUPS = 4;

    ProducerTemplate producer() {
        ProducerTemplate p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = context.createProducerTemplate();
                }
                p = producer;
            }
        }
        return p;
    }

    /** The archive's S3 client: the trailrouter.aws.* region, endpoint and credentials. */
    S3Client s3(Destination destination) {
        return clients.s3(settings.region(), settings.endpoint(), credentials(destination, settings.region()));
    }

    /** An SNS client for the topic's own region (from its ARN), with the destination's credentials. */
    SnsClient sns(String topicArn, Destination destination) {
        String region = software.amazon.awssdk.arns.Arn.tryFromString(topicArn).flatMap(software.amazon.awssdk.arns.Arn::region)
                .orElse(settings.region());
        return clients.sns(region, settings.endpoint(), credentials(destination, region));
    }

    /** The credentials a destination writes to AWS with: its own role ({@code roleArn}, {@code externalId}) if set. */
    software.amazon.awssdk.auth.credentials.AwsCredentialsProvider credentials(Destination destination, String region) {
        return clients.destination(destination.name(), nonBlank(destination.value("roleArn")),
                nonBlank(destination.value("externalId")), region, settings.endpoint());
    }

    private static java.util.Optional<String> nonBlank(String value) {
        return value == null || value.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(value);
    }

    @Override
    public void close() throws Exception {
        if (producer != null) {
            producer.close();
        }
    }
}
