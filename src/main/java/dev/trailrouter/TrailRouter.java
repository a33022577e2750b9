package dev.trailrouter;

import java.util.Arrays;

import org.apache.camel.main.Main;

import dev.trailrouter.decode.InlineEventStages;
import dev.trailrouter.decode.S3ObjectStage;
import dev.trailrouter.deliver.DeliveryStage;
import dev.trailrouter.deliver.DestinationFiles;
import dev.trailrouter.demo.LocalDemo;
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
        if (args.length > 0 && "demo".equals(args[0])) {
            LocalDemo.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        int exit;
        try {
            exit = newMain().run(args);
        } catch (Exception e) {
            exit = refusedToStart(e);
        }
        System.exit(exit);
    }

    /**
     * A start-up failure is one line naming what is wrong (the file, destination and parameter; the queue; the key),
     * in the configured log format; the stack trace only at DEBUG.
     */
    static int refusedToStart(Throwable failure) {
        LOG.error("trailrouter cannot start: {}", dev.trailrouter.observe.LogSafe.oneLine(StartupProblem.describe(failure)));
        LOG.debug("start-up failure", failure);
        return 1;
    }

    /** The Main with trailrouter's beans and Java routes; route files come from the routes directory. */
    public static Main newMain() {
        Main main = new Main();
        main.configure().addConfiguration(TrailRouterBeans.class);
        DestinationFiles.templates().forEach(main.configure()::addRoutesBuilder);
        // after Camel Main's auto-configuration (so {{aws:…}} secrets resolve) and before any route file is loaded
        main.configure().addConfiguration(DestinationFilesCheck.class);
        main.configure().addRoutesBuilder(IntakeRoutes.class);
        main.configure().addRoutesBuilder(EnvelopeStage.class);
        main.configure().addRoutesBuilder(S3ObjectStage.class);
        main.configure().addRoutesBuilder(InlineEventStages.class);
        main.configure().addRoutesBuilder(DeliveryStage.class);
        return main;
    }
}
