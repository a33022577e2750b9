package dev.trailrouter.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.trailrouter.config.QueueSettings;
import dev.trailrouter.demo.MotoServer;
import dev.trailrouter.support.Fixtures;
import dev.trailrouter.support.PackagedJar;

/**
 * Section 9 of the benchmark (issue 14, parts 1 and 4): throughput where AWS is not the bottleneck. SQS and S3 are
 * {@link AwsStandIn} (thousands of requests/s, its ceiling measured first) with a round trip injected into every call,
 * the webhook is {@link BenchWebhook} with its own latency, and three collectors drain the same messages in turn:
 * trailrouter as users run it ({@code java -jar target/trailrouter.jar}, one long-lived process with one queue per
 * setting, so its JIT is warm and nothing restarts between runs), with its defaults and tuned; and
 * {@link SdkBaseline}, the loop a team writes by hand, in its own long-lived JVM. Each run fills a held queue, then
 * releases it and times until every message is deleted and every event has reached the webhook.
 *
 * <p>"Tuned" is one knob with N in flight: {@code max-inflight} once trailrouter has it (detected from
 * {@link QueueSettings}), else {@code concurrent-consumers}; {@code bench.tuned-knob} forces one. The defaults queue
 * sets neither.
 */
final class Throughput {

    /** The two shapes of message: what S3 → SNS → SQS carries for CloudTrail, and what EventBridge → SQS carries. */
    enum Kind {
        CLOUDTRAIL("100-record CloudTrail objects (S3 → SNS → SQS)", 100),
        EVENTBRIDGE("1-event EventBridge messages", 1);

        final String label;
        final int eventsPerMessage;

        Kind(String label, int eventsPerMessage) {
            this.label = label;
            this.eventsPerMessage = eventsPerMessage;
        }
    }

    /** What one run measured. */
    record Row(String collector, int inflight, Kind kind, int messages, int delivered, double seconds, long events,
               long p50, long p99, double sqsCallsPerMessage, double cpuMsPerMessage, String heap, long duplicates,
               long staleDeletes, String warnings, double standInRequestsPerSecond, Map<String, Long> receivedVia,
               int peakOpenSqsCalls, int peakOpenS3Calls) {
        double messagesPerSecond() {
            return delivered / seconds;
        }

        double eventsPerSecond() {
            return events / seconds;
        }

        boolean complete() {
            return delivered == messages;
        }
    }

    /** A collector's JVM: its CPU time and its GC log, read around each run. */
    static final class Jvm implements AutoCloseable {
        final String name;
        final Process process;
        final Path gcLog;
        final Path log;
        final PrintWriter commands;
        final int managementPort;
        /** The stand-in address each of its queues is read through (the baseline: the stand-in's first). */
        final Map<String, URI> endpoints = new LinkedHashMap<>();

