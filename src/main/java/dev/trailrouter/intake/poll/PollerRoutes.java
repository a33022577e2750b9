package dev.trailrouter.intake.poll;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheckRegistry;

import dev.trailrouter.config.AwsClients;
import dev.trailrouter.config.PollerSettings;
import dev.trailrouter.config.TrailRouterSettings;
import dev.trailrouter.decode.PolledRecords;
import dev.trailrouter.observe.ManagementAccess;
import dev.trailrouter.observe.PipelineMetrics;
import dev.trailrouter.observe.PollerHealth;
import dev.trailrouter.state.Checkpoints;

/**
 * The API pollers, one route each ({@code poll-<name>}), driven by Camel's {@code scheduler} component at the poller's
 * period (fixed delay: a poll that takes longer than the period is not overlapped by the next): CloudTrail
 * {@code LookupEvents} per configured region, CloudWatch Logs {@code FilterLogEvents} per configured log group. Each
 * poll is a {@link WindowPoller}; each API page's events go to {@code direct:events} (counted, the poller's drop rules
 * applied, batches of {@code trailrouter.pipeline.batch-size} to {@code deliver}, inside the page's exchange) like an
 * SQS message's events. A poller's drop rules are {@code trailrouter.intake.drop-…} unless its own keys
 * ({@code trailrouter.cloudtrail-lookup.drop-…}, {@code trailrouter.log-group-poller.<name>.drop-…}) say otherwise.
 *
 * <p>Camel's own {@code aws-cloudtrail} consumer (in the 4.17 BOM) is not used: in 4.17 it keeps its position in a
 * static field (in memory only, and shared by every endpoint, so two regions would move each other's position), moves
 * it before the events are processed, reads one page per poll without NextToken, starts the next poll one second after
 * the newest event seen (an event that appears late is never read) and has no pacing. Camel has no FilterLogEvents
 * consumer.
 */
public final class PollerRoutes extends RouteBuilder {

    /**
     * Where every page's events go: {@code direct:events}, the one entry into delivery, which counts them, applies the
     * poller's drop rules and batches them.
     */
    static final String DELIVER = dev.trailrouter.decode.EventStage.ENDPOINT;

    @Override
    public void configure() throws Exception {
        TrailRouterSettings settings = new TrailRouterSettings(getContext());
        var pollers = settings.pollers();
        if (pollers.isEmpty()) {
            return;
        }
        AwsClients clients = getContext().getRegistry().findSingleByType(AwsClients.class);
        PipelineMetrics metrics = getContext().getRegistry().findSingleByType(PipelineMetrics.class);
        ObjectMapper json = getContext().getRegistry().findSingleByType(ObjectMapper.class);
        Checkpoints checkpoints = getContext().getRegistry().findSingleByType(Checkpoints.class);
        if (checkpoints == null) {
            throw new IllegalStateException("the pollers need a checkpoint store, and none is bound");
        }
        PolledRecords records = new PolledRecords(json);
        PollDeadLetters deadLetters = new PollDeadLetters(Path.of(settings.string("trailrouter.pollers.dead-letter-dir")
                .orElse(Path.of(settings.string("trailrouter.state.dir").orElse("state"), "dead-letters").toString())), json);
        ProducerTemplate producer = getContext().createProducerTemplate();
        getContext().addService(producer, true, false); // stopped with the context
        Map<String, RequestPacer> pacers = new ConcurrentHashMap<>();
        boolean details = ManagementAccess.detailsExposed(getContext());

        dev.trailrouter.decode.IntakeDropRules dropRules = getContext().getRegistry()
                .findSingleByType(dev.trailrouter.decode.IntakeDropRules.class);
        for (PollerSettings poller : pollers) {
            // one pace per account and region: that is what AWS's limit counts, whichever poller calls
            if (dropRules != null) { // trailrouter.intake.drop-… unless the poller's own keys say otherwise
                dropRules.define(poller.name(), poller.api() == PollerSettings.Api.CLOUDTRAIL_LOOKUP
                        ? "trailrouter.cloudtrail-lookup." : "trailrouter.log-group-poller." + poller.name() + ".");
            }
            RequestPacer pacer = pacers.computeIfAbsent(poller.paceKey(), k -> new RequestPacer(poller.requestsPerSecond()));
            ApiCalls calls = new ApiCalls(poller.name(), pacer, metrics);
            PageSource source = switch (poller.api()) {
                case CLOUDTRAIL_LOOKUP -> new CloudTrailLookups(clients.cloudTrail(poller), poller, calls, records);
                case LOG_GROUP -> new LogGroupEvents(clients.logs(poller), poller, calls, records);
            };
            PollerHealth health = new PollerHealth(poller.name(), details);
            HealthCheckRegistry registry = HealthCheckRegistry.get(getContext());
            if (registry != null) {
                registry.register(health);
            }
            WindowPoller window = new WindowPoller(poller, source, checkpoints, deadLetters, getContext(), producer,
                    DELIVER, metrics, health, Clock.systemUTC());
            log.info("poller {}: {} in {} every {} s, trailing window {} s, at most {} requests/s", poller.name(),
                    poller.api().shape(), poller.region(), poller.period().toMillis() / 1000.0,
                    poller.trailingWindow().toMillis() / 1000.0,
                    poller.requestsPerSecond());
            from("scheduler:" + WindowPoller.routeId(poller) + "?initialDelay=1000&delay=" + poller.period().toMillis()
                    + "&useFixedDelay=true")
                    .routeId(WindowPoller.routeId(poller))
                    .process(window::poll).id("poll-window-" + poller.name());
        }
    }
}
