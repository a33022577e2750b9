package dev.trailrouter.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiptHandleIsInvalidException;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The SQS and S3 semantics the throughput benchmark depends on, through the real SDK v2 clients (so the JSON protocol,
 * the MD5 checks and aws-chunked uploads are the SDK's own): visibility, receipt handles, deletes one by one and in
 * batches, long polling, FIFO group order, objects. No timing is asserted beyond "the injected round trip happened".
 */
class AwsStandInTest {

    private static AwsStandIn aws;
    private static SqsClient sqs;
    private static S3Client s3;

    @BeforeAll
    static void start() throws Exception {
        aws = new AwsStandIn(0);
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
        sqs = SqsClient.builder().endpointOverride(aws.endpoint()).region(Region.US_EAST_1).credentialsProvider(credentials).build();
        s3 = S3Client.builder().endpointOverride(aws.endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(credentials).build();
    }

    @AfterAll
    static void stop() {
        sqs.close();
        s3.close();
        aws.close();
    }

    private static String queue(String name) {
        return sqs.createQueue(b -> b.queueName(name)).queueUrl();
    }

    private static List<Message> receive(String url, int visibility) {
        return sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).visibilityTimeout(visibility)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
    }

    @Test
    void aReceivedMessageIsHiddenUntilItsVisibilityEndsThenComesBackWithANewHandle() throws Exception {
        String url = queue("visibility");
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("one"));
        Message first = receive(url, 1).get(0);
        assertEquals("one", first.body());
        assertEquals("1", first.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
        assertEquals(List.of(), receive(url, 1), "hidden while its visibility timeout runs");
        Thread.sleep(1100);
        Message again = receive(url, 30).get(0);
        assertEquals(first.messageId(), again.messageId());
        assertEquals("2", again.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
        assertTrue(!again.receiptHandle().equals(first.receiptHandle()));

        sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(first.receiptHandle())); // stale: accepted, deletes nothing
        assertEquals(1, aws.undeleted(aws.queue("visibility")));
        assertEquals(1L, aws.calls("visibility").get("stale-delete"));
        assertThrows(ReceiptHandleIsInvalidException.class, () -> sqs.changeMessageVisibility(b -> b.queueUrl(url)
                .receiptHandle(first.receiptHandle()).visibilityTimeout(0)));
        sqs.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(again.receiptHandle()).visibilityTimeout(0));
        Message third = receive(url, 30).get(0);
        assertEquals("3", third.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
        sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(third.receiptHandle()));
        assertEquals(0, aws.undeleted(aws.queue("visibility")));
        assertThrows(ReceiptHandleIsInvalidException.class,
                () -> sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle("made-up")));
    }

    @Test
    void batchesDeleteTheirEntriesAndReportEachFailure() {
        String url = queue("batch");
        List<SendMessageBatchRequestEntry> entries = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            entries.add(SendMessageBatchRequestEntry.builder().id("e" + i).messageBody("m" + i).build());
        }
        assertEquals(10, sqs.sendMessageBatch(b -> b.queueUrl(url).entries(entries)).successful().size());
        List<Message> got = receive(url, 30);
        assertEquals(10, got.size());
        assertEquals("m0", got.get(0).body(), "in send order");
        assertEquals("10", sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL))
                .attributes().get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
        List<DeleteMessageBatchRequestEntry> deletes = new java.util.ArrayList<>();
        for (int i = 0; i < 9; i++) {
            deletes.add(DeleteMessageBatchRequestEntry.builder().id("d" + i).receiptHandle(got.get(i).receiptHandle()).build());
        }
        deletes.add(DeleteMessageBatchRequestEntry.builder().id("bad").receiptHandle("made-up").build());
        var answer = sqs.deleteMessageBatch(b -> b.queueUrl(url).entries(deletes));
        assertEquals(9, answer.successful().size());
        assertEquals("bad", answer.failed().get(0).id());
        assertEquals("ReceiptHandleIsInvalid", answer.failed().get(0).code());
        assertEquals(1, aws.undeleted(aws.queue("batch")));
        var visibility = sqs.changeMessageVisibilityBatch(b -> b.queueUrl(url).entries(e -> e.id("v")
                .receiptHandle(got.get(9).receiptHandle()).visibilityTimeout(0)));
        assertEquals(1, visibility.successful().size());
        assertEquals("m9", receive(url, 30).get(0).body());
    }

    @Test
    void aLongPollReturnsAsSoonAsAMessageArrives() throws Exception {
        String url = queue("longpoll");
        Thread sender = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            sqs.sendMessage(b -> b.queueUrl(url).messageBody("late"));
        });
        long start = System.nanoTime();
        sender.start();
        List<Message> got = sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(5)).messages();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals("late", got.get(0).body());
        assertTrue(millis >= 250 && millis < 4000, "answered when the message came, after " + millis + " ms");
    }

    @Test
    void aFifoQueueGivesOutNothingOfAGroupWithAMessageInFlight() {
        String url = queue("orders.fifo");
        for (String[] m : new String[][] {{"a", "a1"}, {"a", "a2"}, {"b", "b1"}}) {
            sqs.sendMessage(b -> b.queueUrl(url).messageBody(m[1]).messageGroupId(m[0]).messageDeduplicationId(m[1]));
        }
        Message a1 = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(1)).messages().get(0);
        assertEquals("a1", a1.body());
        List<Message> next = receive(url, 30);
        assertEquals(List.of("b1"), next.stream().map(Message::body).toList(), "a2 waits for a1");
        sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(a1.receiptHandle()));
        assertEquals("a2", receive(url, 30).get(0).body());
    }

    @Test
    void messageAttributesPassTheSdksChecksums() {
        String url = queue("attributes");
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("x").messageAttributes(Map.of(
                "reason", MessageAttributeValue.builder().dataType("String").stringValue("bad input").build(),
                "count", MessageAttributeValue.builder().dataType("Number").stringValue("3").build())));
        Message m = sqs.receiveMessage(b -> b.queueUrl(url).messageAttributeNames("All")).messages().get(0);
        assertEquals("bad input", m.messageAttributes().get("reason").stringValue());
    }

    @Test
    void objectsPutWithTheSdkComeBackByteForByteAndIfMatchIsHonoured() {
        byte[] content = BenchFiles.cloudTrailFile(10, 1);
        String etag = s3.putObject(b -> b.bucket("trail").key("AWSLogs/a b+c.json.gz"), RequestBody.fromBytes(content)).eTag();
        assertArrayEquals(content, s3.getObjectAsBytes(b -> b.bucket("trail").key("AWSLogs/a b+c.json.gz")).asByteArray());
        assertArrayEquals(content, s3.getObjectAsBytes(b -> b.bucket("trail").key("AWSLogs/a b+c.json.gz").ifMatch(etag)).asByteArray());
        assertEquals(412, assertThrows(S3Exception.class, () -> s3.getObjectAsBytes(b -> b.bucket("trail")
                .key("AWSLogs/a b+c.json.gz").ifMatch("\"other\""))).statusCode());
        assertEquals(404, assertThrows(S3Exception.class, () -> s3.getObjectAsBytes(b -> b.bucket("trail").key("none"))).statusCode());
    }

    @Test
    void everyCallWaitsTheInjectedRoundTrip() {
        String url = queue("rtt");
        aws.rttMillis = 50;
        try {
            long start = System.nanoTime();
            sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
            assertTrue((System.nanoTime() - start) / 1_000_000 >= 50);
        } finally {
            aws.rttMillis = 0;
        }
    }
}
