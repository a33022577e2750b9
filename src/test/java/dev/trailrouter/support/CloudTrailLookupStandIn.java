package dev.trailrouter.support;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local stand-in for CloudTrail's {@code LookupEvents} (moto does not implement it), speaking the API's JSON 1.1
 * protocol: {@code POST /} with {@code X-Amz-Target: com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents},
 * a JSON body with {@code StartTime}/{@code EndTime} (epoch seconds), {@code MaxResults} and {@code NextToken}, and the
 * API's answer: {@code Events} newest first, each with the fields of the real responses in
 * {@code fixtures/cloudtrail_lookup/} and {@code EventTime} in epoch seconds as on the wire, plus {@code NextToken}
 * while more events match. Events are inclusive of both ends of the window, as AWS documents. An event can be made
 * visible only from a given moment (LookupEvents shows events minutes late); requests can be throttled
 * ({@code ThrottlingException}, HTTP 400, as CloudTrail answers when the 2 requests/s are exceeded).
 */
public final class CloudTrailLookupStandIn implements AutoCloseable {

    public static final String TARGET = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents";

    /** One request as received, and what it was answered. */
    public record Request(Instant at, Instant start, Instant end, String nextToken, int maxResults, int status,
                          int events) {
    }

    private record Stored(ObjectNode apiEvent, Instant eventTime, Instant visibleFrom) {
    }

    private final HttpServer server;
    private final List<Stored> events = new CopyOnWriteArrayList<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger count = new AtomicInteger();
    private volatile IntPredicate throttle = n -> false;

    public CloudTrailLookupStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(2));
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Throttles the n-th request (0-based) when the predicate says so. */
    public void throttle(IntPredicate which) {
        this.throttle = which;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /**
     * Adds a CloudTrail record as LookupEvents returns it: the fields of a real response (the template is the first
     * event of a sample in fixtures/cloudtrail_lookup/), filled from the record, the record itself as the
     * {@code CloudTrailEvent} string.
     */
    public void add(JsonNode record, Instant visibleFrom) {
        ObjectNode event = template();
        event.put("EventId", record.path("eventID").asText());
        event.put("EventName", record.path("eventName").asText());
        event.put("ReadOnly", record.path("readOnly").asText("false"));
        if (record.path("userIdentity").has("accessKeyId")) {
            event.put("AccessKeyId", record.path("userIdentity").path("accessKeyId").asText());
        } else {
            event.remove("AccessKeyId");
        }
        Instant time = Instant.parse(record.path("eventTime").asText());
        event.put("EventSource", record.path("eventSource").asText());
        event.put("Username", record.path("userIdentity").path("userName").asText(
                record.path("userIdentity").path("principalId").asText("")));
        event.putArray("Resources");
        event.put("CloudTrailEvent", record.toString());
        events.add(new Stored(event, time, visibleFrom));
    }

    /** Adds an API event exactly as given (a real response's event, or a malformed one), at the given event time. */
    public void addApiEvent(ObjectNode apiEvent, Instant eventTime, Instant visibleFrom) {
        events.add(new Stored(apiEvent.deepCopy(), eventTime, visibleFrom));
    }

    private static ObjectNode template() {
        JsonNode sample = Fixtures.json("cloudtrail_lookup/aws-samples_amazon-eks-security-immersion-day__"
                + "4.eks-pod-identity-usecases_index.en.md__AssumeRoleForPodIdentity_3d93c2b6.json");
        return (ObjectNode) sample.path("Events").path(0).deepCopy();
    }

    private void handle(HttpExchange exchange) throws IOException {
        int n = count.getAndIncrement();
        Instant at = Instant.now();
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (!"POST".equals(exchange.getRequestMethod()) || !TARGET.equals(target)) {
                answer(exchange, 400, "{\"__type\":\"UnknownOperationException\",\"message\":\"" + target + "\"}");
                return;
            }
            JsonNode body = Fixtures.JSON.reader().with(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .readTree(exchange.getRequestBody().readAllBytes());
            Instant start = time(body.path("StartTime"), Instant.EPOCH);
            Instant end = time(body.path("EndTime"), Instant.now());
            int max = body.path("MaxResults").asInt(50);
            String token = body.path("NextToken").isTextual() ? body.path("NextToken").asText() : null;
            if (max < 1 || max > 50) {
                requests.add(new Request(at, start, end, token, max, 400, 0));
                answer(exchange, 400, "{\"__type\":\"InvalidMaxResultsException\",\"message\":\"MaxResults 1..50\"}");
                return;
            }
            if (throttle.test(n)) {
                requests.add(new Request(at, start, end, token, max, 400, 0));
                answer(exchange, 400, "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}");
                return;
            }
            List<Stored> matching = new ArrayList<>();
            for (Stored stored : events) {
                if (!stored.visibleFrom.isAfter(at) && !stored.eventTime.isBefore(start) && !stored.eventTime.isAfter(end)) {
                    matching.add(stored);
                }
            }
            matching.sort(Comparator.comparing(Stored::eventTime).reversed()
                    .thenComparing(s -> s.apiEvent.path("EventId").asText()));
            int offset = 0;
            if (token != null) {
                String[] parts = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8).split("\\|");
                if (parts.length != 3 || !parts[1].equals(start.toString()) || !parts[2].equals(end.toString())) {
                    requests.add(new Request(at, start, end, token, max, 400, 0));
                    answer(exchange, 400, "{\"__type\":\"InvalidNextTokenException\",\"message\":\"token of another query\"}");
                    return;
                }
                offset = Integer.parseInt(parts[0]);
            }
            ObjectNode response = Fixtures.JSON.createObjectNode();
            ArrayNode out = response.putArray("Events");
            int to = Math.min(matching.size(), offset + max);
            for (Stored stored : matching.subList(Math.min(offset, to), to)) {
                ObjectNode event = stored.apiEvent.deepCopy();
                event.put("EventTime", new BigDecimal(stored.eventTime.getEpochSecond())
                        .add(BigDecimal.valueOf(stored.eventTime.getNano(), 9)).stripTrailingZeros());
                out.add(event);
            }
            if (to < matching.size()) {
                response.put("NextToken", Base64.getEncoder().encodeToString(
                        (to + "|" + start + "|" + end).getBytes(StandardCharsets.UTF_8)));
            }
            requests.add(new Request(at, start, end, token, max, 200, out.size()));
            answer(exchange, 200, response.toString());
        } catch (RuntimeException e) {
            answer(exchange, 500, "{\"__type\":\"InternalFailure\",\"message\":\"" + e + "\"}");
        }
    }

    private static Instant time(JsonNode value, Instant absent) {
        if (value.isMissingNode() || value.isNull()) {
            return absent;
        }
        BigDecimal seconds = value.decimalValue();
        long whole = seconds.longValue();
        return Instant.ofEpochSecond(whole, seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue());
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
