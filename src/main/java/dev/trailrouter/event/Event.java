package dev.trailrouter.event;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

/**
 * The one event shape every source becomes and every destination sees (docs/event-model.md).
 *
 * <p>Its accessors, JSON form, equality and {@code toString} are those of the record it used to be. What changed is
 * how {@code detail} may be held: a CloudTrail log file's records are kept as their bytes as read, their top-level
 * fields picked up while the parser tokenises (decode/RecordSlicer), instead of each built into a {@link JsonNode}
 * tree that most deliveries never look at. Such an event parses its bytes into the tree only when something asks for
 * {@link #detail()} (a filter on {@code ${body.detail…}}, Slack, SNS), once; a webhook or archive writes the bytes
 * straight into its JSON when they are byte for byte what the tree would have written ({@link RawJson#canonical},
 * {@link RawJson#fits}), as CloudTrail's own files are, else the tree. Building the tree was the largest cost per
 * record (docs/BENCHMARKS.md §1).
 *
 * <p>id: stable across redeliveries: CloudTrail's eventID, else a hash of origin and content; time: when it happened
 * (ISO-8601, as the source wrote it); kind: the source family (cloudtrail, …); account and region: where it belongs;
 * service: the AWS service (CloudTrail eventSource, e.g. iam.amazonaws.com); name: what happened (eventName);
 * actor: principal ARN, else user name, else principal id or invoking service; sourceIp: where the call came from;
 * readOnly: whether the call only read state, null when the source does not say; origin: the queue message and object
 * it was read from; detail: the original record, untouched.
 */
@JsonSerialize(using = Event.Json.class)
public final class Event {

    private final String id;
    private final String time;
    private final String kind;
    private final String account;
    private final String region;
    private final String service;
    private final String name;
    private final String actor;
    private final String sourceIp;
    private final Boolean readOnly;
    private final Origin origin;
    /** The tree, once built (given, or parsed from {@link #detailJson} on the first {@link #detail()}). */
    private volatile JsonNode detail;
    /** The record as UTF-8 JSON ({@link RawJson}), or null when the event was built from a tree. */
    private final byte[] detailJson;
    /**
     * Whether {@link #detailJson} is also what the tree writes ({@link RawJson#canonical}): 1 yes, -1 no, 0 not
     * checked yet. Checked when first written, by whichever thread (the answer is the same), so an event that no
     * destination writes costs no check.
     */
    private volatile byte detailJsonWritable;
    /** Parses {@link #detailJson}: the pipeline's mapper, so numbers and limits are as if it had read the record. */
    private final ObjectMapper detailReader;

    @JsonCreator
    public Event(
            @JsonProperty("id") String id,
            @JsonProperty("time") String time,
            @JsonProperty("kind") String kind,
            @JsonProperty("account") String account,
            @JsonProperty("region") String region,
            @JsonProperty("service") String service,
            @JsonProperty("name") String name,
            @JsonProperty("actor") String actor,
            @JsonProperty("sourceIp") String sourceIp,
            @JsonProperty("readOnly") Boolean readOnly,
            @JsonProperty("origin") Origin origin,
            @JsonProperty("detail") JsonNode detail) {
        this(id, time, kind, account, region, service, name, actor, sourceIp, readOnly, origin, detail, null, (byte) -1,
                null);
    }

    private Event(String id, String time, String kind, String account, String region, String service, String name,
                  String actor, String sourceIp, Boolean readOnly, Origin origin, JsonNode detail, byte[] detailJson,
                  byte detailJsonWritable, ObjectMapper detailReader) {
        this.id = id;
        this.time = time;
        this.kind = kind;
        this.account = account;
        this.region = region;
        this.service = service;
        this.name = name;
        this.actor = actor;
        this.sourceIp = sourceIp;
        this.readOnly = readOnly;
        this.origin = origin;
        this.detail = detail;
        this.detailJson = detailJson;
        this.detailJsonWritable = detailJsonWritable;
        this.detailReader = detailReader;
    }

    /**
     * An event whose detail is held as JSON bytes (the record as read), parsed by {@code reader} when first asked for.
     * The bytes must be one JSON value; they are not copied.
     *
     * @param writable false when the bytes must never be written as they are (the record repeats a name in one
     *                 object, which its tree merges); else they are when {@link RawJson#canonical} says they may be
     */
    public static Event withDetailJson(String id, String time, String kind, String account, String region,
                                       String service, String name, String actor, String sourceIp, Boolean readOnly,
                                       Origin origin, byte[] detailJson, boolean writable, ObjectMapper reader) {
        return new Event(id, time, kind, account, region, service, name, actor, sourceIp, readOnly, origin, null,
                Objects.requireNonNull(detailJson), writable ? (byte) 0 : (byte) -1, Objects.requireNonNull(reader));
    }

    public String id() {
        return id;
    }

    public String time() {
        return time;
    }

