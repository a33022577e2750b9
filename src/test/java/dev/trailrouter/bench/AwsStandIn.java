package dev.trailrouter.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * SQS and S3 stand-ins that are not the bottleneck: one loopback HTTP server that answers the AWS SDK v2's SQS calls
 * (the AWS JSON 1.0 protocol the 2.41 client speaks: {@code POST /}, {@code X-Amz-Target: AmazonSQS.<Op>}) and
 * path-style S3 object calls, each after an injected round trip ({@link #rttMillis}: half slept before the call
 * takes effect, half after, on one of many pooled threads, so waiting costs no CPU). moto, one Python process,
 * answers ~150 GetObject+DeleteMessage pairs a second on this machine (docs/BENCHMARKS.md §3): a collector that
 * overlaps its calls would measure moto. This one answers thousands (measured beside every run, {@link #ceiling}).
 *
 * <p>SQS semantics kept because the collectors depend on them: a received message is invisible until its visibility
 * timeout ends, then comes back with a new receipt handle and a higher ApproximateReceiveCount; only the latest
 * receipt handle deletes it (an older one "succeeds" and deletes nothing, as SQS documents; counted as
 * {@code stale-delete}); ChangeMessageVisibility needs the latest handle; long polling waits up to WaitTimeSeconds for
 * a message; FIFO queues ({@code .fifo}) hand out a group's messages in order and none of a group while one of its
 * messages is in flight. Not kept: FIFO deduplication, retention, redrive (no RedrivePolicy attribute: trailrouter is
 * given a dead-letter-queue-url), message timers other than DelaySeconds, and signature checking (any credentials).
 *
 * <p>For the benchmark each message remembers when it was sent, first received and deleted ({@link Msg}), a queue can
 * be held (receives return nothing) while it is filled so that a run starts with a full queue, and every call is
 * counted per queue and operation.
 */
final class AwsStandIn implements AutoCloseable {

    static {
        noDelay();
    }

    /**
     * Turns on TCP_NODELAY for the JDK's HTTP server, which it reads once, when its first server is made in the JVM.
     * Without it a small answer written in two parts (headers, then body) waits for the client's delayed ACK: about
     * 40 ms a request on Linux, which would cap this stand-in near 200 requests/s and add 40 ms to every call.
     */
    static void noDelay() {
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    static final String ACCOUNT = "000000000000";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

    /** One message and, for the benchmark, when things happened to it (System.nanoTime of this JVM; 0 = not yet). */
    static final class Msg {
        final String id;
        final String body;
        final String md5OfBody;
        final String groupId;
        final ObjectNode attributes; // message attributes as sent, or null
        final String md5OfAttributes;
        final long sentMillis = System.currentTimeMillis();
        final long sentNanos;
        final long sequence;
        volatile long firstReceivedNanos;
        volatile long deletedNanos;
        int receiveCount;
        long firstReceivedMillis;
        long visibleAtNanos;
        String handle;

        Msg(String body, String groupId, ObjectNode attributes, long sequence, long delayNanos) {
            this.id = UUID.randomUUID().toString();
            this.body = body;
            this.md5OfBody = md5Hex(body.getBytes(StandardCharsets.UTF_8));
            this.groupId = groupId;
            this.attributes = attributes == null || attributes.isEmpty() ? null : attributes;
            this.md5OfAttributes = this.attributes == null ? null : md5OfAttributes(this.attributes);
            this.sequence = sequence;
            this.sentNanos = System.nanoTime();
            this.visibleAtNanos = sentNanos + delayNanos;
        }
    }

    /** One queue. Every field is guarded by the queue's monitor, which receives wait on. */
    static final class Queue {
        final String name;
        final String url;
        final boolean fifo;
        final LinkedHashMap<String, Msg> waiting = new LinkedHashMap<>(); // undeleted, in send order
        final Map<String, Msg> handles = new HashMap<>(); // every handle ever given → its message
        final Map<String, Msg> all = new ConcurrentHashMap<>(); // every message ever sent, for the timings
        long sequence;
        boolean held;

        Queue(String name, String url) {
            this.name = name;
            this.url = url;
            this.fifo = name.endsWith(".fifo");
        }

        /** Up to {@code max} visible messages, made invisible for {@code visibilityNanos}. */
        List<Msg> take(int max, long visibilityNanos) {
            List<Msg> taken = new ArrayList<>();
            if (held) {
                return taken;
            }
            long now = System.nanoTime();
            Set<String> blockedGroups = fifo ? new HashSet<>() : Set.of();
            for (Msg m : waiting.values()) {
                if (taken.size() >= max) {
                    break;
                }
                if (fifo && blockedGroups.contains(m.groupId)) {
                    continue;
                }
                if (m.visibleAtNanos > now) {
                    if (fifo) {
                        blockedGroups.add(m.groupId); // a group with a message in flight gives out nothing
                    }
                    continue;
                }
                m.receiveCount++;
                if (m.firstReceivedNanos == 0) {
                    m.firstReceivedNanos = now;
                    m.firstReceivedMillis = System.currentTimeMillis();
                }
                m.handle = "rh-" + m.id + "-" + m.receiveCount + "-" + UUID.randomUUID();
                m.visibleAtNanos = now + visibilityNanos;
                handles.put(m.handle, m);
                taken.add(m);
            }
            return taken;
        }

        int visible() {
            long now = System.nanoTime();
            int n = 0;
            for (Msg m : waiting.values()) {
                n += !held && m.visibleAtNanos <= now ? 1 : 0;
            }
            return n;
        }
    }

    /** A call that SQS refuses: HTTP 400 with the JSON protocol's error type. */
    static final class SqsError extends RuntimeException {
        final String code;
        final String queryCode;

        SqsError(String code, String queryCode, String message) {
            super(message);
            this.code = code;
            this.queryCode = queryCode;
        }
    }

    private final HttpServer server;
    private final ThreadPoolExecutor pool;
    private final Map<Integer, HttpServer> lanes = new HashMap<>();
    private final Map<String, Queue> queues = new ConcurrentHashMap<>();
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>(); // "bucket/key" → bytes
    private final Set<String> buckets = ConcurrentHashMap.newKeySet();
    private final Map<String, Map<String, LongAdder>> calls = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final Map<String, AtomicInteger> openCalls = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> peakOpenCalls = new ConcurrentHashMap<>();
    volatile long rttMillis;

    AwsStandIn(long rttMillis) throws IOException {
        this.rttMillis = rttMillis;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4096);
        // many threads: each waiting request (the injected round trip, a long poll) holds one, asleep
        pool = new ThreadPoolExecutor(16, 2048, 60, TimeUnit.SECONDS, new SynchronousQueue<>());
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /**
     * The same stand-in on another loopback address ({@code 127.0.0.<lane + 1>}, lane 0 = {@link #endpoint()}). A
     * trailrouter process shares one SDK client, and its pool of 50 connections, among all queues with the same
     * endpoint; each long-polling consumer holds a connection for up to 20 s. Giving each benchmark queue its own
     * endpoint gives it its own clients, so that the idle consumers of one queue cannot starve the one measured.
     */
    synchronized URI endpoint(int lane) throws IOException {
        if (lane == 0) {
            return endpoint();
        }
        HttpServer extra = lanes.get(lane);
        if (extra == null) {
            extra = HttpServer.create(new InetSocketAddress("127.0.0." + (lane + 1), 0), 4096);
            extra.setExecutor(pool);
            extra.createContext("/", this::handle);
            extra.start();
            lanes.put(lane, extra);
        }
        return URI.create("http://127.0.0." + (lane + 1) + ":" + extra.getAddress().getPort());
    }

    Queue createQueue(String name) {
        return queues.computeIfAbsent(name, n -> new Queue(n, endpoint() + "/" + ACCOUNT + "/" + n));
    }

    Queue queue(String name) {
        Queue q = queues.get(name);
        if (q == null) {
            throw new IllegalArgumentException("no queue " + name);
        }
        return q;
    }

    void putObject(String bucket, String key, byte[] content) {
        buckets.add(bucket);
        objects.put(bucket + "/" + key, content);
    }

    /** Sends without a round trip or a count: how the benchmark fills a queue. */
    Msg send(Queue q, String body, String groupId) {
        synchronized (q) {
            Msg m = new Msg(body, groupId, null, ++q.sequence, 0);
            q.waiting.put(m.id, m);
            q.all.put(m.id, m);
            q.notifyAll();
            return m;
        }
    }

    void hold(Queue q, boolean held) {
        synchronized (q) {
            q.held = held;
            q.notifyAll();
        }
    }

    /** Messages sent to the queue and not deleted yet. */
    int undeleted(Queue q) {
        synchronized (q) {
            return q.waiting.size();
        }
    }

    /**
     * Calls so far to the queue {@code scope} per operation ({@code ReceiveMessage}, …), also "stale-delete" and
     * "messages received via &lt;address&gt;"; S3's under the scope "s3", per method.
     */
    Map<String, Long> calls(String scope) {
        Map<String, Long> out = new TreeMap<>();
        calls.getOrDefault(scope, Map.of()).forEach((op, n) -> out.put(op, n.sum()));
        return out;
    }

    long requests() {
        return requests.get();
    }

    private void count(String scope, String op) {
        calls.computeIfAbsent(scope, s -> new ConcurrentHashMap<>()).computeIfAbsent(op, o -> new LongAdder()).increment();
    }

    // --- HTTP --------------------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String via = exchange.getLocalAddress().getAddress().getHostAddress();
        String service = (exchange.getRequestHeaders().containsKey("X-Amz-Target") ? "sqs " : "s3 ") + via;
        AtomicInteger open = openCalls.computeIfAbsent(service, v -> new AtomicInteger());
        AtomicInteger peak = peakOpenCalls.computeIfAbsent(service, v -> new AtomicInteger());
        peak.accumulateAndGet(open.incrementAndGet(), Math::max);
        try {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            long rtt = rttMillis;
            sleep(rtt / 2); // the request's way there
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (target != null) {
                sqs(exchange, target, body, rtt - rtt / 2);
            } else {
                s3(exchange, body, rtt - rtt / 2);
            }
        } catch (RuntimeException e) {
            System.err.println("stand-in: " + e);
            throw e;
        } finally {
            open.decrementAndGet();
            exchange.close();
        }
    }

    /**
     * The most calls to {@code service} ("sqs" or "s3") that were open at once on an address since the last
     * {@link #resetPeaks()}: how many AWS calls a
     * collector overlaps (each trailrouter queue has its own address, see {@link #endpoint(int)}).
     */
    int peakOpenCalls(String service, URI endpoint) {
        AtomicInteger peak = peakOpenCalls.get(service + " " + endpoint.getHost());
        return peak == null ? 0 : peak.get();
    }

    void resetPeaks() {
        peakOpenCalls.forEach((via, peak) -> peak.set(openCalls.get(via).get()));
    }

    private static void sleep(long millis) {
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void sqs(HttpExchange exchange, String target, byte[] body, long back) throws IOException {
        String op = target.substring(target.indexOf('.') + 1);
        int status = 200;
        ObjectNode answer;
        Headers extra = new Headers();
        try {
            JsonNode request = JSON.readTree(body.length == 0 ? "{}".getBytes() : body);
            answer = sqs(op, request, exchange.getLocalAddress().getAddress().getHostAddress());
        } catch (SqsError e) {
            status = 400;
            answer = JSON.createObjectNode().put("__type", "com.amazonaws.sqs#" + e.code).put("message", e.getMessage());
            extra.add("x-amzn-query-error", e.queryCode + ";Sender");
        }
        sleep(back); // the answer's way back
        byte[] out = JSON.writeValueAsBytes(answer);
        exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
        exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
        extra.values.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.sendResponseHeaders(status, out.length);
        try (OutputStream o = exchange.getResponseBody()) {
            o.write(out);
        }
    }

    private static final class Headers {
        final Map<String, String> values = new LinkedHashMap<>();

        void add(String k, String v) {
            values.put(k, v);
        }
    }

    private Queue byUrl(JsonNode request) {
        String url = request.path("QueueUrl").asText("");
        Queue q = queues.get(url.substring(url.lastIndexOf('/') + 1));
        if (q == null) {
            throw new SqsError("QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue",
                    "The specified queue does not exist.");
        }
        return q;
    }

    /** One SQS call; {@code via} is the local address it came in on (which lane, so which client). */
    ObjectNode sqs(String op, JsonNode request, String via) {
        ObjectNode answer = JSON.createObjectNode();
        if (op.equals("GetQueueUrl") || op.equals("CreateQueue")) {
            String name = request.path("QueueName").asText();
            Queue q = op.equals("CreateQueue") ? createQueue(name) : queues.get(name);
            if (q == null) {
                throw new SqsError("QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue",
                        "The specified queue does not exist.");
            }
            count(q.name, op);
            return answer.put("QueueUrl", q.url);
        }
        Queue q = byUrl(request);
        count(q.name, op);
        switch (op) {
            case "ReceiveMessage" -> receive(q, request, answer, via);
            case "DeleteMessage" -> delete(q, request.path("ReceiptHandle").asText(null));
            case "DeleteMessageBatch" -> batch(q, request, answer, e -> delete(q, e.path("ReceiptHandle").asText(null)));
            case "ChangeMessageVisibility" -> changeVisibility(q, request);
            case "ChangeMessageVisibilityBatch" -> batch(q, request, answer, e -> changeVisibility(q, e));
            case "SendMessage" -> {
                Msg m = sendFromRequest(q, request);
                answer.put("MessageId", m.id).put("MD5OfMessageBody", m.md5OfBody);
                if (m.md5OfAttributes != null) {
                    answer.put("MD5OfMessageAttributes", m.md5OfAttributes);
                }
                if (q.fifo) {
                    answer.put("SequenceNumber", Long.toString(m.sequence));
                }
            }
            case "SendMessageBatch" -> {
                ArrayNode ok = answer.putArray("Successful");
                answer.putArray("Failed");
                for (JsonNode e : request.path("Entries")) {
                    Msg m = sendFromRequest(q, e);
                    ObjectNode o = ok.addObject().put("Id", e.path("Id").asText()).put("MessageId", m.id)
                            .put("MD5OfMessageBody", m.md5OfBody);
                    if (m.md5OfAttributes != null) {
                        o.put("MD5OfMessageAttributes", m.md5OfAttributes);
                    }
                }
            }
            case "GetQueueAttributes" -> {
                ObjectNode attrs = answer.putObject("Attributes");
                synchronized (q) {
                    int visible = q.visible();
                    attrs.put("ApproximateNumberOfMessages", Integer.toString(visible));
                    attrs.put("ApproximateNumberOfMessagesNotVisible", Integer.toString(q.waiting.size() - visible));
                    attrs.put("ApproximateNumberOfMessagesDelayed", "0");
                }
                attrs.put("QueueArn", "arn:aws:sqs:us-east-1:" + ACCOUNT + ":" + q.name);
                attrs.put("VisibilityTimeout", "30");
                if (q.fifo) {
                    attrs.put("FifoQueue", "true");
                }
                // no RedrivePolicy: a collector must be told where bad input goes
            }
            case "PurgeQueue" -> {
                synchronized (q) {
                    q.waiting.clear();
                }
            }
            default -> throw new SqsError("InvalidAction", "InvalidAction", "not in this stand-in: " + op);
        }
        return answer;
    }

    private Msg sendFromRequest(Queue q, JsonNode e) {
        String body = e.path("MessageBody").asText(null);
        if (body == null || body.isEmpty()) {
            throw new SqsError("MissingParameter", "MissingParameter", "The request must contain the parameter MessageBody.");
        }
        String group = e.path("MessageGroupId").asText(null);
        if (q.fifo && group == null) {
            throw new SqsError("MissingParameter", "MissingParameter", "The request must contain the parameter MessageGroupId.");
        }
        synchronized (q) {
            Msg m = new Msg(body, group, (ObjectNode) e.get("MessageAttributes"), ++q.sequence,
                    TimeUnit.SECONDS.toNanos(e.path("DelaySeconds").asLong(0)));
            q.waiting.put(m.id, m);
            q.all.put(m.id, m);
            q.notifyAll();
            return m;
        }
    }

    private void receive(Queue q, JsonNode request, ObjectNode answer, String via) {
        int max = request.path("MaxNumberOfMessages").asInt(1);
        if (max < 1 || max > 10) {
            throw new SqsError("InvalidParameterValue", "InvalidParameterValue",
                    "Value " + max + " for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.");
        }
        long visibility = TimeUnit.SECONDS.toNanos(request.path("VisibilityTimeout").asLong(30));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(request.path("WaitTimeSeconds").asLong(0));
        List<Msg> got;
        synchronized (q) {
            while (true) {
                got = q.take(max, visibility);
                long left = deadline - System.nanoTime();
                if (!got.isEmpty() || left <= 0) {
                    break;
                }
                try {
                    // woken by a send or a release; the slice also notices a visibility timeout running out
                    q.wait(Math.max(1, Math.min(50, TimeUnit.NANOSECONDS.toMillis(left))));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (!got.isEmpty()) {
            calls.computeIfAbsent(q.name, n -> new ConcurrentHashMap<>())
                    .computeIfAbsent("messages received via " + via, o -> new LongAdder()).add(got.size());
        }
        Set<String> wanted = new HashSet<>();
        request.path("AttributeNames").forEach(n -> wanted.add(n.asText()));
        request.path("MessageSystemAttributeNames").forEach(n -> wanted.add(n.asText()));
        boolean allAttrs = wanted.contains("All");
        boolean messageAttrs = request.path("MessageAttributeNames").size() > 0;
        ArrayNode messages = answer.putArray("Messages");
        for (Msg m : got) {
            ObjectNode o = messages.addObject().put("MessageId", m.id).put("ReceiptHandle", m.handle)
                    .put("MD5OfBody", m.md5OfBody).put("Body", m.body);
            Map<String, String> system = new LinkedHashMap<>();
            system.put("SenderId", ACCOUNT);
            system.put("SentTimestamp", Long.toString(m.sentMillis));
            system.put("ApproximateReceiveCount", Integer.toString(m.receiveCount));
            system.put("ApproximateFirstReceiveTimestamp", Long.toString(m.firstReceivedMillis));
            if (q.fifo) {
                system.put("MessageGroupId", m.groupId);
                system.put("SequenceNumber", Long.toString(m.sequence));
            }
            ObjectNode attrs = JSON.createObjectNode();
            system.forEach((k, v) -> {
                if (allAttrs || wanted.contains(k)) {
                    attrs.put(k, v);
                }
            });
            if (!attrs.isEmpty()) {
                o.set("Attributes", attrs);
            }
            if (messageAttrs && m.attributes != null) {
                o.set("MessageAttributes", m.attributes);
                o.put("MD5OfMessageAttributes", m.md5OfAttributes);
            }
        }
    }

    private void delete(Queue q, String handle) {
        synchronized (q) {
            Msg m = handle == null ? null : q.handles.get(handle);
            if (m == null) {
                throw new SqsError("ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid",
                        "The input receipt handle \"" + handle + "\" is not a valid receipt handle.");
            }
            if (!handle.equals(m.handle) || m.deletedNanos != 0) {
                count(q.name, "stale-delete"); // SQS answers success and the message stays (or is already gone)
                return;
            }
            q.waiting.remove(m.id);
            m.deletedNanos = System.nanoTime();
        }
    }

    private void changeVisibility(Queue q, JsonNode request) {
        String handle = request.path("ReceiptHandle").asText(null);
        long seconds = request.path("VisibilityTimeout").asLong(-1);
        if (seconds < 0 || seconds > 43_200) {
            throw new SqsError("InvalidParameterValue", "InvalidParameterValue", "VisibilityTimeout must be 0 to 43200");
        }
        synchronized (q) {
            Msg m = handle == null ? null : q.handles.get(handle);
            if (m == null || !handle.equals(m.handle) || m.deletedNanos != 0) {
                throw new SqsError("ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid",
                        "The input receipt handle \"" + handle + "\" is not a valid receipt handle.");
            }
            m.visibleAtNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            q.notifyAll();
        }
    }

    interface Entry {
        void apply(JsonNode entry);
    }

    private void batch(Queue q, JsonNode request, ObjectNode answer, Entry action) {
        JsonNode entries = request.path("Entries");
        if (entries.size() == 0 || entries.size() > 10) {
            throw new SqsError(entries.size() == 0 ? "EmptyBatchRequest" : "TooManyEntriesInBatchRequest",
                    "AWS.SimpleQueueService." + (entries.size() == 0 ? "EmptyBatchRequest" : "TooManyEntriesInBatchRequest"),
                    "a batch takes 1 to 10 entries, got " + entries.size());
        }
        ArrayNode ok = answer.putArray("Successful");
        ArrayNode failed = answer.putArray("Failed");
        for (JsonNode e : entries) {
            try {
                action.apply(e);
                ok.addObject().put("Id", e.path("Id").asText());
            } catch (SqsError error) {
                failed.addObject().put("Id", e.path("Id").asText()).put("SenderFault", true).put("Code", error.code)
                        .put("Message", error.getMessage());
            }
        }
    }

    // --- S3 ----------------------------------------------------------------------------------------------------------

    private void s3(HttpExchange exchange, byte[] body, long back) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String[] parts = path.substring(1).split("/", 2);
        String bucket = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
        String key = parts.length > 1 ? URLDecoder.decode(parts[1].replace("+", "%2B"), StandardCharsets.UTF_8) : "";
        String method = exchange.getRequestMethod();
        count("s3", method + (key.isEmpty() ? " bucket" : " object"));
        int status;
        byte[] out = new byte[0];
        boolean head = method.equals("HEAD");
        var headers = exchange.getResponseHeaders();
        headers.add("x-amz-request-id", UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase());
        if (method.equals("PUT") && key.isEmpty()) {
            buckets.add(bucket);
            status = 200;
        } else if (method.equals("PUT")) {
            String encoding = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Encoding"));
            String sha = String.valueOf(exchange.getRequestHeaders().getFirst("x-amz-content-sha256"));
            byte[] content = encoding.contains("aws-chunked") || sha.startsWith("STREAMING-") ? unchunk(body) : body;
            putObject(bucket, key, content);
            headers.add("ETag", "\"" + md5Hex(content) + "\"");
            status = 200;
        } else if (method.equals("GET") || head) {
            byte[] content = objects.get(bucket + "/" + key);
            String ifMatch = exchange.getRequestHeaders().getFirst("If-Match");
            if (content == null) {
                status = 404;
                out = s3Error("NoSuchKey", "The specified key does not exist.", key);
            } else if (ifMatch != null && !ifMatch.replace("\"", "").equals(md5Hex(content))) {
                status = 412;
                out = s3Error("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", key);
            } else {
                status = 200;
                out = content;
                headers.add("ETag", "\"" + md5Hex(content) + "\"");
                headers.add("Content-Type", "application/octet-stream");
                headers.add("Last-Modified", HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC)));
                headers.add("Accept-Ranges", "bytes");
            }
        } else {
            status = 405;
            out = s3Error("MethodNotAllowed", "not in this stand-in", key);
        }
        sleep(back);
        if (status != 200) {
            headers.add("Content-Type", "application/xml");
        }
        if (head) {
            headers.add("Content-Length", Integer.toString(out.length));
            exchange.sendResponseHeaders(status, -1);
        } else {
            exchange.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(out);
            }
        }
    }

    private static byte[] s3Error(String code, String message, String key) {
        return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + message
                + "</Message><Key>" + key + "</Key></Error>").getBytes(StandardCharsets.UTF_8);
    }

    /** The payload of an {@code aws-chunked} body: {@code <hex size>[;…]\r\n<data>\r\n} until size 0, then trailers. */
    static byte[] unchunk(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < body.length) {
            int eol = i;
            while (eol + 1 < body.length && !(body[eol] == '\r' && body[eol + 1] == '\n')) {
                eol++;
            }
            String header = new String(body, i, eol - i, StandardCharsets.US_ASCII);
            int semi = header.indexOf(';');
            int size = Integer.parseInt((semi < 0 ? header : header.substring(0, semi)).trim(), 16);
            if (size == 0) {
                break;
            }
            out.write(body, eol + 2, size);
            i = eol + 2 + size + 2;
        }
        return out.toByteArray();
    }

    static String md5Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * SQS's MD5 of message attributes, which the SDK checks: for each attribute by name, the name, the data type and
     * the value, each preceded by its 4-byte length, and a transport byte (1 string or number, 2 binary) before the value.
     */
    static String md5OfAttributes(ObjectNode attributes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> names = new ArrayList<>();
        attributes.fieldNames().forEachRemaining(names::add);
        names.sort(null);
        for (String name : names) {
            JsonNode a = attributes.get(name);
            String type = a.path("DataType").asText();
            lengthPrefixed(out, name.getBytes(StandardCharsets.UTF_8));
            lengthPrefixed(out, type.getBytes(StandardCharsets.UTF_8));
            if (a.has("BinaryValue")) {
                out.write(2);
                lengthPrefixed(out, Base64.getDecoder().decode(a.get("BinaryValue").asText()));
            } else {
                out.write(1);
                lengthPrefixed(out, a.path("StringValue").asText().getBytes(StandardCharsets.UTF_8));
            }
        }
        return md5Hex(out.toByteArray());
    }

    private static void lengthPrefixed(ByteArrayOutputStream out, byte[] bytes) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
        out.writeBytes(bytes);
    }

    /** Removes the messages nobody has received yet (the surplus of a run). */
    void dropUnreceived(Queue q) {
        synchronized (q) {
            Iterator<Msg> it = q.waiting.values().iterator();
            while (it.hasNext()) {
                Msg m = it.next();
                if (m.firstReceivedNanos == 0) {
                    it.remove();
                    q.all.remove(m.id);
                }
            }
        }
    }

    /** Drops the timings of messages that are done with, between runs. */
    void forget(Queue q) {
        synchronized (q) {
            q.all.values().removeIf(m -> m.deletedNanos != 0);
            Iterator<Msg> it = q.handles.values().iterator();
            while (it.hasNext()) {
                if (it.next().deletedNanos != 0) {
                    it.remove();
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        server.stop(0);
        lanes.values().forEach(extra -> extra.stop(0));
        pool.shutdownNow();
    }
}
