package dev.trailrouter.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.camel.impl.DefaultCamelContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import dev.trailrouter.config.TrailRouterSettings;
import dev.trailrouter.decode.DocumentEvents;
import dev.trailrouter.decode.DropRules;
import dev.trailrouter.decode.IntakeDropRules;
import dev.trailrouter.deliver.Destination;
import dev.trailrouter.deliver.DestinationFiles;
import dev.trailrouter.event.Event;
import dev.trailrouter.event.Origin;
import dev.trailrouter.observe.LogSafe;

/**
 * Shows what an event becomes and which destinations take it: how an integrator writes a filter. The event is a file:
 * a CloudTrail record or log file, an EventBridge event, or a Security Hub or GuardDuty finding.
 */
@Command(name = "test-filter", mixinStandardHelpOptions = true,
        description = "Print the Event a JSON document becomes (a CloudTrail record or log file, an EventBridge event, "
                + "a Security Hub or GuardDuty finding), whether an intake's drop rules drop it, and, for each "
                + "destination in the route files, whether its filter takes it.")
public final class TestFilterCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--event", required = true, arity = "1..*", paramLabel = "FILE.json",
            description = "the event document(s) to try")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // the live decoder's limits: a document it would dead-letter as record-too-large is refused here too
        ObjectMapper json = dev.trailrouter.decode.JsonLimits.objectMapper().copy().enable(SerializationFeature.INDENT_OUTPUT);
        try (DefaultCamelContext context = Configured.context()) {
            List<Destination> destinations;
            try {
                destinations = DestinationFiles.destinations(Configured.routesDir(context), context);
            } catch (DestinationFiles.ConfigurationProblems e) {
                e.problems().forEach(p -> err.println("problem: " + LogSafe.oneLine(p)));
                return 1;
            }
            IntakeDropRules dropRules;
            try {
                dropRules = new IntakeDropRules(new TrailRouterSettings(context), intakeNames(context));
            } catch (IllegalArgumentException e) {
                err.println("problem: " + LogSafe.oneLine(e.getMessage()));
                return 1;
            }
            int failed = 0;
            for (Path file : files) {
                List<Event> events;
                try {
                    JsonNode document = json.readTree(file.toFile());
                    events = DocumentEvents.of(document, Origin.ofMessage("test-filter", file.getFileName().toString()));
                } catch (Exception e) {
                    err.println(file + ": " + LogSafe.oneLine(e.getMessage()));
                    failed++;
                    continue;
                }
                if (events.isEmpty()) {
                    out.println(file + " → 0 events (nothing to deliver)");
                }
                for (Event event : events) {
                    out.println(file + " → " + event.kind() + " " + event.name() + " (" + event.id() + ")");
                    out.println(json.writeValueAsString(event));
                    printDrops(out, dropRules, event);
                    for (Destination destination : destinations) {
                        String filter = destination.filterExpression();
                        out.printf("  %-6s %s (%s)%s%n", destination.takes(event) ? "takes" : "skips", destination.name(),
                                destination.type().name(), filter.isBlank() ? ", no filter" : ": " + filter);
                    }
                }
            }
            if (destinations.isEmpty()) {
                err.println("no destination is declared in " + Configured.routesDir(context));
            }
            return failed == 0 ? 0 : 1;
        }
    }

    /**
     * Which intakes' drop rules would drop the event before any destination sees it: each configured queue's, or the
     * defaults ({@code trailrouter.intake.…}) when no queue is configured or a queue has no rules of its own.
     */
    static void printDrops(PrintWriter out, IntakeDropRules rules, Event event) {
        java.util.Map<String, DropRules> intakes = rules.defined();
        if (intakes.isEmpty()) {
            String rule = rules.defaults().drops(event);
            if (rule != null) {
                out.printf("  drops  every intake (trailrouter.intake.%s): no destination sees it%n", rule);
            }
            return;
        }
        intakes.forEach((intake, drop) -> {
            String rule = drop.drops(event);
            if (rule != null) {
                out.printf("  drops  intake '%s' (%s): no destination sees it from there%n", intake, rule);
            }
        });
    }

    private static java.util.List<String> intakeNames(DefaultCamelContext context) {
        return java.util.Arrays.stream(new TrailRouterSettings(context).string("trailrouter.queues").orElse("").split(","))
                .map(String::trim).filter(n -> !n.isEmpty()).toList();
    }
}
