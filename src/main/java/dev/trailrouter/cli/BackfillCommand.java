package dev.trailrouter.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import dev.trailrouter.TrailRouter;
import dev.trailrouter.config.AwsClients;
import dev.trailrouter.config.TrailRouterSettings;
import dev.trailrouter.deliver.Destinations;
import dev.trailrouter.intake.DeadLetterQueue;
import dev.trailrouter.intake.backfill.Backfill;
import dev.trailrouter.intake.backfill.BackfillProgress;
import dev.trailrouter.intake.backfill.BackfillRequest;
import dev.trailrouter.observe.LogSafe;
import dev.trailrouter.state.Checkpoints;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Delivers a time window of a CloudTrail trail's bucket to the destinations, through the same decode and delivery
 * path as the queues, and ends: 0 when every object of the window is settled, 1 when it stopped early (a destination
 * kept failing, SIGTERM, an unreadable checkpoint) or left bad input undead-lettered, 2 on misuse. The same command
 * again resumes from its checkpoint. docs/backfill.md says how it lists, what it costs and how it resumes.
 */
@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = "Deliver the CloudTrail log files of a time window from the trail's bucket, resumably.",
        footer = {"%nExample: backfill --bucket org-trail-logs --prefix AWSLogs/o-abc123defg/ "
                + "--from 2026-11-01T00:00Z --to 2026-11-02T00:00Z --destination siem",
                "Settings: trailrouter.backfill.* (region, role-arn, external-id, profile, dead-letter-queue-url, "
                        + "concurrency, attempts, lateness, progress-interval) and trailrouter.state.dir; "
                        + "docs/backfill.md.",
                "Exit codes: 0 complete, 1 not complete or rejected objects reported (the reason is logged; "
                        + "the same command resumes), 2 command-line misuse."})
