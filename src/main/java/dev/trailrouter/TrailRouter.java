package dev.trailrouter;

import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;

import dev.trailrouter.observe.ManagementAccess;
import org.apache.camel.main.MainListenerSupport;

import dev.trailrouter.decode.InlineEventStages;
import dev.trailrouter.decode.S3ObjectStage;
import dev.trailrouter.deliver.DeliveryStage;
import dev.trailrouter.deliver.DestinationFiles;
import dev.trailrouter.decode.EnvelopeStage;
import dev.trailrouter.intake.IntakeRoutes;

/**
 * trailrouter's entry point: a plain Camel Main. {@code java -jar trailrouter.jar} runs against the queues in
 * application.properties (or the environment); {@code java -jar trailrouter.jar demo} runs the local demo.
 */
public final class TrailRouter {

    private TrailRouter() {
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("dev.trailrouter");

    public static void main(String[] args) throws Exception {
        System.exit(dev.trailrouter.cli.TrailRouterCommand.execute(args));
    }

    /**
     * A start-up failure is one line naming what is wrong (the file, destination and parameter; the queue; the key),
     * in the configured log format; the stack trace only at DEBUG.
     */
    public static int refusedToStart(Throwable failure) {
        for (String problem : StartupProblem.describe(failure)) {
            LOG.error("trailrouter cannot start: {}", dev.trailrouter.observe.LogSafe.oneLine(problem));
        }
        LOG.debug("start-up failure", failure);
        // the exit that follows runs Camel's shutdown hook, which would call it a SIGTERM in two more lines
        if (org.slf4j.LoggerFactory.getLogger("org.apache.camel.main") instanceof ch.qos.logback.classic.Logger camel) {
            camel.setLevel(ch.qos.logback.classic.Level.WARN);
        }
        return 1;
    }

    /** The Main with trailrouter's beans and Java routes; route files come from the routes directory. */
    public static Main newMain() {
        Main main = newPipelineMain();
        main.configure().addRoutesBuilder(IntakeRoutes.class);
        main.configure().addRoutesBuilder(dev.trailrouter.intake.poll.PollerRoutes.class);
        main.configure().addRoutesBuilder(dev.trailrouter.intake.SnsPushRoutes.class);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport m) {
                // the SNS push listener: Camel Main's own HTTP server, only when a push endpoint is configured (not in
                // the backfill's pipeline, which runs beside a live instance and must not take its port)
                dev.trailrouter.intake.SnsPushRoutes.configureServer(m.getCamelContext(), m.configure().httpServer());
            }
        });
        return main;
    }

    /**
     * Everything but the queue consumers: beans, the decode and delivery stages and the destinations of the route
     * files. The backfill command feeds this pipeline objects of a trail's bucket instead of queue messages.
     */
    public static Main newPipelineMain() {
        Main main = new Main();
        main.configure().addConfiguration(TrailRouterBeans.class);
        DestinationFiles.templates().forEach(main.configure()::addRoutesBuilder);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport m) {
                CamelContext context = m.getCamelContext();
                ManagementAccess.configure(context, m.configure().httpManagementServer());
                dev.trailrouter.observe.SecretSafeTags.registry(context); // before camel-micrometer-prometheus starts
                // before Camel's route loader fails on it with a bare NoSuchFileException
                java.nio.file.Path routes = java.nio.file.Path.of(
                        context.resolvePropertyPlaceholders("{{trailrouter.routes-dir:routes}}"));
                if (!java.nio.file.Files.isDirectory(routes)) {
                    throw new IllegalStateException(DestinationFiles.missing(routes));
                }
            }
        });
        // after Camel Main's auto-configuration (so {{aws:…}} secrets resolve) and before any route file is loaded
        main.configure().addConfiguration(DestinationFilesCheck.class);
        main.configure().addRoutesBuilder(EnvelopeStage.class);
        main.configure().addRoutesBuilder(S3ObjectStage.class);
        main.configure().addRoutesBuilder(InlineEventStages.class);
        main.configure().addRoutesBuilder(dev.trailrouter.decode.EventStage.class);
        main.configure().addRoutesBuilder(DeliveryStage.class);
        return main;
    }
}
