package dev.trailrouter.decode;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.base.ParserBase;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.trailrouter.event.CloudTrailEvents;
import dev.trailrouter.event.Event;
import dev.trailrouter.event.Origin;

/**
 * Reads one CloudTrail record into an {@link Event} by taking its bytes as they came ({@link RecordingStream}), with
 * no tree: the parser only tokenises the record (string values it does not need are skipped undecoded, as in the raw
 * limit of docs/BENCHMARKS.md §1; one that may be over the string limit is decoded afterwards, to apply it) while the top-level fields the Event needs are picked up, as
 * {@link CloudTrailEvents#fromRecord} reads them from a tree, and each object's names are checked for repeats.
 *
 * <p>The Event's {@code detail} is parsed from these bytes when asked for: the same bytes, so the same tree as reading
 * the record did before. They are written into a destination's JSON as they are only when they are what the tree
 * would write ({@link dev.trailrouter.event.RawJson#canonical}, checked once, when first written; CloudTrail writes its
 * files that way) and no name repeats in an object (the tree keeps the last value); else the tree is written.
 */
final class RecordSlicer {

    private final ObjectMapper json;
    private final RecordingStream bytes;
    private final Names names = new Names();
    private final String[] top = new String[CloudTrailEvents.TOP_FIELDS.size()];
    private final String[] identity = new String[CloudTrailEvents.IDENTITY_FIELDS.size()];

    RecordSlicer(ObjectMapper json, RecordingStream bytes) {
        this.json = json;
        this.bytes = bytes;
    }