        Jvm(String name, Process process, Path gcLog, Path log, int managementPort) {
            this.name = name;
            this.managementPort = managementPort;
            this.process = process;
            this.gcLog = gcLog;
            this.log = log;
            this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly)); // the benchmark was stopped
        }

        long cpuMillis() {
            return process.toHandle().info().totalCpuDuration().map(Duration::toMillis).orElse(-1L);
        }

        List<String> logLines() {
            try {
                return Files.exists(log) ? Files.readAllLines(log) : List.of();
            } catch (IOException e) {
                return List.of();
            }
        }

        /** Warnings and errors the collector logged since line {@code from}: how many, and the first of them. */
        String warnings(int from) {
            List<String> lines = logLines();
            List<String> bad = lines.subList(Math.min(from, lines.size()), lines.size()).stream()
                    .filter(l -> l.contains(" WARN ") || l.contains(" ERROR ") || l.startsWith("baseline: ")).toList();
            return bad.isEmpty() ? "" : bad.size() + ", the first: `" + bad.get(0).replace('`', '\'') + "`";
        }

        List<String> gcLines() {
            try {
                return Files.exists(gcLog) ? Files.readAllLines(gcLog) : List.of();
            } catch (IOException e) {
                return List.of();
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    static final int MESSAGES = Integer.getInteger("bench.messages", 1000);
    static final int[] INFLIGHT = {1, 4, 16, 64};
    static final long RTT_MILLIS = Long.getLong("bench.rtt-millis", 20);
    static final long WEBHOOK_MILLIS = Long.getLong("bench.webhook-millis", 5);
    /** A run goes on past its messages until this long, so that a fast one is timed in steady state, not its start. */
    static final long MIN_RUN_SECONDS = Long.getLong("bench.min-run-seconds", 10);
    /** Round trips of the short comparison after the main tables: nearer (same AZ) and farther than the default. */
    static final long[] OTHER_RTTS = {5, 50};
    private static final String BUCKET = "bench-trail";
    private static final Pattern GC = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private final Consumer<String> report;
    private final AwsStandIn aws;
    private final BenchWebhook webhook;
    private final String knob;
    private final List<byte[]> objects = new ArrayList<>();
    private final ObjectNode snsTemplate;
    private final ObjectNode eventBridgeTemplate;
    private final AtomicLong keys = new AtomicLong();
    private final long started = System.nanoTime();
    /** The baseline's runs reach the stand-in at 127.0.0.(BASELINE_LANES + 1) and up; trailrouter's queues below. */
    private static final int BASELINE_LANES = 32;
    private int baselineRuns;

    private Throughput(Consumer<String> report) throws Exception {
        this.report = report;
        this.aws = new AwsStandIn(0);
        this.webhook = new BenchWebhook(WEBHOOK_MILLIS);
        this.knob = System.getProperty("bench.tuned-knob", Arrays.stream(QueueSettings.class.getRecordComponents())
                .anyMatch(c -> c.getName().equals("maxInflight")) ? "max-inflight" : "concurrent-consumers");
        // the SNS notification SQS receives, from a real sample: fixtures/envelopes/…powertools…snsSqsEvent.json
        this.snsTemplate = (ObjectNode) Fixtures.JSON.readTree(Fixtures.sqsBodyOfLambdaEvent(
                "envelopes/aws-powertools_powertools-lambda-python__snsSqsEvent.json"));
        // an EventBridge event as its SQS target receives it: fixtures/envelopes/…powertools…eventBridgeEvent.json
        this.eventBridgeTemplate = (ObjectNode) Fixtures.json("envelopes/aws-powertools_powertools-lambda-python__eventBridgeEvent.json");
        for (int i = 0; i < 100; i++) { // 100 distinct files, each notified many times under its own keys
            objects.add(BenchFiles.cloudTrailFile(100, 7_000_000 + i));
        }
    }

    private void say(String format, Object... args) {
        report.accept(String.format(Locale.ROOT, format, args));
    }

    private void progress(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[throughput %s +%ds] %s%n", LocalTime.now().truncatedTo(ChronoUnit.SECONDS),
                (System.nanoTime() - started) / 1_000_000_000L, String.format(Locale.ROOT, format, args));
    }

    /**
     * Runs the section and writes its report lines to {@code report}.
     *
     * @param cpuCeiling the pipeline's best records/s in section 1 of the same run (1 thread or all cores)
     */
    static void run(Consumer<String> report, double cpuCeiling) throws Exception {
        Throughput t = new Throughput(report);
        try {
            t.measure(cpuCeiling);
        } finally {
            t.aws.close();
            t.webhook.close();
        }
    }

    // --- the section ------------------------------------------------------------------------------------------------

    /** Runs of 1 and of 2 instances, interleaved; each figure is the median of its runs. */
    static final int SCALE_ROUNDS = Integer.getInteger("bench.scale-rounds", 3);
    /** The queues read one message at a time, with one receive loop: latency-bound (see {@link #scale}). */
    private static final java.util.Set<String> LATENCY_BOUND = java.util.Set.of("solo", "pair");

    /** The 1- and 2-instance runs of {@link #scale}, in the order they ran. */
    record Scale(List<Row> solos, List<Row> pairs) {
        Row solo() {
            return median(solos);
        }

        Row pair() {
            return median(pairs);
        }

        double ratio() {
            return pair().messagesPerSecond() / solo().messagesPerSecond();
        }

        private static Row median(List<Row> runs) {
            List<Row> sorted = new ArrayList<>(runs);
            sorted.sort((x, y) -> Double.compare(x.messagesPerSecond(), y.messagesPerSecond()));
            return sorted.get(sorted.size() / 2);
        }
    }

    /** The part of the section on two instances alone ({@code bench/run --scale-only}): a quick look, not the report. */
    static void runScale(Consumer<String> report) throws Exception {
        Throughput t = new Throughput(report);
        try {
            t.aws.rttMillis = RTT_MILLIS;
            AwsStandIn.Queue dlq = t.aws.createQueue("bench-dlq");
            List<String> queues = List.of("solo", "pair");
            queues.forEach(t.aws::createQueue);
            Path dir = Files.createTempDirectory("bench-scale");
            Path routes = t.routes(dir);
            try (Jvm a = t.trailrouter("a", dir, routes, queues, Map.of("solo", 1, "pair", 1), dlq, 1);
                 Jvm b = t.trailrouter("b", dir, routes, List.of("pair"), Map.of("pair", 1), dlq, 1 + queues.size())) {
                t.ready(a);
                t.ready(b);
                for (Kind kind : Kind.values()) {
                    t.run(a, t.aws.queue("solo"), "warm-up of a", 1, kind, MESSAGES / 2, 0);
                    t.run(a, t.aws.queue("pair"), "warm-up of a and b", 1, kind, MESSAGES / 2, 0);
                }
                t.writeScale(t.scale(a));
            }
        } finally {
            t.aws.close();
            t.webhook.close();
        }
    }

    private Path routes(Path dir) throws IOException {
        Path routes = dir.resolve("routes");
        Files.createDirectories(routes.resolve("destinations"));
        Files.copy(Path.of("routes/destinations/webhook.yaml"), routes.resolve("destinations/webhook.yaml"));
        return routes;
    }

    private void measure(double cpuCeiling) throws Exception {
        double[] ceiling = standInCeiling();
        progress("stand-in ceiling %.0f requests/s at 0 ms", ceiling[0]);
        aws.rttMillis = RTT_MILLIS;
        AwsStandIn.Queue dlq = aws.createQueue("bench-dlq");
        List<String> trQueues = new ArrayList<>(List.of("def", "solo", "pair", "warm"));
        for (int n : INFLIGHT) {
            trQueues.add("t" + n);
        }
        trQueues.forEach(aws::createQueue);
        Path dir = Files.createTempDirectory("bench-throughput");
        Path routes = routes(dir);
        Map<String, Integer> tunedA = new LinkedHashMap<>();
        for (int n : INFLIGHT) {
            tunedA.put("t" + n, n);
        }
        tunedA.put("warm", 16);
        tunedA.put("solo", 1);
        tunedA.put("pair", 1);
        List<Row> rows = new ArrayList<>();
        // both trailrouter processes start at once; b reads only "pair", through endpoints of its own
        try (Jvm a = trailrouter("a", dir, routes, trQueues, tunedA, dlq, 1);
             Jvm b = trailrouter("b", dir, routes, List.of("pair"), Map.of("pair", 1), dlq, 1 + trQueues.size());
             Jvm baseline = baseline(dir)) {
            ready(a);
            ready(b);
            progress("warming up: trailrouter a and b, the baseline");
            for (Kind kind : Kind.values()) {
                int n = kind == Kind.CLOUDTRAIL ? MESSAGES * 2 / 5 : MESSAGES * 3 / 2; // 400 and 1,500 by default
                run(a, aws.queue("warm"), "warm-up", 16, kind, n, 0);
                runBaseline(baseline, 16, kind, n, "warm");
                run(a, aws.queue("pair"), "warm-up of a and b", 1, kind, n / 2, 0);
            }
            for (Kind kind : Kind.values()) {
                for (int n : INFLIGHT) { // interleaved, so that other load on the machine falls on both alike
                    rows.add(run(a, aws.queue("t" + n), "trailrouter, " + knob + "=" + n, n, kind, MESSAGES, 0));
                    rows.add(runBaseline(baseline, n, kind, MESSAGES, "b" + n));
                }
                rows.add(run(a, aws.queue("def"), "trailrouter, defaults", 0, kind, MESSAGES, 0));
            }
            Scale scale = scale(a);
            Row defaultsCt = find(rows, "trailrouter, defaults", Kind.CLOUDTRAIL);
            double pacedRate = defaultsCt.messagesPerSecond() / 2;
            int pacedMessages = (int) Math.max(MESSAGES / 4, Math.min(10 * MESSAGES, pacedRate * 30)); // about 30 s
            Row paced = run(a, aws.queue("def"), "trailrouter, defaults, paced", 0, Kind.CLOUDTRAIL, pacedMessages, pacedRate);
            List<Row> rtts = new ArrayList<>();
            for (long rtt : OTHER_RTTS) {
                aws.rttMillis = rtt;
                int n = Math.max(100, MESSAGES * 3 / 10);
                rtts.add(run(a, aws.queue("def"), "trailrouter, defaults, " + rtt + " ms", 0, Kind.EVENTBRIDGE, n, 0));
                rtts.add(runBaseline(baseline, 4, Kind.EVENTBRIDGE, n, "rtt" + rtt));
            }
            aws.rttMillis = RTT_MILLIS;
            write(rows, scale, paced, pacedRate, ceiling, cpuCeiling, rtts);
        }
    }

    /**
     * 1 instance, then 2 on one queue, {@link #SCALE_ROUNDS} times: 1-event EventBridge messages on the queues of
     * {@link #LATENCY_BOUND}, which each instance reads with one receive loop and one message in flight, so that its
     * rate is set by round trips (a receive every ten messages, each message's POST), not by CPU. Instance a reads
     * "solo" alone and "pair" with instance b (which the caller started on "pair" only).
     */
    private Scale scale(Jvm a) throws Exception {
        List<Row> solos = new ArrayList<>();
        List<Row> pairs = new ArrayList<>();
        // one round first that is not counted: b has had less warm-up than a, and each round came out faster than the
        // one before until the JIT had seen this shape in both processes (128, 131, 134 messages/s in a quick run)
        run(a, aws.queue("solo"), "1 instance, not counted", 1, Kind.EVENTBRIDGE, MESSAGES, 0);
        run(a, aws.queue("pair"), "2 instances, not counted", 1, Kind.EVENTBRIDGE, MESSAGES, 0);
        for (int round = 0; round < SCALE_ROUNDS; round++) {
            solos.add(run(a, aws.queue("solo"), "1 instance", 1, Kind.EVENTBRIDGE, MESSAGES, 0));
            pairs.add(run(a, aws.queue("pair"), "2 instances", 1, Kind.EVENTBRIDGE, MESSAGES, 0));
        }
        return new Scale(solos, pairs);
    }

    private void writeScale(Scale scale) {
        say("### Two instances on one queue");
        say("");
        say("1-event EventBridge messages, %d ms RTT. Each instance reads the queue with `concurrent-consumers=1` and", RTT_MILLIS);
        say("`%s=1`, so that it is latency-bound: one receive of up to 10 messages at a time and one message in flight,", knob);
        say("its rate set by round trips (the receive, each message's %d ms POST), not by CPU. The second instance is another", WEBHOOK_MILLIS);
        say("`java -jar` process on the same queue. %d runs of each, alternating, after one of each not counted; the ratio is", SCALE_ROUNDS);
        say("of the medians.");
        say("");
        say("| run | instances | messages/s | events/s | latency p50 | latency p99 | SQS calls/msg | messages each instance received |");
        say("|---|---|---|---|---|---|---|---|");
        for (int i = 0; i < scale.solos().size(); i++) {
            for (Row r : List.of(scale.solos().get(i), scale.pairs().get(i))) {
                say("| %d | %s | %,.1f | %,.0f | %d ms | %d ms | %.2f | %s |", i + 1, r == scale.solos().get(i) ? "1" : "2",
                        r.messagesPerSecond(), r.eventsPerSecond(), r.p50(), r.p99(), r.sqsCallsPerMessage(),
                        r.receivedVia().values().stream().map(v -> String.format(Locale.ROOT, "%,d", v)).toList());
            }
        }
        say("");
        say("Medians: 1 instance %,.1f messages/s, 2 instances %,.1f: **%.2f×**%s.", scale.solo().messagesPerSecond(),
                scale.pair().messagesPerSecond(), scale.ratio(), scale.pairs().stream().allMatch(Row::complete)
                        && scale.pairs().stream().allMatch(r -> r.duplicates() == 0) ? ", every message delivered, no event twice"
                        : " (**not every message delivered once**: see the runs above)");
        say("");
    }

    private static Row find(List<Row> rows, String collector, Kind kind) {
        return rows.stream().filter(r -> r.collector().equals(collector) && r.kind() == kind).findFirst().orElseThrow();
    }

    private static Row baselineRow(List<Row> rows, int threads, Kind kind) {
        return find(rows, baselineName(threads), kind);
    }

    private void write(List<Row> rows, Scale scale, Row paced, double pacedRate, double[] ceiling,
                       double cpuCeiling, List<Row> rtts) {
        say("## 9. Throughput where AWS is not the bottleneck");
        say("");
        say("SQS and S3 are a stand-in in the benchmark's JVM (`AwsStandIn`: SQS's JSON protocol with visibility timeouts,");
        say("receipt handles and long polling; path-style S3 GET), every call answered after an injected round trip of");
        say("**%d ms** (half before the call takes effect, half after, slept on a pooled thread); the webhook answers after", RTT_MILLIS);
        say("**%d ms**. The stand-in's own ceiling, measured first in this run with no injected delay and 8 plain", WEBHOOK_MILLIS);
        say("HttpURLConnection threads (ReceiveMessage on an empty queue and GetObject of a 100-record file, alternately):");
        Row busiest = rows.stream().max((x, y) -> Double.compare(x.standInRequestsPerSecond(), y.standInRequestsPerSecond())).orElseThrow();
        say("**%,.0f requests/s** (%.2f ms a request). The busiest run below (%s, %s) sent it %,.0f requests/s, %.0f %% of",
                ceiling[0], ceiling[1], busiest.collector(), busiest.kind().label, busiest.standInRequestsPerSecond(),
                100 * busiest.standInRequestsPerSecond() / ceiling[0]);
        say("that: the stand-in is not what limits any figure here.");
        say("");
        say("Collectors, each its own JVM on the same 2 cores as the stand-in and the webhook:");
        say("- **trailrouter**: `java -jar target/trailrouter.jar` (the real Main), one long-lived process with one queue per");
        say("  setting, `trailrouter.aws.endpoint` at the stand-in, the shipped `routes/destinations/webhook.yaml` (batches");
        say("  of 100), dedup store `none`. *Defaults* sets no concurrency key; *tuned* sets `trailrouter.queue.<name>.%s`", knob);
        say("  to the in-flight count.");
        say("- **baseline** (`SdkBaseline`, what a team writes by hand): N threads, each: ReceiveMessage 10 (long poll) → per");
        say("  message GetObject, gunzip, Jackson parse, POST the records → one DeleteMessageBatch per receive. In flight = N.");
        say("  Its SDK clients have 200 connections (enough for 64 threads); trailrouter's have the SDK's default, 50.");
        say("");
        say("Each run: a held queue is filled, then released; once %,d messages are done and %d s have passed it is held", MESSAGES, MIN_RUN_SECONDS);
        say("again (what was not received yet is dropped) and timed until the last received message is deleted and its");
        say("events are at the webhook (*run*: messages done and seconds). Before measuring, each JVM warmed up on %,d objects and %,d EventBridge messages. Every",
                MESSAGES * 2 / 5, MESSAGES * 3 / 2);
        say("CloudTrail message notifies its own key, whose content is one of 100 distinct generated files (50 real sample");
        say("records, cycled), hence dedup `none` (the same eventIDs recur; dedup's own cost is section 8). Latency here is");
        say("from a message's first receive to its last event at the webhook (queue wait excluded: the queue starts full);");
        say("SQS calls per message count ReceiveMessage, DeleteMessage(Batch) and ChangeMessageVisibility(Batch) on the");
        say("queue during the run; *open calls, max* is the most SQS and S3 calls the collector had open at once for that");
        say("queue (each trailrouter queue reaches the stand-in at an address of its own). CPU is the collector process's CPU time. Heap is the largest heap after a GC during the");
        say("run (`-Xlog:gc`; default heap settings), \"no GC\" when none ran.");
        say("");
        for (Kind kind : Kind.values()) {
            say("### %s, %d ms RTT", kind.label, RTT_MILLIS);
            say("");
            say("| collector | in flight | run | messages/s | events/s | latency p50 | latency p99 | SQS calls/msg | open calls, max: SQS / S3 | CPU ms/msg | heap after GC |");
            say("|---|---|---|---|---|---|---|---|---|---|---|");
            for (Row r : rows) {
                if (r.kind() == kind) {
                    say("| %s%s | %s | %,d in %.1f s | %,.1f | %,.0f | %d ms | %d ms | %.2f | %d / %d | %.1f | %s |", r.collector(),
                            r.complete() ? "" : " (**" + r.delivered() + " of " + r.messages() + " delivered**)",
                            r.inflight() == 0 ? "default" : Integer.toString(r.inflight()), r.delivered(), r.seconds(),
                            r.messagesPerSecond(),
                            r.eventsPerSecond(), r.p50(), r.p99(), r.sqsCallsPerMessage(), r.peakOpenSqsCalls(), r.peakOpenS3Calls(),
                            r.cpuMsPerMessage(), r.heap());
                }
            }
            say("");
            for (Row r : rows) {
                if (r.kind() == kind && !r.warnings().isEmpty()) {
                    say("- %s logged warnings during its run: %s", r.collector(), r.warnings());
                }
            }
            if (rows.stream().anyMatch(r -> r.kind() == kind && !r.warnings().isEmpty())) {
                say("");
            }
            Row widest = find(rows, "trailrouter, " + knob + "=" + INFLIGHT[INFLIGHT.length - 1], kind);
            Row before = find(rows, "trailrouter, " + knob + "=" + INFLIGHT[INFLIGHT.length - 2], kind);
            if (widest.messagesPerSecond() < 0.8 * before.messagesPerSecond()) {
                say("Tuned to %d in flight trailrouter is slower than at %d (%,.1f against %,.1f messages/s); its SQS calls",
                        widest.inflight(), before.inflight(), widest.messagesPerSecond(), before.messagesPerSecond());
                say("for that queue peaked at %d open at once%s.", widest.peakOpenSqsCalls(), widest.peakOpenSqsCalls() >= 45
                        ? " (the SDK client's pool has 50 connections: see bench/README.md, \"Many consumers on one SDK client\")" : "");
                say("");
            }
            Row defaults = find(rows, "trailrouter, defaults", kind);
            double oneReceiver = 10 * 1000.0 / RTT_MILLIS; // 10 messages per receive, one receive per round trip
            if (defaults.messagesPerSecond() > 0.7 * oneReceiver && defaults.peakOpenSqsCalls() <= 4) {
                say("trailrouter with defaults moved %,.0f messages/s, %.0f %% of what one receive loop can take from a queue at",
                        defaults.messagesPerSecond(), 100 * defaults.messagesPerSecond() / oneReceiver);
                say("this round trip (10 messages per %d ms receive: %,.0f/s), with at most %d SQS calls open at once (one receive",
                        RTT_MILLIS, oneReceiver, defaults.peakOpenSqsCalls());
                say("and its deletes) and %.1f ms of CPU per message: its receive loop, not CPU, sets this rate.", defaults.cpuMsPerMessage());
                say("");
            }
        }
        List<Row> every = new ArrayList<>(rows);
        every.addAll(scale.solos());
        every.addAll(scale.pairs());
        every.add(paced);
        every.addAll(rtts);
        long duplicates = every.stream().mapToLong(Row::duplicates).sum();
        long stale = every.stream().mapToLong(Row::staleDeletes).sum();
        say("Events delivered more than once in all these runs: %,d; deletes with a stale receipt handle: %,d.", duplicates, stale);
        say("");
        writeScale(scale);
        say("### Latency at half the ceiling");
        say("");
        say("%,d CloudTrail objects of 100 records sent one at a time at %.1f messages/s (half of trailrouter's defaults'", paced.messages(), pacedRate);
        say("rate above) to the defaults queue; latency from the send to the message's last event at the webhook:");
        say("**p50 %d ms, p99 %d ms**%s.", paced.p50(), paced.p99(), paced.complete() ? "" : " (**" + paced.delivered() + " of " + paced.messages() + " delivered**)");
        say("");
        say("### Other round trips");
        say("");
        say("1-event EventBridge messages (the latency-bound case), at least %,d messages and %d s a run, trailrouter with",
                Math.max(100, MESSAGES * 3 / 10), MIN_RUN_SECONDS);
        say("defaults against the baseline at 4 threads, at %d and %d ms per AWS call instead of %d ms:", OTHER_RTTS[0],
                OTHER_RTTS[1], RTT_MILLIS);
        say("");
        say("| round trip | collector | messages/s | latency p50 | latency p99 | SQS calls/msg | CPU ms/msg |");
        say("|---|---|---|---|---|---|---|");
        for (int i = 0; i < rtts.size(); i++) {
            Row r = rtts.get(i);
            say("| %d ms | %s | %,.1f | %d ms | %d ms | %.2f | %.1f |", OTHER_RTTS[i / 2],
                    r.collector().startsWith("baseline") ? r.collector() : "trailrouter, defaults", r.messagesPerSecond(),
                    r.p50(), r.p99(), r.sqsCallsPerMessage(), r.cpuMsPerMessage());
        }
        say("");
        say("### Against the targets (issue 14)");
        say("");
        say("| target | measured | |");
        say("|---|---|---|");
        for (Kind kind : Kind.values()) {
            Row d = find(rows, "trailrouter, defaults", kind);
            Row base = baselineRow(rows, 4, kind);
            double ratio = d.eventsPerSecond() / base.eventsPerSecond();
            say("| defaults ≥ 3× baseline at 4 threads, %s | %.2f× (%,.0f vs %,.0f events/s) | %s |", kind.label, ratio,
                    d.eventsPerSecond(), base.eventsPerSecond(), ratio >= 3 ? "met" : "**missed**");
        }
        Row best = rows.stream().filter(r -> r.kind() == Kind.CLOUDTRAIL && r.collector().startsWith("trailrouter"))
                .max((x, y) -> Double.compare(x.eventsPerSecond(), y.eventsPerSecond())).orElseThrow();
        double share = best.eventsPerSecond() / cpuCeiling;
        say("| 100-record objects ≥ 70 %% of the CPU ceiling (section 1's best pipeline figure: %,.0f records/s) | %.0f %% (%s, %,.0f events/s) | %s |",
                cpuCeiling, share * 100, best.collector(), best.eventsPerSecond(), share >= 0.7 ? "met" : "**missed**");
        for (Kind kind : Kind.values()) {
            Row d = find(rows, "trailrouter, defaults", kind);
            say("| SQS calls per message ≤ 0.2 (defaults, %s) | %.3f | %s |", kind.label, d.sqsCallsPerMessage(),
                    d.sqsCallsPerMessage() <= 0.2 ? "met" : "**missed**");
        }
        say("| p99 ≤ 1 s at 50 %% of the ceiling | %d ms | %s |", paced.p99(), paced.p99() <= 1000 && paced.complete() ? "met" : "**missed**");
        say("| 1 → 2 instances ≥ 1.9× (latency-bound; issue 15) | %.2f× (medians of %d runs each) | %s |", scale.ratio(),
                SCALE_ROUNDS, scale.ratio() >= 1.9 ? "met" : "**missed**");
        say("");
        Row trBest = best;
        Row base4 = baselineRow(rows, 4, Kind.CLOUDTRAIL);
        Row d = find(rows, "trailrouter, defaults", Kind.CLOUDTRAIL);
        say("CPU per message, 100-record objects: trailrouter defaults %.1f ms%s, baseline at 4 threads %.1f ms (%.1f× the",
                d.cpuMsPerMessage(), trBest == d ? "" : String.format(Locale.ROOT, ", %s %.1f ms", trBest.collector(),
                        trBest.cpuMsPerMessage()), base4.cpuMsPerMessage(), d.cpuMsPerMessage() / base4.cpuMsPerMessage());
        Row dEb = find(rows, "trailrouter, defaults", Kind.EVENTBRIDGE);
        Row base4Eb = baselineRow(rows, 4, Kind.EVENTBRIDGE);
        say("baseline's); 1-event messages: trailrouter defaults %.1f ms, baseline at 4 threads %.1f ms (%.1f×).",
                dEb.cpuMsPerMessage(), base4Eb.cpuMsPerMessage(), dEb.cpuMsPerMessage() / base4Eb.cpuMsPerMessage());
        say("");
    }

    // --- one run ----------------------------------------------------------------------------------------------------

    private Row runBaseline(Jvm baseline, int threads, Kind kind, int messages, String queueName) throws Exception {
        AwsStandIn.Queue q = aws.createQueue(queueName + "-" + kind.name().toLowerCase(Locale.ROOT));
        aws.hold(q, true);
        URI endpoint = aws.endpoint(BASELINE_LANES + baselineRuns++); // an address per run: its open calls apart
        baseline.endpoints.put(q.name, endpoint);
        baseline.commands.println("run " + endpoint + " " + q.url + " " + threads);
        return run(baseline, q, baselineName(threads), threads, kind, messages, 0);
    }

    private static String baselineName(int threads) {
        return "baseline, " + threads + (threads == 1 ? " thread" : " threads");
    }

    /**
     * One run on one queue: fill it (held), release, wait for every message deleted and every event at the webhook.
     * With {@code pacedRate} > 0 the queue is not held: messages are sent at that rate and latency counts from the send.
     */
    private Row run(Jvm jvm, AwsStandIn.Queue q, String collector, int inflight, Kind kind, int messages, double pacedRate)
            throws Exception {
        progress("%s: %s, %d messages%s", collector, kind.label, messages, pacedRate > 0 ? String.format(Locale.ROOT, " at %.1f/s", pacedRate) : "");
        aws.forget(q);
        List<AwsStandIn.Msg> sent = new ArrayList<>();
        Map<String, Long> callsBefore = aws.calls(q.name);
        int gcBefore = jvm.gcLines().size();
        int logBefore = jvm.logLines().size();
        long requestsBefore = aws.requests();
        aws.resetPeaks();
        long cpuBefore = jvm.cpuMillis();
        long start;
        boolean stopped = false; // held after enough messages; a paced run is never stopped early: it waits for all
        if (pacedRate <= 0) {
            // more than the run needs, so that a fast collector is still busy at MIN_RUN_SECONDS; the rest is dropped
            int fill = messages * (kind == Kind.EVENTBRIDGE ? 60 : 10);
            aws.hold(q, true);
            for (int i = 0; i < fill; i++) {
                sent.add(aws.send(q, body(kind), null));
            }
            start = System.nanoTime();
            aws.hold(q, false);
        } else {
            aws.hold(q, false);
            start = System.nanoTime();
            long interval = (long) (1e9 / pacedRate);
            for (int i = 0; i < messages; i++) {
                long due = start + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                sent.add(aws.send(q, body(kind), null));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(240, messages / 4));
        while (System.nanoTime() < deadline) {
            int received = 0;
            int completed = 0;
            for (AwsStandIn.Msg m : sent) {
                if (m.firstReceivedNanos != 0) {
                    received++;
                    completed += complete(m, kind) ? 1 : 0;
                }
            }
            if (completed == sent.size() || stopped && completed == received) {
                break;
            }
            if (!stopped && pacedRate <= 0 && completed >= messages
                    && System.nanoTime() - start >= TimeUnit.SECONDS.toNanos(MIN_RUN_SECONDS)) {
                aws.hold(q, true); // enough: nothing more is handed out; what was received finishes
                stopped = true;
            }
            Thread.sleep(20);
        }
        aws.dropUnreceived(q);
        sent.removeIf(m -> m.firstReceivedNanos == 0);
        aws.hold(q, false);
        long end = start;
        int delivered = 0;
        long events = 0;
        List<Long> latencies = new ArrayList<>();
        for (AwsStandIn.Msg m : sent) {
            BenchWebhook.Arrival a = webhook.arrivals.remove(m.id);
            long got = a == null ? 0 : a.events.get();
            events += got;
            if (m.deletedNanos != 0 && got >= kind.eventsPerMessage) {
                delivered++;
                end = Math.max(end, Math.max(m.deletedNanos, a.lastNanos));
                latencies.add((a.lastNanos - (pacedRate > 0 ? m.sentNanos : m.firstReceivedNanos)) / 1_000_000);
            }
        }
        long cpu = jvm.cpuMillis() - cpuBefore;
        Map<String, Long> callsAfter = aws.calls(q.name);
        long sqsCalls = 0;
        for (String op : List.of("ReceiveMessage", "DeleteMessage", "DeleteMessageBatch", "ChangeMessageVisibility",
                "ChangeMessageVisibilityBatch")) {
            sqsCalls += callsAfter.getOrDefault(op, 0L) - callsBefore.getOrDefault(op, 0L);
        }
        long stale = callsAfter.getOrDefault("stale-delete", 0L) - callsBefore.getOrDefault("stale-delete", 0L);
        Map<String, Long> receivedVia = new TreeMap<>();
        callsAfter.forEach((k, v) -> {
            if (k.startsWith("messages received via ")) {
                receivedVia.put(k.substring("messages received via ".length()), v - callsBefore.getOrDefault(k, 0L));
            }
        });
        latencies.sort(null);
        double seconds = Math.max(1, end - start) / 1e9;
        Row row = new Row(collector, inflight, kind, sent.size(), delivered, seconds, events, percentile(latencies, 50),
                percentile(latencies, 99), sqsCalls / (double) Math.max(1, delivered), cpu / (double) Math.max(1, delivered),
                heap(jvm.gcLines(), gcBefore), Math.max(0, events - (long) delivered * kind.eventsPerMessage), stale,
                jvm.warnings(logBefore), (aws.requests() - requestsBefore) / seconds, receivedVia,
                aws.peakOpenCalls("sqs", jvm.endpoints.getOrDefault(q.name, aws.endpoint())),
                aws.peakOpenCalls("s3", jvm.endpoints.getOrDefault(q.name, aws.endpoint())));
        progress("  %,d messages in %.1f s: %,.1f messages/s, %,.0f events/s, p99 %d ms, %.2f SQS calls/msg, %.1f CPU ms/msg, heap %s%s",
                delivered, seconds, row.messagesPerSecond(), row.eventsPerSecond(), row.p99(), row.sqsCallsPerMessage(),
                row.cpuMsPerMessage(), row.heap(), row.complete() ? "" : " — only " + delivered + " of " + sent.size() + " delivered");
        return row;
    }

    /** Deleted, and every one of its events at the webhook. */
    private boolean complete(AwsStandIn.Msg m, Kind kind) {
        if (m.deletedNanos == 0) {
            return false;
        }
        BenchWebhook.Arrival a = webhook.arrivals.get(m.id);
        return a != null && a.events.get() >= kind.eventsPerMessage;
    }

    private String body(Kind kind) {
        if (kind == Kind.EVENTBRIDGE) {
            return eventBridgeTemplate.deepCopy().put("id", UUID.randomUUID().toString()).toString();
        }
        long n = keys.incrementAndGet();
        byte[] content = objects.get((int) (n % objects.size()));
        String key = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/30/111122223333_CloudTrail_us-east-1_20261130T0000Z_"
                + n + ".json.gz";
        aws.putObject(BUCKET, key, content);
        return snsTemplate.deepCopy().put("MessageId", UUID.randomUUID().toString())
                .put("Subject", "Amazon S3 Notification")
                .put("Message", BenchFiles.notification(BUCKET, key, content.length)).toString();
    }

    private static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    /** The largest heap after a GC among the GC log's lines since {@code from}, e.g. "38 MiB of 254 MiB (12 GCs)". */
    static String heap(List<String> lines, int from) {
        long maxAfter = -1;
        long committed = 0;
        int gcs = 0;
        for (String line : lines.subList(Math.min(from, lines.size()), lines.size())) {
            Matcher m = GC.matcher(line);
            if (m.find()) {
                gcs++;
                if (Long.parseLong(m.group(2)) > maxAfter) {
                    maxAfter = Long.parseLong(m.group(2));
                    committed = Long.parseLong(m.group(3));
                }
            }
        }
        return gcs == 0 ? "no GC" : String.format(Locale.ROOT, "%d MiB of %d MiB (%d GCs)", maxAfter, committed, gcs);
    }

    // --- the processes ----------------------------------------------------------------------------------------------

    private Jvm trailrouter(String name, Path dir, Path routes, List<String> queues, Map<String, Integer> tuned,
                            AwsStandIn.Queue dlq, int firstLane) throws Exception {
        Path log = dir.resolve("trailrouter-" + name + ".log");
        Path gcLog = dir.resolve("trailrouter-" + name + "-gc.log");
        ProcessBuilder builder = PackagedJar.java(log, "-Xlog:gc:file=" + gcLog, "-jar",
                PackagedJar.JAR.toAbsolutePath().toString());
        builder.redirectInput(ProcessBuilder.Redirect.PIPE);
        Map<String, String> env = builder.environment();
        // PackagedJar pins one receive loop for moto, which can give one message to two waiting long polls; the
        // stand-in cannot, and the defaults must be trailrouter's own
        env.remove("TRAILROUTER_INTAKE_CONCURRENT_CONSUMERS");
        int port = MotoServer.freePort();
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "testing");
        env.put("AWS_SECRET_ACCESS_KEY", "testing");
        env.put("TRAILROUTER_AWS_ENDPOINT", aws.endpoint().toString());
        env.put("TRAILROUTER_QUEUES", String.join(",", queues));
        for (String queue : queues) {
            String prefix = "TRAILROUTER_QUEUE_" + queue.toUpperCase(Locale.ROOT) + "_";
            env.put(prefix + "URL", aws.queue(queue).url);
            env.put(prefix + "ENDPOINT", aws.endpoint(firstLane + queues.indexOf(queue)).toString()); // its own SDK clients
            env.put(prefix + "DEAD_LETTER_QUEUE_URL", dlq.url);
            if (tuned.containsKey(queue)) {
                env.put(prefix + knob.toUpperCase(Locale.ROOT).replace('-', '_'), Integer.toString(tuned.get(queue)));
            }
            if (LATENCY_BOUND.contains(queue)) {
                env.put(prefix + "CONCURRENT_CONSUMERS", "1");
            }
        }
        env.put("TRAILROUTER_ROUTES_DIR", routes.toString());
        env.put("TRAILROUTER_WEBHOOK_URL", webhook.url().toString());
        env.put("TRAILROUTER_MANAGEMENT_PORT", Integer.toString(port));
        Jvm jvm = new Jvm("trailrouter-" + name, builder.start(), gcLog, log, port);
        for (String queue : queues) {
            jvm.endpoints.put(queue, aws.endpoint(firstLane + queues.indexOf(queue)));
        }
        return jvm;
    }

    /** Waits until the process's readiness check answers 200: every queue readable. */
    private void ready(Jvm jvm) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!jvm.process.isAlive()) {
                throw new IllegalStateException(jvm.name + " exited: " + Files.readString(jvm.log));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + jvm.managementPort + "/observe/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    progress("%s ready (log %s)", jvm.name, jvm.log);
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(jvm.name + " not ready in 120 s: " + Files.readString(jvm.log));
    }

    private Jvm baseline(Path dir) throws Exception {
        Path log = dir.resolve("baseline.log");
        Path gcLog = dir.resolve("baseline-gc.log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:gc:file=" + gcLog, "-cp", System.getProperty("java.class.path"), SdkBaseline.class.getName(),
                webhook.url().toString());
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        Jvm jvm = new Jvm("baseline", builder.start(), gcLog, log, -1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(log).contains("ready")) {
            if (!jvm.process.isAlive() || System.nanoTime() > deadline) {
                jvm.close();
                throw new IllegalStateException("the baseline did not start: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
        return jvm;
    }

    // --- the stand-in's own ceiling -----------------------------------------------------------------------------------

    /** Requests/s and ms per request of the stand-in at 0 ms RTT: 8 plain clients, ReceiveMessage and GetObject. */
    private double[] standInCeiling() throws Exception {
        AwsStandIn.Queue empty = aws.createQueue("ceiling");
        aws.putObject(BUCKET, "ceiling/probe.json.gz", objects.get(0));
        URI object = URI.create(aws.endpoint() + "/" + BUCKET + "/ceiling/probe.json.gz");
        byte[] receive = ("{\"QueueUrl\":\"" + empty.url + "\",\"MaxNumberOfMessages\":10,\"WaitTimeSeconds\":0}")
                .getBytes(StandardCharsets.UTF_8);
        int threads = 8;
        long seconds = 3;
        AtomicLong done = new AtomicLong();
        AtomicLong nanos = new AtomicLong();
        List<Thread> clients = new ArrayList<>();
        long warmUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        long until = warmUntil + TimeUnit.SECONDS.toNanos(seconds);
        for (int t = 0; t < threads; t++) {
            Thread client = new Thread(() -> {
                try {
                    for (int i = 0; System.nanoTime() < until; i++) {
                        long s = System.nanoTime();
                        HttpURLConnection c = (HttpURLConnection) (i % 2 == 0 ? aws.endpoint().toURL() : object.toURL()).openConnection();
                        if (i % 2 == 0) {
                            c.setRequestMethod("POST");
                            c.setDoOutput(true);
                            c.setRequestProperty("X-Amz-Target", "AmazonSQS.ReceiveMessage");
                            c.setRequestProperty("Content-Type", "application/x-amz-json-1.0");
                            try (OutputStream o = c.getOutputStream()) {
                                o.write(receive);
                            }
                        }
                        if (c.getResponseCode() != 200) {
                            throw new IllegalStateException("stand-in answered " + c.getResponseCode());
                        }
                        try (var in = c.getInputStream()) {
                            in.readAllBytes(); // read to the end: the connection is kept alive
                        }
                        if (s >= warmUntil) {
                            done.incrementAndGet();
                            nanos.addAndGet(System.nanoTime() - s);
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            client.start();
            clients.add(client);
        }
        for (Thread client : clients) {
            client.join();
        }
        return new double[] {done.get() / (double) seconds, nanos.get() / 1e6 / Math.max(1, done.get())};
    }
}