    public String kind() {
        return kind;
    }

    public String account() {
        return account;
    }

    public String region() {
        return region;
    }

    public String service() {
        return service;
    }

    public String name() {
        return name;
    }

    public String actor() {
        return actor;
    }

    public String sourceIp() {
        return sourceIp;
    }

    public Boolean readOnly() {
        return readOnly;
    }

    public Origin origin() {
        return origin;
    }

    /**
     * The original record as a tree. For an event read as bytes the tree is parsed on the first call and the same tree
     * is returned after that (to every thread), so a caller sees one tree per event, as before.
     */
    public JsonNode detail() {
        JsonNode tree = detail;
        if (tree == null && detailJson != null) {
            synchronized (this) {
                tree = detail;
                if (tree == null) {
                    tree = parse(detailReader, detailJson);
                    detail = tree;
                }
            }
        }
        return tree;
    }

    /** Whether the detail bytes are exactly what the tree writes (checked once). */
    private boolean detailJsonWritable() {
        byte known = detailJsonWritable;
        if (known == 0) {
            try {
                known = RawJson.canonical(detailJson, detailReader) ? (byte) 1 : (byte) -1;
            } catch (IOException e) {
                known = -1;
            }
            detailJsonWritable = known;
        }
        return known > 0;
    }

    /** Parses detail bytes as the pipeline would have parsed the record (same mapper: same number types). */
    static JsonNode parse(ObjectMapper reader, byte[] json) {
        try {
            return reader.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("an event's detail bytes did not parse back: " + e.getMessage(), e);
        }
    }

    /**
     * Hashes the identifying fields only. A hash of {@code detail}, the whole JSON tree, would cost a walk of it per
     * event (and a parse for an event read as bytes), and Camel hashes the body when a filter reads a field
     * ({@code ${body.name}}). Consistent with equals: equal events have equal ids, kinds and origins.
     */
    @Override
    public int hashCode() {
        return Objects.hash(id, kind, origin);
    }

    /** Every field equal, {@code detail} compared as trees (as the record did); equal bytes need no parse. */
    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof Event that)) {
            return false;
        }
        if (!(Objects.equals(id, that.id) && Objects.equals(time, that.time) && Objects.equals(kind, that.kind)
                && Objects.equals(account, that.account) && Objects.equals(region, that.region)
                && Objects.equals(service, that.service) && Objects.equals(name, that.name)
                && Objects.equals(actor, that.actor) && Objects.equals(sourceIp, that.sourceIp)
                && Objects.equals(readOnly, that.readOnly) && Objects.equals(origin, that.origin))) {
            return false;
        }
        if (detail == null && that.detail == null && detailJson != null && that.detailJson != null
                && Arrays.equals(detailJson, that.detailJson)) {
            return true;
        }
        return Objects.equals(detail(), that.detail());
    }

    /** As the record printed itself. */
    @Override
    public String toString() {
        return "Event[id=" + id + ", time=" + time + ", kind=" + kind + ", account=" + account + ", region=" + region
                + ", service=" + service + ", name=" + name + ", actor=" + actor + ", sourceIp=" + sourceIp
                + ", readOnly=" + readOnly + ", origin=" + origin + ", detail=" + detail() + "]";
    }

    /**
     * The JSON form: the fields in the documented order, those without a value left out (as the record's
     * {@code @JsonInclude(NON_NULL)} and {@code @JsonPropertyOrder} did). {@code detail} is written from its bytes
     * when the generator would write the tree exactly so ({@link RawJson#fits}) and nobody built the tree; else the
     * tree is written as before.
     */
    static final class Json extends StdSerializer<Event> {

        Json() {
            super(Event.class);
        }

        @Override
        public void serialize(Event event, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStartObject(event);
            field(gen, "id", event.id);
            field(gen, "time", event.time);
            field(gen, "kind", event.kind);
            field(gen, "account", event.account);
            field(gen, "region", event.region);
            field(gen, "service", event.service);
            field(gen, "name", event.name);
            field(gen, "actor", event.actor);
            field(gen, "sourceIp", event.sourceIp);
            if (event.readOnly != null) {
                gen.writeBooleanField("readOnly", event.readOnly);
            }
            if (event.origin != null) {
                provider.defaultSerializeField("origin", event.origin, gen);
            }
            if (event.detail == null && event.detailJson != null && RawJson.fits(gen, provider)
                    && event.detailJsonWritable()) {
                gen.writeFieldName("detail");
                gen.writeRawValue(new RawJson(event.detailJson));
            } else {
                JsonNode tree = event.detail();
                if (tree != null) {
                    provider.defaultSerializeField("detail", tree, gen);
                }
            }
            gen.writeEndObject();
        }

        private static void field(JsonGenerator gen, String name, String value) throws IOException {
            if (value != null) {
                gen.writeStringField(name, value);
            }
        }
    }
}
