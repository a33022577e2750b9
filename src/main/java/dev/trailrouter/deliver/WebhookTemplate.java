package dev.trailrouter.deliver;

import java.util.Map;

import org.apache.camel.Exchange;


/**
 * The {@code webhook} destination: POSTs events as JSON arrays of at most {@code batchSize} events, signed per the
 * Standard Webhooks spec when a {@code secret} is given ({@link WebhookSigning}). Connection errors, timeouts, 5xx, 408
 * and 429 are retried (see {@link DestinationTemplate}); other 4xx are permanent.
 */
public final class WebhookTemplate extends DestinationTemplate {

    public static final String TEMPLATE = "webhook";

    @Override
    public void configure() {
        var template = template(TEMPLATE, "POSTs events as signed JSON batches to an HTTP(S) endpoint")
                .templateParameter("url", null, "http:// or https:// URL to POST to")
                .templateParameter("batchSize", "100", "events per request")
                .templateParameter("secret", "", "env:NAME or file:/path holding one or more signing secrets")
                .templateParameter("bearerToken", "", "env:NAME or file:/path: sent as Authorization: Bearer …")
                .templateParameter("headers", "", "extra headers, Name=value;Name2=value2 (values may be env:/file:)");
        postInChunks(begin(template)
                        .setProperty(WebhookSigning.SECRET, constant("{{secret}}"))
                        .setProperty(WebhookSigning.BEARER, constant("{{bearerToken}}"))
                        .setProperty(WebhookSigning.HEADERS, constant("{{headers}}")),
                "{{batchSize}}", WebhookTemplate::render);
    }

    /** The body, the chunk as a JSON array of Events; the webhook-id, bearer token and custom headers. */
    static void render(Exchange exchange) throws Exception {
        exchange.getIn().setBody(DeliveryRuntime.of(exchange).json.writeValueAsBytes(events(exchange)));
        WebhookSigning.prepare(exchange);
    }

    /** Start-up checks of a webhook file's parameters (see {@link DestinationFiles}). */
    static void check(Map<String, String> params, java.util.function.UnaryOperator<String> resolve) {
        DestinationFiles.requireHttpUrl("url", resolve.apply(params.get("url")));
        DestinationFiles.requirePositive("batchSize", params.getOrDefault("batchSize", "100"));
        for (String secretParam : new String[] {"secret", "bearerToken"}) {
            String value = params.getOrDefault(secretParam, "");
            if (!value.isBlank()) {
                DestinationFiles.requireSecretRef(secretParam, value);
            }
        }
        String headers = params.getOrDefault("headers", "");
        if (!headers.isBlank()) {
            try {
                WebhookSigning.headers(headers);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("parameter 'headers': " + e.getMessage(), e);
            }
        }
        String secret = params.getOrDefault("secret", "");
        if (!secret.isBlank()) {
            try {
                WebhookSigning.keys(secret);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("parameter 'secret': " + e.getMessage(), e);
            }
        }
    }
}
