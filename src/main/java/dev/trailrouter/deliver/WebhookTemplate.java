package dev.trailrouter.deliver;

import org.apache.camel.Exchange;

/**
 * The {@code webhook} destination: POSTs events as JSON arrays of at most {@code batchSize} events, signed per the
 * Standard Webhooks spec when a {@code secret} is given ({@link WebhookSigning}). Connection errors, timeouts, 5xx, 408
 * and 429 are retried (see {@link DestinationTemplate}); other 4xx are permanent. Parameters:
 * {@code destination-types/webhook.json}.
 */
public final class WebhookTemplate extends DestinationTemplate {

    public static final String TEMPLATE = "webhook";

    @Override
    public void configure() {
        var template = template(TEMPLATE, (context, destination) -> destination.httpOrigin());
        postInChunks(begin(template), "{{batchSize}}", WebhookTemplate::render);
    }

    /** The body, the chunk as a JSON array of Events; the webhook-id, bearer token and custom headers. */
    static void render(Exchange exchange) throws Exception {
        exchange.getIn().setBody(DeliveryRuntime.of(exchange).json.writeValueAsBytes(events(exchange)));
        WebhookSigning.prepare(exchange);
    }
}