    /** Reads the object the parser is at ({@code START_OBJECT}); the parser ends on its end. */
    Event read(JsonParser p, Origin origin, String object) throws IOException {
        long start = p.currentTokenLocation().getByteOffset();
        bytes.keepFrom(start);
        Arrays.fill(top, null);
        Arrays.fill(identity, null);
        Boolean readOnly = null;
        boolean repeated = false;
        boolean longString = false;
        long stringStart = -1;
        names.reset();
        names.open();
        int depth = 1;
        int pendingTop = -1;
        int pendingIdentity = -1;
        boolean pendingReadOnly = false;
        boolean pendingUserIdentity = false;
        int identityDepth = -1;
        while (depth > 0) {
            JsonToken token = p.nextToken();
            if (bytes.overflowed()) {
                throw tooLarge(p, stringStart, object);
            }
            if (token == null) {
                throw new RejectedInputException("truncated-object", object + " ends inside a record");
            }
            if (stringStart >= 0) {
                // a skipped string is not decoded, so not checked against the string limit: one that may be over it
                // (a character is at least a byte) is decoded below
                longString |= ((ParserBase) p).getTokenCharacterOffset() - stringStart > JsonLimits.MAX_STRING_CHARS;
                stringStart = -1;
            }
            switch (token) {
                case FIELD_NAME -> {
                    String name = p.currentName();
                    repeated |= names.repeated(name);
                    if (depth == 1) {
                        pendingTop = CloudTrailEvents.TOP_FIELDS.indexOf(name);
                        pendingReadOnly = name.equals("readOnly");
                        pendingUserIdentity = name.equals("userIdentity");
                    } else if (depth == identityDepth) {
                        pendingIdentity = CloudTrailEvents.IDENTITY_FIELDS.indexOf(name);
                    }
                    continue;
                }
                case START_OBJECT -> {
                    depth++;
                    names.open();
                    if (depth == 2 && pendingUserIdentity) {
                        identityDepth = 2;
                    }
                }
                case START_ARRAY -> {
                    depth++;
                    names.open();
                }
                case END_OBJECT, END_ARRAY -> {
                    if (depth == identityDepth) {
                        identityDepth = -1;
                    }
                    depth--;
                    names.close();
                }
                case VALUE_STRING -> {
                    if (pendingTop >= 0 || pendingIdentity >= 0) {
                        keep(pendingTop, pendingIdentity, p.getText());
                    } else {
                        stringStart = ((ParserBase) p).getTokenCharacterOffset();
                    }
                }
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                    if (pendingTop >= 0 || pendingIdentity >= 0) {
                        keep(pendingTop, pendingIdentity, json.<com.fasterxml.jackson.databind.JsonNode>readTree(p).asText()); // as the tree's node says it
                    } else if (token == JsonToken.VALUE_NUMBER_FLOAT) {
                        // as the tree will read it (BigDecimal) when the detail is asked for: an exponent no BigDecimal
                        // holds (1e2147483648) is refused here, at decode, not later at a destination
                        p.getDecimalValue();
                    }
                }
                case VALUE_TRUE, VALUE_FALSE -> {
                    boolean value = token == JsonToken.VALUE_TRUE;
                    keep(pendingTop, pendingIdentity, value ? "true" : "false");
                    if (pendingReadOnly && depth == 1) {
                        readOnly = value;
                    }
                }
                case VALUE_NULL -> {
                    // no text: as EventIds.text
                }
                default -> throw new RejectedInputException("not-cloudtrail", object + ": a record holds a " + token);
            }
            pendingTop = -1;
            pendingIdentity = -1;
            pendingReadOnly = false;
            pendingUserIdentity = false;
        }
        byte[] record = bytes.slice(start, p.currentLocation().getByteOffset());
        if (longString) {
            json.readTree(record); // decodes every string: one over the limit is refused here, as a tree refused it
        }
        if (repeated) {
            // the tree keeps a repeated name's last value: its fields, and what it writes, are the tree's
            return CloudTrailEvents.fromRecord(json.readTree(record), origin);
        }
        return CloudTrailEvents.fromCopy(top, identity, readOnly, record, true, json, origin);
    }

    /**
     * The refusal of a record that outgrew what is kept of it. When a string just skipped spans more bytes than the
     * longest string within the limit can (six per character, as {@code \}{@code uXXXX} escapes), it is that string's
     * length, said as the parser says it; else the record's size.
     */
    private RejectedInputException tooLarge(JsonParser p, long stringStart, String object) {
        long limit = JsonLimits.MAX_STRING_CHARS;
        if (stringStart >= 0 && ((ParserBase) p).getTokenCharacterOffset() - stringStart > 6 * limit) {
            return new RejectedInputException("record-too-large", object + " exceeds a JSON limit: String value length"
                    + " (over " + limit + ") exceeds the maximum allowed (" + limit
                    + ", from `StreamReadConstraints.getMaxStringLength()`)");
        }
        return new RejectedInputException("record-too-large", object + " holds a record of more than "
                + JsonLimits.MAX_RECORD_BYTES / (1024 * 1024) + " MiB (CloudTrail records are at most a few hundred KB)");
    }

    private void keep(int topIndex, int identityIndex, String text) {
        String value = text.isEmpty() ? null : text;
        if (topIndex >= 0) {
            top[topIndex] = value;
        } else if (identityIndex >= 0) {
            identity[identityIndex] = value;
        }
    }

    /**
     * The field names seen in each open object, to find a name given twice in one object. Short objects (nearly all)
     * are scanned by hash in a reused array; an object with many fields gets a set.
     */
    private static final class Names {
        private static final int SCAN_LIMIT = 24;
        private int[] hashes = new int[256];
        private String[] seen = new String[256];
        private int used;
        private int[] starts = new int[64];
        /** Per open object, one bit per name hash seen (mod 64): a name whose bit is clear is new, without a scan. */
        private long[] masks = new long[64];
        private Set<String>[] large = newSets(64);
        private int depth;

        @SuppressWarnings("unchecked")
        private static Set<String>[] newSets(int n) {
            return new Set[n];
        }

        void reset() {
            used = 0;
            depth = 0;
        }

        void open() {
            if (depth == starts.length) {
                starts = Arrays.copyOf(starts, depth * 2);
                masks = Arrays.copyOf(masks, depth * 2);
                large = Arrays.copyOf(large, depth * 2);
            }
            starts[depth] = used;
            masks[depth] = 0;
            large[depth] = null;
            depth++;
        }

        void close() {
            depth--;
            used = starts[depth];
            large[depth] = null;
        }

        /** Records a name of the innermost object; true when that object had it already. */
        boolean repeated(String name) {
            int level = depth - 1;
            Set<String> set = large[level];
            if (set != null) {
                return !set.add(name);
            }
            int start = starts[level];
            int hash = name.hashCode();
            long bit = 1L << ((hash ^ (hash >>> 6) ^ (hash >>> 12)) & 63);
            if ((masks[level] & bit) != 0) {
                for (int i = start; i < used; i++) {
                    if (hashes[i] == hash && seen[i].equals(name)) {
                        return true;
                    }
                }
            }
            masks[level] |= bit;
            if (used - start >= SCAN_LIMIT) {
                set = new HashSet<>();
                for (int i = start; i < used; i++) {
                    set.add(seen[i]);
                }
                set.add(name);
                large[level] = set;
                return false;
            }
            if (used == hashes.length) {
                hashes = Arrays.copyOf(hashes, used * 2);
                seen = Arrays.copyOf(seen, used * 2);
            }
            hashes[used] = hash;
            seen[used] = name;
            used++;
            return false;
        }
    }
}
