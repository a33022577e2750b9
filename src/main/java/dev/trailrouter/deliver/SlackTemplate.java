package dev.trailrouter.deliver;

import java.util.List;

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
 * e.g. {@code {{env:SLACK_WEBHOOK_URL}}}. Parameters: {@code destination-types/slack.json}.
 */
public final class SlackTemplate extends DestinationTemplate {

    public static final String TEMPLATE = "slack";

    @Override
    public void configure() {
        var template = template(TEMPLATE, (context, destination) -> destination.httpOrigin());
        var route = begin(template)
                .choice().id("group-or-post")
                    .when(SlackTemplate::gathers)
                        .process(SlackTemplate::gather).id("gather")
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
        return Destination.of(exchange).longValue("groupWindowMillis") > 0 && ledger != null && ledger.kind().mayDefer();
    }

    /**
     * Hands the batch to the destination's burst groups; the message's exchange goes on and waits for those groups at
     * the end of its intake route. Blocks while the destination already holds as many waiting events as it may.
     */
    static void gather(Exchange exchange) throws InterruptedException {
        Destination destination = Destination.of(exchange);
        BurstGroups groups = DeliveryRuntime.of(exchange).burstGroups(destination.name(),
                destination.intValue("maxEventsPerMessage"), destination.longValue("groupWindowMillis"));
        List<Event> events = events(exchange);
        List<java.util.concurrent.CompletableFuture<Void>> held = groups.add(events);
        DeliveryLedger.of(exchange).deferred(destination.name(), events.size(), held);
        // their dedup claims end when the groups settle; the group's post records them as it is accepted
        DeliveryRuntime.of(exchange).dedup().ifPresent(dedup -> dedup.deferred(exchange, destination.name(), events, held));
    }

    /**
     * Waits until {@code minIntervalMillis} have passed since the last request to this webhook URL, by any destination, before the first
     * attempt and before every retry ({@link HttpAttempt}). Camel's throttle EIP would sit before the retried step, so
     * a retry after a 429 would not be paced; this is the same rule applied to every attempt. Waiting never drops.
     */
    static void pace(Exchange exchange) throws InterruptedException {
        Destination destination = Destination.of(exchange);
        if (!TEMPLATE.equals(destination.type().name())) {
            return;
        }
        long interval = destination.longValue("minIntervalMillis");
        long[] last = DeliveryRuntime.of(exchange).lastSent(destination.url());
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
}
