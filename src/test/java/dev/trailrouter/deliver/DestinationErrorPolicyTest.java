package dev.trailrouter.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trailrouter.TrailRouterBeans;
import dev.trailrouter.event.Event;
import dev.trailrouter.event.Origin;
import dev.trailrouter.ledger.DeliveryLedger;
import dev.trailrouter.ledger.UnitKind;
import dev.trailrouter.ledger.Verdict;

/**
 * A destination's error policy at route level: the real webhook template and error handler, its {@code post} step
 * (found by its id) replaced by a scripted receiver, retries with millisecond delays. Each case runs in milliseconds;
 * the same rules are tested end to end against real HTTP receivers in DestinationContract.
 */
class DestinationErrorPolicyTest extends CamelTestSupport {

    @TempDir
    static Path deadLetters;

    static final String SECRET_URL = "http://127.0.0.1:9/hook/" + "s3cr3t-path-token-in-the-url";
    /** A regular file where a directory is expected: every dead-letter write there fails. */
    static final Path UNWRITABLE = Path.of(System.getProperty("java.io.tmpdir"), "trailrouter-not-a-dir-" + ProcessHandle.current().pid());
    static final AtomicInteger userRouteRuns = new AtomicInteger();

    /** What the receiver answers, in order; once empty it accepts. */
    private final Deque<Object> answers = new ArrayDeque<>();
    private final AtomicInteger attempts = new AtomicInteger();

    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        configuration.withUseAdviceWith(true);
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        Files.writeString(UNWRITABLE, "not a directory");
        userRouteRuns.set(0);
        CamelContext context = super.createCamelContext();
        context.getPropertiesComponent().addInitialProperty("test.slack.url", "http://127.0.0.1:9/services/T0/B0/slacktoken123");
        context.getPropertiesComponent().addInitialProperty("trailrouter.aws.region", "eu-west-1");
        // the error policy alone: these tests deliver the same event ids again on purpose (dedup: MotoDedupTest)
        context.getPropertiesComponent().addInitialProperty("trailrouter.state.store", "none");
        new TrailRouterBeans().configure(context);
        return context;
    }

    @Override
    protected RoutesBuilder[] createRouteBuilders() {
        return new RoutesBuilder[] {new WebhookTemplate(), new SlackTemplate(), new RouteBuilder() {
            @Override
            public void configure() {
                templatedRoute(WebhookTemplate.TEMPLATE).routeId("dest-plain")
                        .parameter("name", "plain").parameter("url", "http://127.0.0.1:9/hook")
                        .parameter("batchSize", "2")
                        .parameter("maxRetries", "3").parameter("initialDelayMillis", "1").parameter("maxDelayMillis", "5");
                templatedRoute(WebhookTemplate.TEMPLATE).routeId("dest-unwritable")
                        .parameter("name", "unwritable").parameter("url", SECRET_URL)
                        .parameter("deadLetter", "dir:" + UNWRITABLE)
                        .parameter("maxRetries", "0");
                // an integrator's route in front of a Slack destination (its input): it must run once per batch
                from("direct:dest-alerts").routeId("dest-alerts").process(e -> userRouteRuns.incrementAndGet())
                        .to("direct:alerts-sink");
                templatedRoute(SlackTemplate.TEMPLATE).routeId("alerts-slack")
                        .parameter("name", "alerts").parameter("url", "{{test.slack.url}}")
                        .parameter("input", "direct:alerts-sink").parameter("groupWindowMillis", "50");
                templatedRoute(WebhookTemplate.TEMPLATE).routeId("dest-kept")
                        .parameter("name", "kept").parameter("url", "http://127.0.0.1:9/hook")
                        .parameter("deadLetter", "dir:" + deadLetters)
                        .parameter("maxRetries", "3").parameter("initialDelayMillis", "1").parameter("maxDelayMillis", "5");
            }
        }};
    }

    private void scriptPost(String routeId) throws Exception {
        AdviceWith.adviceWith(context, routeId, route -> route.weaveById("post").replace().process(exchange -> {
            attempts.incrementAndGet();
            Object answer = answers.poll();
            if (answer instanceof Integer status) {
                throw new HttpOperationFailedException("http://127.0.0.1:9/hook", status, "status " + status, null,
                        Map.of(), "");
            }
            if (answer instanceof Exception e) {
                throw e;
            }
        }));
        context.start();
    }

    private static List<Event> events(int n) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(new Event("e" + i, "2026-11-30T09:00:00Z", "cloudtrail", "111122223333", "eu-west-1", "iam",
                    "CreateUser", "alice", "198.51.100.1", false, Origin.ofMessage("q", "m"), null));
        }
        return events;
    }

    private DeliveryLedger deliver(String destination, int events) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getIn().setBody(events(events));
        DeliveryLedger ledger = DeliveryLedger.open(exchange, "q", "m-" + System.nanoTime(), UnitKind.QUEUE_MESSAGE);
        template.send("direct:dest-" + destination, exchange);
        assertEquals(null, exchange.getException(), "a destination reports to the ledger, it does not throw");
        return ledger;
    }

    @Test
    void retryableFailuresAreRetriedThenAccepted() throws Exception {
        scriptPost("dest-plain");
        answers.add(503);
        answers.add(new IOException("connection reset"));
        DeliveryLedger ledger = deliver("plain", 1);
        assertEquals(3, attempts.get(), "two failures, then accepted");
        assertTrue(ledger.verdict().done());
        assertEquals(Map.of("plain", "accepted=1"), ledger.summary());
    }

    @Test
    void aPermanentFailureIsNotRetriedAndKeepsTheUnitWithoutADeadLetterTarget() throws Exception {
        scriptPost("dest-plain");
        answers.add(400);
        DeliveryLedger ledger = deliver("plain", 4); // two chunks of two
        assertEquals(1, attempts.get(), "400 is not retried, and the second chunk is not tried: the unit comes back");
        Verdict verdict = ledger.verdict();
        assertEquals(Verdict.Decision.RETRY, verdict.decision());
        assertEquals("destination plain: HTTP 400 status 400 from http://127.0.0.1:9", verdict.reason(),
                "the status and the origin: the URL's path or query may hold a token");
    }

    @Test
    void retriesRunOutIntoTheDeadLetterTargetAndTheUnitIsDone() throws Exception {
        scriptPost("dest-kept");
        for (int i = 0; i < 4; i++) {
            answers.add(503);
        }
        DeliveryLedger ledger = deliver("kept", 1);
        assertEquals(4, attempts.get(), "the first attempt and maxRetries 3");
        assertTrue(ledger.verdict().done(), "dead-lettered counts as done");
        assertEquals(Map.of("kept", "dead-lettered=1"), ledger.summary());
        try (Stream<Path> files = Files.list(deadLetters)) {
            String document = Files.readString(files.filter(f -> f.getFileName().toString().startsWith("kept-")).findFirst().orElseThrow());
            assertTrue(document.contains("\"reason\":\"HTTP 503 status 503 from http://127.0.0.1:9\""), document);
            assertTrue(document.contains("\"id\":\"e0\""), document);
        }
    }

    @Test
    void aDestinationThatIsDownGetsOneAttemptPerUnitUntilItAcceptsAgain() throws Exception {
        scriptPost("dest-plain");
        DeliveryRuntime runtime = DeliveryRuntime.of(context);
        for (int i = 0; i < 5; i++) {
            answers.add(503);
        }
        deliver("plain", 1);
        assertEquals(4, attempts.get(), "a full retry budget");
        assertTrue(runtime.knownDown("plain"));
        deliver("plain", 1);
        assertEquals(5, attempts.get(), "down: one attempt, no retries");
        deliver("plain", 1); // accepted
        assertEquals(6, attempts.get());
        assertFalse(runtime.knownDown("plain"), "up again with the first accepted batch");
        for (int i = 0; i < 4; i++) {
            answers.add(503);
        }
        deliver("plain", 1);
        assertEquals(10, attempts.get(), "the full retry budget is back");
    }

    @Test
    void aRateLimitThatOutlastsTheRetriesIsNotDown() throws Exception {
        scriptPost("dest-plain");
        for (int i = 0; i < 4; i++) {
            answers.add(429);
        }
        DeliveryLedger ledger = deliver("plain", 1);
        assertEquals(4, attempts.get());
        assertEquals(Verdict.Decision.RETRY, ledger.verdict().decision());
        assertFalse(DeliveryRuntime.of(context).knownDown("plain"), "throttling never costs later batches their retries");
    }

    @Test
    void aFailedDeadLetterWriteKeepsTheUnitAndNothingLogsTheSecretUrl() throws Exception {
        scriptPost("dest-unwritable");
        answers.add(400);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged = new ch.qos.logback.core.read.ListAppender<>();
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("ROOT");
        logged.start();
        root.addAppender(logged);
        DeliveryLedger ledger;
        try {
            ledger = deliver("unwritable", 1);
        } finally {
            root.detachAppender(logged);
        }
        Verdict verdict = ledger.verdict();
        assertEquals(Verdict.Decision.RETRY, verdict.decision(), "neither delivered nor dead-lettered: the unit comes back");
        assertTrue(verdict.reason().contains("the dead-letter write to dir:" + UNWRITABLE + " failed"), verdict.reason());
        assertTrue(ledger.failing(), "decoding stops reading the rest of the unit");
        for (var event : logged.list) {
            String text = event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
                    : ch.qos.logback.classic.spi.ThrowableProxyUtil.asString(event.getThrowableProxy()));
            assertFalse(text.contains("s3cr3t-path-token"), "logged: " + text);
        }
        assertFalse(logged.list.isEmpty(), "the failure was logged");
    }

    @Test
    void aSlackGroupGoesToTheDestinationsOwnInputNotThroughTheRouteInFrontOfItAgain() throws Exception {
        scriptPost("alerts-slack");
        Exchange exchange = new DefaultExchange(context);
        exchange.getIn().setBody(events(1));
        DeliveryLedger ledger = DeliveryLedger.open(exchange, "q", "m-group", UnitKind.QUEUE_MESSAGE);
        template.send("direct:dest-alerts", exchange);
        ledger.settled().get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(ledger.verdict().done(), ledger.verdict().toString());
        assertEquals(1, attempts.get(), "the group was posted");
        assertEquals(1, userRouteRuns.get(), "the integrator's steps ran once, for the batch, not again for the group");
    }
}
