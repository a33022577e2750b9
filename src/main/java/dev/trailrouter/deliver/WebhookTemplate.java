package dev.trailrouter.deliver;

import java.net.URI;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.RouteTemplateContext;

import dev.trailrouter.observe.PipelineMetrics;

/**
 * The {@code webhook} destination type: POSTs events as JSON arrays to an HTTP(S) endpoint. Declared by a route file
 * (routes/destinations/*.yaml) with {@code templatedRoute: routeTemplateRef: webhook}. Parameters and defaults are
 * listed in docs/configuration.md; the contract is:
 * <ul>
 *   <li>each request body is a JSON array of at most {@code batchSize} events (docs/event-model.md);</li>
 *   <li>connection errors, timeouts, 5xx, 408 and 429 are retried up to {@code maxRetries} times with exponential
 *       backoff and jitter; a {@code Retry-After} header on 429/503 sets the wait instead (capped at
 *       {@code maxDelayMillis});</li>
 *   <li>any other 4xx fails at once; a failure fails the SQS message, which is then not deleted.</li>
 * </ul>
 */
public final class WebhookTemplate extends RouteBuilder {

    public static final String TEMPLATE = "webhook";
    static final String MAX_DELAY = "trailrouterMaxRetryDelay";
    static final String DESTINATION = "trailrouterDestination";
    static final String BATCH_SIZE = "trailrouterBatchSize";

    @Override
    public void configure() {
        routeTemplate(TEMPLATE)
                .templateParameter("name", null, "destination name: the route reads direct:dest-<name>")
                .templateParameter("url", null, "http:// or https:// URL to POST to")
                .templateParameter("batchSize", "100", "events per request")
                .templateParameter("maxRetries", "8", "retries after the first attempt")
                .templateParameter("initialDelayMillis", "1000", "first backoff delay, doubled each retry")
                .templateParameter("maxDelayMillis", "60000", "cap for one backoff delay and for Retry-After")
                .configure(WebhookTemplate::validateUrl)
                .from("direct:dest-{{name}}")
                    .errorHandler(defaultErrorHandler().logExhausted(false))
                    .onException(Exception.class)
                        .onWhen(HttpRetryPolicy::isRetryable)
                        .maximumRedeliveries("{{maxRetries}}")
                        .redeliveryDelay("{{initialDelayMillis}}")
                        .useExponentialBackOff().backOffMultiplier("2")
                        .maximumRedeliveryDelay("{{maxDelayMillis}}")
                        .useCollisionAvoidance()
                        .retryAttemptedLogLevel(LoggingLevel.WARN)
                        .logRetryStackTrace(false)
                        .logExhausted(false)
                        .onExceptionOccurred(exchange -> HttpRetryPolicy.applyRetryAfter(exchange,
                                exchange.getProperty(MAX_DELAY, 60000L, Long.class)))
                    .end()
                    .setProperty(MAX_DELAY, simple("{{maxDelayMillis}}", Long.class))
                    .setProperty(DESTINATION, constant("{{name}}"))
                    .split(simple("${collate({{batchSize}})}")).stopOnException()
                        .setProperty(BATCH_SIZE, simple("${body.size()}", Integer.class))
                        .marshal().json()
                        .removeHeaders("*")
                        .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                        .setHeader(Exchange.HTTP_METHOD, constant("POST"))
                        .to("{{url}}")
                        .process(WebhookTemplate::countDelivered)
                    .end();
    }

    /**
     * Rejects at start-up a URL that is not http(s): the template sends to whatever endpoint the URL names, and a
     * destination file must not be able to turn it into a file writer or anything else. Timeouts come from the http
     * component (camel.component.http[s].*-timeout in application.properties); a destination can override them by
     * adding camel-http options such as connectTimeout=2000 to the URL's query.
     */
    static void validateUrl(RouteTemplateContext template) {
        String name = template.getProperty("name", String.class);
        String url = template.getCamelContext().resolvePropertyPlaceholders(template.getProperty("url", String.class));
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("webhook '" + name + "': parameter url is not a URL: " + url, e);
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("webhook '" + name + "': parameter url must start with http:// or "
                    + "https://, got '" + url + "'");
        }
    }

    private static void countDelivered(Exchange exchange) {
        PipelineMetrics metrics = exchange.getContext().getRegistry().findSingleByType(PipelineMetrics.class);
        metrics.delivered(exchange.getProperty(DESTINATION, String.class), exchange.getProperty(BATCH_SIZE, 0, Integer.class));
    }
}
