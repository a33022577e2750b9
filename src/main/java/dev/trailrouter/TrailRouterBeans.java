package dev.trailrouter;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelConfiguration;

import dev.trailrouter.config.AwsClients;
import dev.trailrouter.config.TrailRouterSettings;
import dev.trailrouter.decode.S3ObjectReader;
import dev.trailrouter.deliver.DeadLetterTargets;
import dev.trailrouter.deliver.DeliveryRuntime;
import dev.trailrouter.deliver.Destinations;
import dev.trailrouter.decode.EnvelopeDecoder;
import dev.trailrouter.observe.PipelineMetrics;
import dev.trailrouter.observe.PipelineStats;

/** Binds the pipeline's shared objects before the routes are built. */
public final class TrailRouterBeans implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        TrailRouterSettings settings = new TrailRouterSettings(context);
        ObjectMapper json = dev.trailrouter.decode.JsonLimits.objectMapper();

        // one registry for Camel's meters and ours, filtered: no URL path, query or user info in any tag
        PrometheusMeterRegistry registry = dev.trailrouter.observe.SecretSafeTags.registry(context);
        PipelineMetrics metrics = new PipelineMetrics(registry);
        AwsClients clients = new AwsClients(settings.s3PathStyle());
        Destinations destinations = new Destinations(context);

        context.getRegistry().bind("json", json);
        context.getRegistry().bind("pipelineMetrics", metrics);
        context.getRegistry().bind("awsClients", clients);
        context.getRegistry().bind("destinations", destinations);
        DeadLetterTargets deadLetters = new DeadLetterTargets(json, clients, settings);
        context.getRegistry().bind("deadLetterTargets", deadLetters);
        DeliveryRuntime delivery = new DeliveryRuntime(context, json, metrics, deadLetters, clients, settings);
        context.getRegistry().bind(DeliveryRuntime.BEAN, delivery);
        // the replay routes' client, in the default region; a configuration whose queue URLs name their regions needs
        // no default region, and then has none (a replay route then asks for one: see docs/configuration.md)
        settings.defaultRegion(java.util.Optional.empty()).ifPresent(region ->
                context.getRegistry().bind("trailrouterSqsClient", clients.sqs(region, settings.endpoint())));
        // dedup and the durable progress of the pollers and backfill (dev.trailrouter.state), in the store family
        // trailrouter.state.store chooses: files under trailrouter.state.dir, DynamoDB, none, or an IdempotentRepository
        dev.trailrouter.state.StateStores stores = dev.trailrouter.state.StateStores.from(context, settings, clients, metrics);
        stores.delivered().ifPresent(store -> context.getRegistry().bind(dev.trailrouter.state.StateStores.DELIVERED_EVENTS, store));
        context.getRegistry().bind(dev.trailrouter.state.StateStores.CHECKPOINTS, stores.checkpoints());
        // every intake's drop rules, read and checked now: a bad regex stops start-up with one line naming its key
        java.util.List<String> intakeNames = java.util.Arrays.stream(settings.string("trailrouter.queues").orElse("")
                .split(",")).map(String::trim).filter(n -> !n.isEmpty()).toList();
        context.getRegistry().bind(dev.trailrouter.decode.IntakeDropRules.BEAN,
                new dev.trailrouter.decode.IntakeDropRules(settings, intakeNames));
        context.getRegistry().bind("envelopeDecoder", new EnvelopeDecoder(json));
        context.getRegistry().bind("cloudWatchPayloads", new dev.trailrouter.decode.CloudWatchPayloads(json));
        context.getRegistry().bind("s3ObjectReader",
                new S3ObjectReader(json, settings.maxObjectBytes(), settings.eventBatchSize(), metrics));

        // Runs once every route file is loaded and before any consumer starts: refuse to start with nowhere to deliver.
        dev.trailrouter.observe.QueueSummaries summaries = new dev.trailrouter.observe.QueueSummaries(metrics, intakeNames);
        context.addStartupListener((started, alreadyStarted) -> {
            if (!alreadyStarted) {
                destinations.requireAtLeastOne();
                stores.requireUsable(); // a missing table or an unusable state dir: one line, before any consumer
                new PipelineStats(metrics).register(started.getName());
                summaries.start(settings.longValue("trailrouter.observe.summary-interval", 60));
            }
        });
        context.addLifecycleStrategy(new org.apache.camel.support.LifecycleStrategySupport() {
            @Override
            public void onContextStopped(CamelContext stopped) {
                PipelineStats.unregister(stopped.getName());
                summaries.close();
                try {
                    delivery.close();
                } catch (Exception e) {
                    // stopping anyway
                }
                stores.delivered().ifPresent(store -> {
                    if (store instanceof AutoCloseable closeable) {
                        try {
                            closeable.close();
                        } catch (Exception e) {
                            // stopping anyway
                        }
                    }
                });
                clients.close();
            }
        });
    }
}
