package dev.trailrouter.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import dev.trailrouter.TrailRouterBeans;
import dev.trailrouter.config.QueueSettings;
import dev.trailrouter.config.TrailRouterSettings;
import dev.trailrouter.decode.SampleEvents;
import dev.trailrouter.deliver.Destination;
import dev.trailrouter.deliver.DestinationFiles;
import dev.trailrouter.observe.LogSafe;

/**
 * Checks what {@code run} would start with, without reading a queue: the queue settings, every route file against its
 * type's contract (secrets resolved, which calls AWS Secrets Manager for {@code {{aws:…}}} ones), every filter
 * evaluated on a sample Event of every kind, and every route file loaded by Camel as at start-up. One line per
 * problem, naming the file or the key.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check the configuration and every route file (each filter is evaluated on a sample event of "
                + "every kind); one line per problem; exit 1 when there is any.")
public final class ValidateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> problems = new ArrayList<>();
        List<QueueSettings> queues = List.of();
        String push = "";
        List<Destination> destinations = List.of();
        try (DefaultCamelContext context = Configured.context()) {
            try {
                queues = new TrailRouterSettings(context).queues();
            } catch (RuntimeException e) {
                problems.add(message(e));
            }
            try {
                push = dev.trailrouter.intake.SnsPushRoutes.summary(context);
            } catch (RuntimeException e) {
                problems.add(message(e));
            }
            try {
                new dev.trailrouter.decode.IntakeDropRules(new TrailRouterSettings(context),
                        queues.stream().map(QueueSettings::name).toList());
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
            try {
                new TrailRouterSettings(context).pollers(); // their keys: a bad start-time or period is one line here
            } catch (RuntimeException e) {
                problems.add(message(e));
            }
            Path routes = Configured.routesDir(context);
            problems.addAll(DestinationFiles.problems(routes, context, SampleEvents.byKind(new ObjectMapper())));
            if (problems.isEmpty()) {
                destinations = DestinationFiles.destinations(routes, context);
                problems.addAll(loadRouteFiles(context, routes));
                if (destinations.isEmpty() && !declaresOwnDestination(context)) {
                    problems.add(routes + ": no destination is declared: trailrouter would refuse to start");
                }
                var clients = context.getRegistry().findSingleByType(dev.trailrouter.config.AwsClients.class);
                if (clients != null) {
                    clients.close(); // the context never started, so nothing else closes them
                }
            }
        }
        for (String problem : problems) {
            err.println("problem: " + LogSafe.oneLine(problem));
        }
        if (!problems.isEmpty()) {
            err.println(problems.size() + (problems.size() == 1 ? " problem" : " problems") + "; trailrouter would not start");
            return 1;
        }
        out.println("ok: " + queues.size() + (queues.size() == 1 ? " queue (" : " queues (")
                + String.join(", ", queues.stream().map(QueueSettings::name).toList()) + "), "
                + (push.isEmpty() ? "" : push + ", ")
                + destinations.size() + (destinations.size() == 1 ? " destination (" : " destinations (")
                + String.join(", ", destinations.stream().map(d -> d.name() + ": " + d.type().name()).toList()) + ")");
        return 0;
    }

    /** Every route file through Camel's own loader, with trailrouter's beans and templates, nothing started. */
    private static List<String> loadRouteFiles(DefaultCamelContext context, Path routes) throws Exception {
        List<String> problems = new ArrayList<>();
        new TrailRouterBeans().configure(context);
        for (var template : DestinationFiles.templates()) {
            context.addRoutes(template);
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(routes)) {
            files = walk.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        for (Path file : files) {
            try {
                Resource resource = ResourceHelper.resolveMandatoryResource(context, "file:" + file);
                PluginHelper.getRoutesLoader(context).loadRoutes(resource);
            } catch (Exception e) {
                problems.add(file + ": " + message(e));
            }
        }
        return problems;
    }

    private static boolean declaresOwnDestination(DefaultCamelContext context) {
        return context.getRouteDefinitions().stream().anyMatch(r -> r.getInput() != null
                && r.getInput().getEndpointUri().startsWith("direct:dest-"));
    }

    private static String message(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? e.getMessage() : e.getMessage() + " (" + root.getMessage() + ")";
    }
}
