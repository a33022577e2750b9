package dev.trailrouter.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * trailrouter's command line. Without a command it runs ({@code run}); {@code demo}, {@code validate}, {@code backfill} and
 * {@code test-filter} are the others. Exit codes: 0 fine, 1 refused (a configuration problem, a filter that does not
 * take the event you expected is not one), 2 misuse of the command line.
 */
@Command(name = "trailrouter", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Drains the SQS queues that carry AWS audit and security events and delivers every event to "
                + "the destinations declared in routes/destinations/*.yaml.",
        subcommands = {RunCommand.class, DemoCommand.class, ValidateCommand.class, TestFilterCommand.class,
            BackfillCommand.class},
        footerHeading = "%nMain settings (environment; each is also a trailrouter.* key: docs/configuration.md):%n",
        footer = {
            "  TRAILROUTER_QUEUES               queue names, comma-separated (e.g. orgtrail)",
            "  TRAILROUTER_QUEUE_<NAME>_URL     the queue's URL",
            "  TRAILROUTER_QUEUE_<NAME>_ROLE_ARN, _EXTERNAL_ID",
            "                                   a role to assume for it (cross-account)",
            "  AWS_REGION, AWS_PROFILE          the SDK's usual region and credentials",
            "  TRAILROUTER_ROUTES_DIR           where the route files are (default: routes)",
            "  TRAILROUTER_WEBHOOK_URL          the shipped webhook.yaml destination's URL",
            "  TRAILROUTER_MANAGEMENT_PORT      /observe/health, metrics, jolokia (9876)",
            "  TRAILROUTER_LOG_FORMAT           text (default) or json",
            "%nExit codes: 0 done, 1 refused (the reason is logged, one line per problem),",
            "2 command-line misuse."})
public final class TrailRouterCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        return new RunCommand().call();
    }

    /** Runs the command line and returns its exit code. */
    public static int execute(String... args) {
        return new CommandLine(new TrailRouterCommand()).execute(args);
    }
}
