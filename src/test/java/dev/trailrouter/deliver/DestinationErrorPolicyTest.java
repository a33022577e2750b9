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

    /** What the receiver answers, in order; once empty it accepts. */
    private final Deque<Object> answers = new ArrayDeque<>();
    private final AtomicInteger attempts = new AtomicInteger();

    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        configuration.withUseAdviceWith(true);
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getPropertiesComponent().addInitialProperty("trailrouter.aws.region", "eu-west-1");
        new TrailRouterBeans().configure(context);
        return context;
    }

    @Override
    protected RoutesBuilder[] createRouteBuilders() {
        return new RoutesBuilder[] {new WebhookTemplate(), new RouteBuilder() {
            @Override
            public void configure() {
                templatedRoute(WebhookTemplate.TEMPLATE).routeId("dest-plain")
                        .parameter("name", "plain").parameter("url", "http://127.0.0.1:9/hook")
                        .parameter("batchSize", "2")
                        .parameter("maxRetries", "3").parameter("initialDelayMillis", "1").parameter("maxDelayMillis", "5");
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
        assertTrue(verdict.reason().startsWith("destination plain: HttpOperationFailedException"), verdict.reason());
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
            assertTrue(document.contains("with statusCode: 503"), document);
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
}
