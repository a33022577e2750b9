package dev.trailrouter;

import java.util.Arrays;

import java.nio.file.Path;

import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

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

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && "demo".equals(args[0])) {
            LocalDemo.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        int code;
        try {
            code = newMain().run(args);
        } catch (Throwable e) {
            // one line in the configured log format (plain or JSON), not a stack trace on stderr; the trace at DEBUG
            org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("dev.trailrouter");
            log.error("trailrouter cannot start: {}", startupFailure(e));
            log.debug("start-up failure", e);
            code = 1;
        }
        System.exit(code);
    }

    /** The messages of a failure's causes on one line, each said once (wrappers often repeat their cause's). */
    static String startupFailure(Throwable e) {
        StringBuilder line = new StringBuilder();
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (line.indexOf(message) < 0) {
                if (t.getCause() != null && t.getCause().getMessage() != null && message.contains(t.getCause().getMessage())) {
                    continue; // the cause says it in full
                }
                line.append(line.length() == 0 ? "" : ": ").append(message);
            }
        }
        String safe = dev.trailrouter.observe.LogSafe.neutralise(dev.trailrouter.config.SecretRef.redact(line.toString()));
        return safe.length() > 2000 ? safe.substring(0, 2000) + "…" : safe;
    }

    /** The Main with trailrouter's beans and Java routes; route files come from the routes directory. */
    public static Main newMain() {
        Main main = new Main();
        main.configure().addConfiguration(TrailRouterBeans.class);
        DestinationFiles.templates().forEach(main.configure()::addRoutesBuilder);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport m) {
                CamelContext context = m.getCamelContext();
                ManagementAccess.configure(context, m.configure().httpManagementServer());
                dev.trailrouter.observe.SecretSafeTags.registry(context); // before camel-micrometer-prometheus starts
                Path routes = Path.of(context.resolvePropertyPlaceholders("{{trailrouter.routes-dir:routes}}"));
                try {
                    DestinationFiles.validate(routes, context);
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        main.configure().addRoutesBuilder(IntakeRoutes.class);
        main.configure().addRoutesBuilder(EnvelopeStage.class);
        main.configure().addRoutesBuilder(S3ObjectStage.class);
        main.configure().addRoutesBuilder(InlineEventStages.class);
        main.configure().addRoutesBuilder(DeliveryStage.class);
        return main;
    }
}
