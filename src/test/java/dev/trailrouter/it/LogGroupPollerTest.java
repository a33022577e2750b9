package dev.trailrouter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trailrouter.demo.WebhookReceiver;
import dev.trailrouter.event.CloudTrailEvents;
import dev.trailrouter.observe.PipelineMetrics;
import dev.trailrouter.support.Fixtures;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;

/**
 * The CloudWatch Logs FilterLogEvents poller against moto: a log group holding CloudTrail records, as CloudTrail writes
 * them when a trail sends to CloudWatch Logs (the records of fixtures/cloudtrail/, see {@link LookupPollerTest}, each
 * its own eventID and a time in the last minutes), and plain log lines (fixtures/cloudwatch_logs/
 * beats__cloudwatch_ec2.reconstructed.log). The real Main with a real route file delivers them to a real HTTP receiver.
 */
class LogGroupPollerTest {

    static MotoEmulator moto;

    @TempDir
    Path tmp;

    WebhookReceiver webhook;
    CloudWatchLogsClient logs;

    @BeforeAll
    static void emulator() throws Exception {
        moto = MotoEmulator.start();
    }

    @AfterAll
    static void stopEmulator() {
        moto.close();
    }

    @BeforeEach
    void start() throws Exception {
        webhook = new WebhookReceiver();
        logs = CloudWatchLogsClient.builder().endpointOverride(moto.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(() -> AwsBasicCredentials.create("testing", "testing")).build();
    }

    @AfterEach
    void stop() {
        webhook.close();
        logs.close();
    }

    @Test
    void cloudTrailRecordsInALogGroupAreDeliveredAsTheSameEventsAsFromS3AndOtherLinesAsLogEvents() throws Exception {
        String group = "aws-cloudtrail-logs-" + System.nanoTime();
        String stream = "111122223333_CloudTrail_us-east-1";
        logs.createLogGroup(b -> b.logGroupName(group));
        logs.createLogStream(b -> b.logGroupName(group).logStreamName(stream));
        logs.createLogStream(b -> b.logGroupName(group).logStreamName("i-0ec2"));
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<JsonNode> records = LookupPollerTest.records("cw", 1100, now.minusSeconds(200), now.minusSeconds(20));
        List<InputLogEvent> trail = new ArrayList<>();
        for (JsonNode record : records) {
            trail.add(InputLogEvent.builder().timestamp(Instant.parse(record.path("eventTime").asText()).toEpochMilli())
                    .message(record.toString()).build());
        }
        logs.putLogEvents(b -> b.logGroupName(group).logStreamName(stream).logEvents(trail));
        List<String> lines = Fixtures.text("cloudwatch_logs/beats__cloudwatch_ec2.reconstructed.log").lines()
                .filter(l -> !l.isBlank()).toList();
        List<InputLogEvent> plain = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            plain.add(InputLogEvent.builder().timestamp(now.minusSeconds(30).plusMillis(i).toEpochMilli())
                    .message(lines.get(i)).build());
        }
        logs.putLogEvents(b -> b.logGroupName(group).logStreamName("i-0ec2").logEvents(plain));

        Path routes = routes();
        try (RunningTrailRouter trailrouter = RunningTrailRouter.with()
                .routesDir(routes)
                .property("trailrouter.log-group-pollers", "orgtrail")
                .property("trailrouter.log-group-poller.orgtrail.log-group", group)
                .property("trailrouter.log-group-poller.orgtrail.region", "us-east-1")
                .property("trailrouter.log-group-poller.orgtrail.start-time", now.minusSeconds(300).toString())
                .property("trailrouter.log-group-poller.orgtrail.period", "1")
                .property("trailrouter.log-group-poller.orgtrail.trailing-window", "PT10S")
                .property("trailrouter.state.dir", tmp.resolve("state").toString())
                .start(moto)) {
            int expected = records.size() + lines.size();
            Eventually.within(Duration.ofSeconds(90), expected + " events delivered",
                    () -> ContractSupport.events(webhook.accepted()).size() >= expected);

            Map<String, JsonNode> delivered = new HashMap<>();
            for (JsonNode event : ContractSupport.events(webhook.accepted())) {
                delivered.put(event.path("id").asText(), event);
            }
            assertEquals(expected, delivered.size(), "each once");
            for (JsonNode record : records) {
                // what the S3 path makes of the same record (PolledRecordsTest shows the S3 reader yields this Event)
                ObjectNode fromS3 = Fixtures.JSON.valueToTree(CloudTrailEvents.fromRecord(record, null));
                ObjectNode polled = ((ObjectNode) delivered.get(record.path("eventID").asText())).deepCopy();
                assertEquals(group, polled.path("origin").path("logGroup").asText());
                assertEquals(stream, polled.path("origin").path("logStream").asText());
                polled.remove("origin");
                assertEquals(fromS3, polled, record.path("eventID").asText());
            }
            long logEvents = delivered.values().stream().filter(e -> e.path("kind").asText().equals("cloudwatch-log"))
                    .peek(e -> assertEquals(group, e.path("name").asText()))
                    .filter(e -> lines.contains(e.path("detail").path("message").asText())).count();
            assertEquals(lines.size(), logEvents, "the other lines are log events, message untouched");
            PipelineMetrics metrics = trailrouter.context().getRegistry().findSingleByType(PipelineMetrics.class);
            assertTrue(metrics.count("trailrouter.poller.pages", "poller", "orgtrail", "outcome", "done") >= 2,
                    "1,106 events in pages of 1,000");
        }
    }

    Path routes() throws Exception {
        Path dir = java.nio.file.Files.createDirectories(tmp.resolve("routes/destinations"));
        java.nio.file.Files.writeString(dir.resolve("webhook.yaml"), """
                - templatedRoute:
                    routeTemplateRef: webhook
                    routeId: dest-test
                    parameters:
                      - name: name
                        value: test
                      - name: url
                        value: '%s'
                      - name: batchSize
                        value: '100'
                      - name: maxRetries
                        value: '0'
                """.formatted(webhook.url()));
        return dir.getParent();
    }
}
