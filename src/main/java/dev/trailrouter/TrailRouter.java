package dev.trailrouter;

import java.util.Arrays;

import org.apache.camel.main.Main;

import dev.trailrouter.decode.S3ObjectStage;
import dev.trailrouter.deliver.DeliveryStage;
import dev.trailrouter.deliver.WebhookTemplate;
import dev.trailrouter.demo.LocalDemo;
import dev.trailrouter.intake.EnvelopeStage;
import dev.trailrouter.intake.IntakeRoutes;

/**
 * trailrouter's entry point: a plain Camel Main. {@code java -jar trailrouter.jar} runs against the queues in
 * application.properties (or the environment); {@code java -jar trailrouter.jar demo} runs the local demo.
 */
public final class TrailRouter {

    private TrailRouter() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && "demo".equals(args[0])) {
            LocalDemo.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        System.exit(newMain().run(args));
    }

    /** The Main with trailrouter's beans and Java routes; route files come from the routes directory. */
    public static Main newMain() {
        Main main = new Main();
        main.configure().addConfiguration(TrailRouterBeans.class);
        main.configure().addRoutesBuilder(WebhookTemplate.class);
        main.configure().addRoutesBuilder(IntakeRoutes.class);
        main.configure().addRoutesBuilder(EnvelopeStage.class);
        main.configure().addRoutesBuilder(S3ObjectStage.class);
        main.configure().addRoutesBuilder(DeliveryStage.class);
        return main;
    }
}
