package dev.trailrouter.deliver;

import dev.trailrouter.config.SecretRef;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * One HTTP attempt of a webhook or Slack destination: wait for the destination's pace, sign with this attempt's
 * timestamp, send. It is the step the error handler retries, so every retry is paced and signed afresh as well
 * (the webhook-id, set before it, stays). Sends through Camel's http component; a failed status is thrown as
 * camel-http's HttpOperationFailedException for {@link DeliveryFailures} to classify.
 */
public final class HttpAttempt {

    public static final String URL = "trailrouterHttpUrl";

    private HttpAttempt() {
    }

    static void send(Exchange exchange) throws Exception {
        SlackTemplate.pace(exchange);
        WebhookSigning.signAttempt(exchange);
        DeliveryRuntime.of(exchange).producer().send(exchange.getProperty(URL, String.class), exchange);
        Exception failure = exchange.getException();
        if (failure != null) {
            exchange.setException(null);
            throw redacted(failure);
        }
    }

    /**
     * camel-http puts the whole URL in its exception, and a Slack webhook's token is in the path: replace secrets
     * before anything (Camel's own fallback logging included) can print it.
     */
    static Exception redacted(Exception failure) {
        if (failure instanceof HttpOperationFailedException http) {
            HttpOperationFailedException copy = new HttpOperationFailedException(SecretRef.redact(http.getUri()),
                    http.getStatusCode(), http.getStatusText(), SecretRef.redact(http.getRedirectLocation()),
                    http.getResponseHeaders(), http.getResponseBody());
            copy.setStackTrace(http.getStackTrace());
            return copy;
        }
        return failure;
    }
}
