package dev.trailrouter.deliver;

import dev.trailrouter.config.SecretRef;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;

import dev.trailrouter.event.Event;
import dev.trailrouter.ledger.DeliveryLedger;

/**
 * The {@code slack} destination: posts events to a Slack incoming webhook, grouped up to {@code maxEventsPerMessage}
 * per message, at most one message per {@code minIntervalMillis} (waiting, never dropping; see {@link #pace}).
 * A burst is grouped across SQS messages: a group waits up to {@code groupWindowMillis} for more events
 * ({@link BurstGroups}), and each message it holds events of is deleted only after the group was posted or
 * dead-lettered (its {@link DeliveryLedger} waits for them).
 * A 429 is retried after its {@code Retry-After}. The webhook URL is a secret: the file names it by placeholder,
 * e.g. {@code {{env:SLACK_WEBHOOK_URL}}}.
 */
public final class SlackTemplate extends DestinationTemplate {

    public static final String TEMPLATE = "slack";
    static final String MIN_INTERVAL = "trailrouterSlackMinInterval";
    static final String MAX_EVENTS = "trailrouterSlackMaxEvents";
    static final String GROUP_WINDOW = "trailrouterSlackGroupWindow";

    @Override
    public void configure() {
        var template = template(TEMPLATE, "Posts events to a Slack incoming webhook as Block Kit messages")
                .templateParameter("url", null, "placeholder for the webhook URL, e.g. {{env:SLACK_WEBHOOK_URL}}")
                .templateParameter("maxEventsPerMessage", "10", "events grouped into one message (at most 24)")
                .templateParameter("groupWindowMillis", "2000",
                        "how long a group waits for more events of the burst, across SQS messages; 0 = group within one SQS message only")
                .templateParameter("minIntervalMillis", "1000", "at most one message per this many milliseconds");
        var route = begin(template)
                .setProperty(MAX_EVENTS, simple("{{maxEventsPerMessage}}", Integer.class))
                .setProperty(GROUP_WINDOW, simple("{{groupWindowMillis}}", Long.class))
                .setProperty(MIN_INTERVAL, simple("{{minIntervalMillis}}", Long.class))
                .choice()
                    .when(SlackTemplate::gathers)
                        .process(SlackTemplate::gather)
                    .otherwise();
        postInChunks(route, "{{maxEventsPerMessage}}", SlackTemplate::render);
    }

    /**
     * Whether this batch joins the destination's burst groups instead of being posted now: it comes from an SQS
     * unit that can wait for its groups (a standard queue's message: not FIFO queues, replays or the group's own
     * post; see {@link dev.trailrouter.ledger.UnitKind}), and the window is on.
     */
    static boolean gathers(Exchange exchange) {
        DeliveryLedger ledger = DeliveryLedger.of(exchange);
        return exchange.getProperty(GROUP_WINDOW, 0L, Long.class) > 0 && ledger != null && ledger.kind().mayDefer();
    }

    /**
     * Hands the batch to the destination's burst groups; the message's exchange goes on and waits for those groups at
     * the end of its intake route. Blocks while the destination already holds as many waiting events as it may.
     */
    static void gather(Exchange exchange) throws InterruptedException {
        String destination = exchange.getProperty(DESTINATION, String.class);
        BurstGroups groups = DeliveryRuntime.of(exchange).burstGroups(destination,
                exchange.getProperty(MAX_EVENTS, Integer.class), exchange.getProperty(GROUP_WINDOW, Long.class));
        List<Event> events = events(exchange);
        DeliveryLedger.of(exchange).deferred(destination, events.size(), groups.add(events));
    }

    /**
     * Waits until {@code minIntervalMillis} have passed since the last request to this webhook URL, by any destination, before the first
     * attempt and before every retry ({@link HttpAttempt}). Camel's throttle EIP would sit before the retried step, so
     * a retry after a 429 would not be paced; this is the same rule applied to every attempt. Waiting never drops.
     */
    static void pace(Exchange exchange) throws InterruptedException {
        Long interval = exchange.getProperty(MIN_INTERVAL, Long.class);
        if (interval == null) {
            return;
        }
        long[] last = DeliveryRuntime.of(exchange).lastSent(exchange.getProperty(HttpAttempt.URL, String.class));
        synchronized (last) {
            long wait = last[0] + interval - System.currentTimeMillis();
            if (wait > 0) {
                Thread.sleep(wait);
            }
            last[0] = System.currentTimeMillis();
        }
    }

    static void render(Exchange exchange) throws Exception {
        ObjectMapper json = DeliveryRuntime.of(exchange).json;
        exchange.getIn().setBody(json.writeValueAsBytes(SlackMessage.render(json, events(exchange))));
    }

    static void check(Map<String, String> params, UnaryOperator<String> resolve) {
        String url = params.get("url");
        if (url != null && !url.contains("{{")) {
            throw new IllegalArgumentException("parameter 'url': a Slack webhook URL is a secret; keep it out of the "
                    + "file and name it by placeholder, e.g. url: \"{{env:SLACK_WEBHOOK_URL}}\"");
        }
        String resolved = resolve.apply(url);
        DestinationFiles.requireHttpUrl("url", resolved);
        SecretRef.remember(resolved);
        int max = DestinationFiles.requirePositive("maxEventsPerMessage", params.getOrDefault("maxEventsPerMessage", "10"));
        if (max > SlackMessage.MAX_EVENTS) {
            throw new IllegalArgumentException("parameter 'maxEventsPerMessage': at most " + SlackMessage.MAX_EVENTS
                    + " (Slack allows 50 blocks per message)");
        }
        DestinationFiles.requireNonNegative("groupWindowMillis", params.getOrDefault("groupWindowMillis", "2000"));
        DestinationFiles.requirePositive("minIntervalMillis", params.getOrDefault("minIntervalMillis", "1000"));
    }
}
