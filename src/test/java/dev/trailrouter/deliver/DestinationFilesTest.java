package dev.trailrouter.deliver;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DestinationFilesTest {

    @TempDir
    Path routes;

    DefaultCamelContext context;

    @BeforeEach
    void context() {
        context = new DefaultCamelContext();
        Properties properties = new Properties();
        properties.setProperty("slack.url", "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX");
        properties.setProperty("siem.url", "https://siem.example.com/ingest");
        context.getPropertiesComponent().setInitialProperties(properties);
    }

    @AfterEach
    void close() throws Exception {
        context.close();
    }

    private String file(String name, String parameters, String type) throws Exception {
        Path file = routes.resolve("destinations/" + name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "- templatedRoute:\n    routeTemplateRef: " + type + "\n    parameters:\n" + parameters);
        return file.toString();
    }

    private static String param(String name, String value) {
        return "      - name: " + name + "\n        value: \"" + value + "\"\n";
    }

    private String failure() {
        return assertThrows(IllegalArgumentException.class, () -> DestinationFiles.validate(routes, context)).getMessage();
    }

    @Test
    void acceptsTheShippedExamplesShape() throws Exception {
        file("siem.yaml", param("name", "siem") + param("url", "{{siem.url}}") + param("deadLetter", "dir:/tmp/dl"), "webhook");
        file("slack.yaml", param("name", "alerts") + param("url", "{{slack.url}}")
                + param("filter", "${body.readOnly} != true"), "slack");
        file("archive.yaml", param("name", "archive") + param("directory", "/tmp/archive"), "archive");
        file("sns.yaml", param("name", "fanout") + param("topicArn", "arn:aws:sns:us-east-1:111122223333:events"), "sns");
        file("replay.yaml", param("destination", "siem") + param("directory", "/tmp/dl"), "replay-dir");
        assertDoesNotThrow(() -> DestinationFiles.validate(routes, context));
    }

    @Test
    void missingParameterNamesFileAndParameter() throws Exception {
        String path = file("siem.yaml", param("name", "siem"), "webhook");
        String message = failure();
        assertTrue(message.startsWith(path + ": webhook 'siem': missing required parameter 'url'"), message);
    }

    @Test
    void unknownTypeListsTheKnownOnes() throws Exception {
        String path = file("chat.yaml", param("name", "chat"), "teams");
        String message = failure();
        assertTrue(message.startsWith(path + ": teams 'chat': unknown destination type 'teams' (known: archive, "
                + "replay-dir, replay-sqs, slack, sns, webhook)"), message);
    }

    @Test
    void misspelledParameterIsReported() throws Exception {
        file("siem.yaml", param("name", "siem") + param("url", "{{siem.url}}") + param("batchsize", "10"), "webhook");
        assertTrue(failure().contains("unknown parameter 'batchsize'"));
    }

    @Test
    void secretsMayNotBeWrittenIntoTheFile() throws Exception {
        file("siem.yaml", param("name", "siem") + param("url", "{{siem.url}}") + param("secret", "whsec_abc"), "webhook");
        assertTrue(failure().contains("parameter 'secret' must name the secret (env:NAME, file:/path, or a placeholder"), failure());
    }

    @Test
    void missingSecretFileIsReportedAtStartUp() throws Exception {
        file("siem.yaml", param("name", "siem") + param("url", "{{siem.url}}") + param("secret", "file:/no/such/secret"), "webhook");
        assertTrue(failure().contains("parameter 'secret': cannot read /no/such/secret"));
    }

    @Test
    void literalSlackUrlIsRefused() throws Exception {
        file("slack.yaml", param("name", "alerts") + param("url", "https://hooks.slack.com/services/T/B/x"), "slack");
        assertTrue(failure().contains("parameter 'url' must name the secret"), failure());
        assertFalse(failure().contains("hooks.slack.com"), "the secret is not repeated in the error");
    }

    @Test
    void slackGroupingParametersAreChecked() throws Exception {
        file("slack.yaml", param("name", "alerts") + param("url", "{{slack.url}}") + param("groupWindowMillis", "-5"), "slack");
        assertTrue(failure().contains("groupWindowMillis"), failure());
        file("slack.yaml", param("name", "alerts") + param("url", "{{slack.url}}") + param("maxEventsPerMessage", "30"), "slack");
        assertTrue(failure().contains("parameter 'maxEventsPerMessage' must have a maximum value of 24, got '30'"), failure());
        file("slack.yaml", param("name", "alerts") + param("url", "{{slack.url}}") + param("groupWindowMillis", "0"), "slack");
        assertDoesNotThrow(() -> DestinationFiles.validate(routes, context), "0 groups within one SQS message only");
    }

    @Test
    void brokenFilterAndDeadLetterSpecsAreReported() throws Exception {
        file("a.yaml", param("name", "a") + param("url", "{{siem.url}}") + param("filter", "${body.kind} ==="), "webhook");
        assertTrue(failure().contains("parameter 'filter' is not a valid Simple predicate"));
        file("a.yaml", param("name", "a") + param("url", "{{siem.url}}") + param("deadLetter", "kafka:x"), "webhook");
        assertTrue(failure().contains("parameter 'deadLetter' is not of the expected form (sqs:<queue URL> or dir:<path>"), failure());
    }

    @Test
    void twoDestinationsMayNotShareAName() throws Exception {
        file("a.yaml", param("name", "siem") + param("url", "{{siem.url}}"), "webhook");
        file("b.yaml", param("name", "siem") + param("directory", "/tmp/x"), "archive");
        assertTrue(failure().contains("a destination named 'siem' is already declared in"));
    }

    @Test
    void replayMustNameADeclaredDestination() throws Exception {
        file("replay.yaml", param("destination", "nowhere") + param("directory", "/tmp/dl"), "replay-dir");
        assertTrue(failure().contains("replays into 'nowhere', which no destination file declares"));
    }

    @Test
    void unresolvablePlaceholderIsReported() throws Exception {
        file("siem.yaml", param("name", "siem") + param("url", "{{nope.url}}"), "webhook");
        assertTrue(failure().contains("cannot resolve '{{nope.url}}'"));
    }

    @Test
    void anInvalidUrlIsNotRepeatedInTheMessageItMayHoldAToken() throws Exception {
        file("siem.yaml", param("name", "siem") + param("url", "https://[::1/ingest?token=SEKRET7"), "webhook");
        String message = failure();
        assertTrue(message.contains("parameter 'url'"), message);
        assertFalse(message.contains("SEKRET7"), message);
        file("siem.yaml", param("name", "siem") + param("url", "ftp://example.com/x?token=SEKRET8"), "webhook");
        assertFalse(failure().contains("SEKRET8"), failure());
    }

    @Test
    void aDestinationsSecretsAreResolvedOnceForTheCheckAndItsRoute() throws Exception {
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
        context.getPropertiesComponent().addPropertiesFunction(new org.apache.camel.spi.PropertiesFunction() {
            @Override
            public String getName() {
                return "vault";
            }

            @Override
            public String apply(String remainder) {
                lookups.incrementAndGet(); // as a Secrets Manager call would be
                return "t0ken-" + remainder;
            }
        });
        file("siem.yaml", param("name", "siem") + param("url", "{{siem.url}}") + param("bearerToken", "{{vault:siem}}"), "webhook");
        DestinationFiles.validate(routes, context);
        assertEquals(1, lookups.get());
        context.addRoutes(new WebhookTemplate());
        org.apache.camel.builder.TemplatedRouteBuilder.builder(context, "webhook").routeId("dest-siem")
                .parameter("name", "siem").parameter("url", "{{siem.url}}").parameter("bearerToken", "{{vault:siem}}").add();
        assertEquals(1, lookups.get(), "the route reuses the checked destination");
        assertEquals("t0ken-siem", Destination.named(context, "siem").bearerToken());
    }
}