public final class BackfillCommand implements java.util.concurrent.Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger("dev.trailrouter.intake.backfill");

    @Spec
    CommandSpec spec;

    @Option(names = "--bucket", required = true, description = "The trail's bucket.")
    String bucket;

    @Option(names = "--prefix", defaultValue = "", description = "Key prefix above AWSLogs/ or inside it, e.g. "
            + "AWSLogs/o-abc123defg/ for one organization's trail (default: the bucket's root).")
    String prefix;

    @Option(names = "--from", required = true, description = "Start of the window (inclusive), ISO-8601 in UTC or "
            + "with an offset, e.g. 2026-11-01T00:00Z or 2026-11-01.")
    String from;

    @Option(names = "--to", required = true, description = "End of the window (exclusive).")
    String to;

    @Option(names = "--destination", split = ",", description = "Only these destinations (names of "
            + "routes/destinations/*.yaml); default: all.")
    List<String> destinations = new ArrayList<>();

    @Option(names = "--account", split = ",", description = "Only these accounts (12 digits); default: all.")
    List<String> accounts = new ArrayList<>();

    @Option(names = "--region", split = ",", description = "Only these regions' folders; default: all.")
    List<String> regions = new ArrayList<>();

    @Option(names = "--concurrency", description = "Objects in flight at once (default: "
            + "trailrouter.backfill.concurrency, 4).")
    Integer concurrency;

    @Option(names = "--role-arn", description = "A role to assume to read the bucket (default: "
            + "trailrouter.backfill.role-arn).")
    String roleArn;

    @Option(names = "--external-id", description = "The external ID that role requires.")
    String externalId;

    @Override
    public Integer call() {
        BackfillRequest request;
        try {
            request = request();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        quietCamel();
        Main main = TrailRouter.newPipelineMain();
        // beside a live consumer on the same host: no second management server on its port
        main.addOverrideProperty("camel.management.enabled", "false");
        main.addOverrideProperty("camel.main.name", "trailrouter-backfill");
        AtomicReference<Backfill.Result> result = new AtomicReference<>();
        AtomicReference<Backfill> running = new AtomicReference<>();
        CountDownLatch ended = new CountDownLatch(1);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport m) {
                Thread runner = new Thread(() -> {
                    try {
                        result.set(start(m.getCamelContext(), request, running));
                    } catch (RuntimeException e) {
                        result.set(new Backfill.Result(1, "backfill not started: " + LogSafe.rootCause(e)));
                    } finally {
                        ended.countDown();
                        ((Main) m).completed();
                    }
                }, "backfill");
                runner.start();
            }

            @Override
            public void beforeStop(BaseMainSupport m) {
                Backfill backfill = running.get();
                if (backfill != null) {
                    backfill.stop(); // SIGTERM: the objects in flight finish, the checkpoint stays consistent
                }
                try {
                    ended.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        try {
            main.run(new String[0]);
        } catch (Exception e) {
            return TrailRouter.refusedToStart(e);
        }
        Backfill.Result done = result.get();
        if (done == null) {
            LOG.error("backfill stopped before it started");
            return 1;
        }
        if (done.exitCode() == 0) {
            LOG.info("{}", done.summary());
        } else {
            LOG.error("{}", done.summary());
        }
        return done.exitCode();
    }

    private Backfill.Result start(CamelContext context, BackfillRequest request, AtomicReference<Backfill> running) {
        Destinations declared = context.getRegistry().findSingleByType(Destinations.class);
        List<String> unknown = declared.unknown(request.destinations());
        if (!unknown.isEmpty()) {
            return new Backfill.Result(1, "backfill not started: no destination named " + String.join(", ", unknown)
                    + " (declared: " + String.join(", ", declared.names()) + ")");
        }
        TrailRouterSettings settings = new TrailRouterSettings(context);
        AwsClients clients = context.getRegistry().findSingleByType(AwsClients.class);
        String region = settings.string("trailrouter.backfill.region").orElseGet(settings::region);
        Optional<String> role = Optional.ofNullable(roleArn).or(() -> settings.string("trailrouter.backfill.role-arn"));
        Optional<String> external = Optional.ofNullable(externalId)
                .or(() -> settings.string("trailrouter.backfill.external-id"));
        Optional<String> profile = settings.string("trailrouter.backfill.profile");
        String session = settings.string("trailrouter.backfill.role-session-name").orElse("trailrouter-backfill");
        S3Client s3 = clients.s3(region, settings.endpoint(), profile, role, external, session);
        // the S3 stage reads the unit's objects with the client named after the ledger's source
        context.getRegistry().bind("s3Client-" + Backfill.SOURCE, s3);
        Optional<DeadLetterQueue> dlq = settings.string("trailrouter.backfill.dead-letter-queue-url")
                .map(url -> DeadLetterQueue.at(clients.sqs(region, settings.endpoint(), profile, role, external,
                        session), url));
        Backfill backfill = new Backfill(context, s3, checkpoints(context),
                context.getRegistry().findSingleByType(ObjectMapper.class), request, dlq);
        running.set(backfill);
        PrintWriter terminal = System.console() != null ? System.console().writer() : null;
        Duration interval = Duration.ofSeconds(settings.longValue("trailrouter.backfill.progress-interval", 10));
        try (BackfillProgress progress = new BackfillProgress(backfill, terminal, interval)) {
            return backfill.run();
        }
    }

    /** The checkpoint store: the one bound, or the one named {@code checkpoints} when there are several. */
    private static Checkpoints checkpoints(CamelContext context) {
        Set<Checkpoints> stores = context.getRegistry().findByType(Checkpoints.class);
        if (stores.size() == 1) {
            return stores.iterator().next();
        }
        Checkpoints named = context.getRegistry().lookupByNameAndType("checkpoints", Checkpoints.class);
        if (named == null) {
            throw new IllegalStateException("no checkpoint store: the registry holds " + stores.size()
                    + " Checkpoints beans and none is named 'checkpoints'");
        }
        return named;
    }

    private BackfillRequest request() {
        CamelContext context = Configured.context();
        TrailRouterSettings settings = new TrailRouterSettings(context);
        try {
            return new BackfillRequest(bucket, prefix, instant("--from", from), instant("--to", to),
                    Duration.parse(settings.string("trailrouter.backfill.lateness").orElse("PT15M")),
                    set(accounts), set(regions), set(destinations),
                    concurrency != null ? concurrency : settings.integer("trailrouter.backfill.concurrency", 4),
                    settings.integer("trailrouter.backfill.attempts", 3));
        } finally {
            try {
                context.close();
            } catch (Exception ignored) {
                // never started
            }
        }
    }

    static Instant instant(String option, String value) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException notDateTime) {
            try {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException notDate) {
                throw new IllegalArgumentException(option + " '" + value + "' is not an ISO-8601 time such as "
                        + "2026-11-01T00:00Z (or a date, 2026-11-01, meaning its midnight UTC)");
            }
        }
    }

    private static Set<String> set(List<String> values) {
        Set<String> out = new LinkedHashSet<>();
        for (String v : values) {
            Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
        }
        return out;
    }

    private static void quietCamel() {
        // the run's own lines are what a user reads; Camel's life-cycle lines would bury them
        for (String name : List.of("org.apache.camel", "org.apache.camel.main")) {
            if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger logback) {
                logback.setLevel(ch.qos.logback.classic.Level.WARN);
            }
        }
    }
}
