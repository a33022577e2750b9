package dev.trailrouter.demo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.main.Main;

import dev.trailrouter.TrailRouter;

/**
 * {@code java -jar trailrouter.jar demo}: the whole production path on one machine with no AWS account. Starts a
 * local AWS emulator (moto_server), provisions the org-trail chain bucket → SNS → SQS (+ DLQ), starts a webhook
 * receiver, runs trailrouter's real Main with the real route files in routes/, uploads the bundled CloudTrail files
 * and prints each event as the webhook receives it. {@code trailrouter demo --exit-when-done} ({@code cli.DemoCommand}) stops once every event has arrived.
 */
public final class LocalDemo {

    private LocalDemo() {
    }

    /** @return true when every bundled record reached the webhook and the queue ended empty */
    public static boolean run(boolean exitWhenDone, Duration timeout) throws Exception {
        if (!Files.isDirectory(Path.of(System.getProperty("trailrouter.routes-dir", "routes"), "destinations"))) {
            System.err.println("demo: run it from the trailrouter directory (it reads the route files in routes/)");
            return false;
        }
        ObjectMapper json = new ObjectMapper();
        say("starting the local AWS emulator (moto_server)…");
        try (MotoServer moto = MotoServer.start();
             WebhookReceiver webhook = new WebhookReceiver()) {
            S3NotificationChain chain = S3NotificationChain.create(moto.endpoint(), "demo", 60, 5);
            say("emulator on " + moto.endpoint() + ": bucket " + chain.bucket + " → SNS " + chain.topicArn
                    + " → SQS " + chain.queueUrl + " (DLQ after 5 receives)");
            AtomicInteger received = new AtomicInteger();
            webhook.onRequest(request -> {
                try {
                    for (JsonNode event : json.readTree(request.body())) {
                        int n = received.incrementAndGet();
                        say(String.format("webhook ← #%02d %s %-28s %-22s by %s from %s", n,
                                event.path("time").asText(), event.path("name").asText(),
                                event.path("service").asText(), event.path("actor").asText("-"),
                                event.path("sourceIp").asText("-")));
                    }
                } catch (java.io.IOException e) {
                    say("webhook received a body that is not JSON: " + new String(request.body(), StandardCharsets.UTF_8));
                }
            });

            Main main = TrailRouter.newMain();
            Map.of(
                    "trailrouter.queues", "demo",
                    "trailrouter.queue.demo.url", chain.queueUrl,
                    "trailrouter.queue.demo.visibility-timeout", "60",
                    "trailrouter.queue.demo.wait-time-seconds", "1",
                    "trailrouter.aws.region", S3NotificationChain.REGION,
                    "trailrouter.aws.endpoint", moto.endpoint().toString(),
                    "trailrouter.webhook.url", webhook.url().toString(),
                    "trailrouter.management.port", System.getProperty("trailrouter.management.port", "9876")
            ).forEach(main::addOverrideProperty);
            // no dedup in the demo: its bundled samples (real files from other projects' tests) reuse AWS documentation
            // eventIDs ("…EXAMPLE") across records, which dedup would rightly deliver once; and no state left behind
            main.addOverrideProperty("trailrouter.state.store", "none");
            // one receive at a time on the embedded moto, which can hand one message to two long polls waiting at the
            // same moment (real SQS does not): the demo counts its 50 events exactly
            main.addOverrideProperty("trailrouter.intake.concurrent-consumers", "1");
            main.addOverrideProperty("trailrouter.state.dir", Files.createTempDirectory("trailrouter-demo-state").toString());
            System.setProperty("aws.accessKeyId", "testing");
            System.setProperty("aws.secretAccessKey", "testing");
            main.start();
            try {
                say("trailrouter is running; uploading " + DemoSamples.FILES.size() + " CloudTrail log files ("
                        + DemoSamples.RECORDS + " records) to s3://" + chain.bucket + "/AWSLogs/…");
                DemoSamples.asCloudTrailObjects().forEach(chain::put);
                Instant deadline = Instant.now().plus(timeout);
                while (Instant.now().isBefore(deadline)
                        && (received.get() < DemoSamples.RECORDS || chain.messagesIn(chain.queueUrl) > 0)) {
                    Thread.sleep(250);
                }
                boolean complete = received.get() == DemoSamples.RECORDS && chain.messagesIn(chain.queueUrl) == 0;
                say(complete
                        ? "all " + DemoSamples.RECORDS + " events delivered; queue empty, DLQ holds "
                                + chain.messagesIn(chain.deadLetterQueueUrl) + ". Metrics: http://127.0.0.1:"
                                + main.getCamelContext().getPropertiesComponent().resolveProperty("trailrouter.management.port").orElse("?")
                                + "/observe/metrics"
                        : "only " + received.get() + " of " + DemoSamples.RECORDS + " events arrived in " + timeout);
                if (!exitWhenDone) {
                    say("upload more files to the bucket to see them flow; Ctrl-C to stop");
                    main.getShutdownStrategy().await(); // Ctrl-C or SIGTERM: stop at once, emulator included
                }
                return complete;
            } finally {
                main.stop();
                chain.close();
            }
        }
    }

    private static void say(String line) {
        System.out.println("[demo] " + line);
    }
}
