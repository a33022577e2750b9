package dev.trailrouter.deliver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.trailrouter.config.AwsClients;
import dev.trailrouter.config.TrailRouterSettings;
import dev.trailrouter.event.Event;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Parses dead-letter specs and keeps one target per spec. */
public final class DeadLetterTargets {

    /** SQS allows 256 KiB per message; stay well below with the envelope and attributes. */
    static final int MAX_SQS_DOCUMENT_BYTES = 200 * 1024;

    private final ObjectMapper json;
    private final AwsClients clients;
    private final TrailRouterSettings settings;
    private final Map<String, DeadLetterTarget> targets = new ConcurrentHashMap<>();

    public DeadLetterTargets(ObjectMapper json, AwsClients clients, TrailRouterSettings settings) {
        this.json = json;
        this.clients = clients;
        this.settings = settings;
    }

    /** @throws IllegalArgumentException for a spec that is neither sqs:… nor dir:… */
    public static void check(String spec) {
        if (spec.startsWith("sqs:")) {
            String url = spec.substring(4);
            if (!url.startsWith("https://") && !url.startsWith("http://")) {
                throw new IllegalArgumentException("deadLetter sqs: takes a queue URL, got '" + url + "'");
            }
        } else if (spec.startsWith("dir:")) {
            if (spec.length() == 4) {
                throw new IllegalArgumentException("deadLetter dir: needs a path");
            }
        } else {
            throw new IllegalArgumentException("deadLetter must be sqs:<queue URL> or dir:<path>, got '" + spec + "'");
        }
    }

    public DeadLetterTarget forSpec(String spec) {
        return forSpec(spec, null, region -> null);
    }

    /**
     * The target of a destination's {@code deadLetter}; an SQS one writes with {@code credentials} for its region
     * (the destination's own role when it has one; null: the default chain).
     */
    DeadLetterTarget forSpec(String spec, String destination,
                             java.util.function.Function<String, software.amazon.awssdk.auth.credentials.AwsCredentialsProvider> credentials) {
        return targets.computeIfAbsent(spec + "|" + (destination == null ? "" : destination), key -> {
            check(spec);
            if (spec.startsWith("sqs:")) {
                String region = dev.trailrouter.config.AwsRegions.fromQueueUrl(spec.substring(4)).orElseGet(settings::region);
                var provider = credentials.apply(region);
                SqsClient sqs = provider == null ? clients.sqs(region, settings.endpoint())
                        : clients.sqs(region, settings.endpoint(), provider);
                return new SqsTarget(sqs, spec.substring(4));
            }
            return new DirectoryTarget(Path.of(spec.substring(4)));
        });
    }

    /** Splits the events into documents that each serialise to at most {@code maxBytes} (one event always fits). */
    List<byte[]> documents(String destination, String reason, List<Event> events, int maxBytes) {
        String failedAt = Instant.now().toString();
        List<byte[]> out = new ArrayList<>();
        List<Event> part = new ArrayList<>();
        int partBytes = 0;
        for (Event event : events) {
            int size = bytes(event).length + 1;
            if (!part.isEmpty() && partBytes + size > maxBytes) {
                out.add(bytes(new DeadLetterDocument(destination, reason, failedAt, part)));
                part = new ArrayList<>();
                partBytes = 0;
            }
            part.add(event);
            partBytes += size;
        }
        if (!part.isEmpty()) {
            out.add(bytes(new DeadLetterDocument(destination, reason, failedAt, part)));
        }
        return out;
    }

    private byte[] bytes(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an Event always serialises", e);
        }
    }

    /** Writes the file whole or not at all: to a temporary sibling, then renamed over the target. */
    static void writeAtomically(Path target, byte[] content) throws IOException {
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.write(temp, content);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A string message attribute; SQS refuses empty ones, so an empty value is "-". */
    public static MessageAttributeValue attribute(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value == null || value.isEmpty() ? "-" : value).build();
    }

    private final class SqsTarget implements DeadLetterTarget {
        private final SqsClient sqs;
        private final String url;

        SqsTarget(SqsClient sqs, String url) {
            this.sqs = sqs;
            this.url = url;
        }

        @Override
        public void write(String destination, String reason, List<Event> events) {
            for (byte[] document : documents(destination, reason, events, MAX_SQS_DOCUMENT_BYTES)) {
                sqs.sendMessage(b -> {
                    b.queueUrl(url).messageBody(new String(document, StandardCharsets.UTF_8)).messageAttributes(Map.of(
                            "trailrouter-destination", attribute(destination),
                            "trailrouter-reason", attribute(reason.length() > 1024 ? reason.substring(0, 1024) : reason)));
                    if (url.endsWith(".fifo")) {
                        b.messageGroupId(destination).messageDeduplicationId(UUID.randomUUID().toString());
                    }
                });
            }
        }

        @Override
        public String describe() {
            return "sqs:" + url;
        }
    }

    private final class DirectoryTarget implements DeadLetterTarget {
        private final Path dir;

        DirectoryTarget(Path dir) {
            this.dir = dir;
        }

        @Override
        public void write(String destination, String reason, List<Event> events) {
            try {
                String failedAt = Instant.now().toString();
                String name = destination + "-" + failedAt.replace(':', '-') + "-" + UUID.randomUUID() + ".json";
                writeAtomically(dir.resolve(name),
                        bytes(new DeadLetterDocument(destination, reason, failedAt, events)));
            } catch (IOException e) {
                throw new UncheckedIOException("writing the dead letters of " + destination + " to " + dir + " failed", e);
            }
        }

        @Override
        public String describe() {
            return "dir:" + dir;
        }
    }
}
