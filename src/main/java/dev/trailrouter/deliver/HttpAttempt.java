package dev.trailrouter.deliver;

import org.apache.camel.Exchange;

/**
 * The HTTP types' attempt: the request goes to the destination's URL through Camel's http component, whose endpoint
 * (the route's {@code post} step) shows only scheme, host and port; the whole URL travels in the {@code CamelHttpUri}
 * header. Every attempt, the first and each retry ({@link #beforeRetry}, Camel's onRedelivery), waits for the
 * destination's pace and is signed afresh with its own timestamp (the webhook-id, set before, stays). A failed status
 * is camel-http's HttpOperationFailedException, which {@link DeliveryFailures} classifies.
 */
public final class HttpAttempt {

    private HttpAttempt() {
    }

    /** Before the first attempt: the URL, the pace, the signature. */
    static void prepare(Exchange exchange) throws InterruptedException {
        exchange.getIn().setHeader(Exchange.HTTP_URI, Destination.of(exchange).url());
        attempt(exchange);
    }

    /** Camel's onRedelivery for every destination type: an HTTP retry is paced and re-signed. */
    static void beforeRetry(Exchange exchange) throws InterruptedException {
        Destination destination = Destination.of(exchange);
        if (destination != null && destination.url() != null && exchange.getIn().getHeader(Exchange.HTTP_URI) != null) {
            attempt(exchange);
        }
    }

    private static void attempt(Exchange exchange) throws InterruptedException {
        SlackTemplate.pace(exchange);
        WebhookSigning.signAttempt(exchange);
    }
}
