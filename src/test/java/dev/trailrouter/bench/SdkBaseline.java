package dev.trailrouter.bench;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * What a team writes by hand, the baseline of the throughput benchmark: N threads, each looping receive 10 (long
 * poll 20 s) → for each message in turn: GetObject of every object an S3 notification (in its SNS envelope) names,
 * gunzip + Jackson parse, POST the records as one JSON array, or POST an EventBridge event as a one-element array →
 * one DeleteMessageBatch for the receive's messages whose POSTs were answered 2xx (the careful choice: one call per
 * receive instead of one per message). AWS SDK v2 sync clients (Apache HTTP client, as trailrouter's, but with 200 connections: enough for 64 threads), the JDK's
 * HttpClient for the POSTs. No dedup, no filter, no retries beyond the SDK's, no dead letters: a message that failed
 * simply comes back after its visibility timeout.
 *
 * <p>Its own JVM, like trailrouter's, and long-lived so that its JIT is warm when measured: commands on stdin,
 * {@code run <endpoint> <queueUrl> <threads>} (the previous run's threads stop after their current receive), {@code quit}. Each POST carries {@code X-Message-Id} so the receiver can time it.
 */
public final class SdkBaseline {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger GENERATION = new AtomicInteger();
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));

    public static void main(String[] args) throws Exception {
        URI webhook = URI.create(args[0]);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("ready");
        for (String line = commands.readLine(); line != null; line = commands.readLine()) {
            String[] words = line.trim().split(" ");
            switch (words[0]) {
                case "run" -> {
                    int generation = GENERATION.incrementAndGet();
                    URI endpoint = URI.create(words[1]);
                    // clients of their own per run, as a fresh process would have (and the stand-in counts this
                    // run's calls apart from the previous run's threads, which finish their last long poll)
                    SqsClient sqs = SqsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                            .credentialsProvider(CREDENTIALS).httpClientBuilder(ApacheHttpClient.builder().maxConnections(200)).build();
                    S3Client s3 = S3Client.builder().endpointOverride(endpoint).region(Region.US_EAST_1).forcePathStyle(true)
                            .credentialsProvider(CREDENTIALS).httpClientBuilder(ApacheHttpClient.builder().maxConnections(200)).build();
                    for (int t = 0; t < Integer.parseInt(words[3]); t++) {
                        Thread worker = new Thread(() -> loop(sqs, s3, http, webhook, words[2], generation), "baseline-" + t);
                        worker.setDaemon(true);
                        worker.start();
                    }
                    System.out.println("running");
                }
                case "quit" -> System.exit(0);
                default -> System.out.println("unknown command: " + words[0]);
            }
        }
        System.exit(0);
    }

    private static void loop(SqsClient sqs, S3Client s3, HttpClient http, URI webhook, String queueUrl, int generation) {
        while (GENERATION.get() == generation) {
            try {
                List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                        .waitTimeSeconds(20).visibilityTimeout(300)).messages();
                List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
                for (Message m : messages) {
                    if (deliver(s3, http, webhook, m)) {
                        done.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(done.size()))
                                .receiptHandle(m.receiptHandle()).build());
                    }
                }
                if (!done.isEmpty()) {
                    sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(done));
                }
            } catch (Exception e) {
                System.err.println("baseline: " + e);
            }
        }
    }

    /** POSTs the message's records (or its one EventBridge event); true when the receiver took them. */
    private static boolean deliver(S3Client s3, HttpClient http, URI webhook, Message m) throws Exception {
        JsonNode body = JSON.readTree(m.body());
        List<byte[]> posts = new ArrayList<>();
        if ("Notification".equals(body.path("Type").asText())) {
            for (JsonNode record : JSON.readTree(body.path("Message").asText()).path("Records")) {
                String bucket = record.path("s3").path("bucket").path("name").asText();
                String key = URLDecoder.decode(record.path("s3").path("object").path("key").asText(), StandardCharsets.UTF_8);
                byte[] gz = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz), 64 * 1024)) {
                    posts.add(JSON.writeValueAsBytes(JSON.readTree(in).path("Records")));
                }
            }
        } else {
            posts.add(JSON.writeValueAsBytes(JSON.createArrayNode().add(body)));
        }
        for (byte[] post : posts) {
            HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(webhook).header("Content-Type", "application/json")
                    .header("X-Message-Id", m.messageId()).POST(HttpRequest.BodyPublishers.ofByteArray(post)).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (answer.statusCode() / 100 != 2) {
                return false;
            }
        }
        return true;
    }
}
