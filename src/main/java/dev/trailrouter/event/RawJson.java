package dev.trailrouter.event;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.UTF8JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;

/**
 * A JSON value held as UTF-8 bytes, written into another generator's output as is
 * ({@link JsonGenerator#writeRawValue(SerializableString)}) when that is what its tree would write there.
 *
 * <p>Two checks make sure of that. {@link #canonical}: the bytes are what a default Jackson generator writes for the
 * value's tree (CloudTrail's files are written so: compact, few escapes). {@link #fits}: the generator is such a
 * generator: UTF-8 JSON with default features, no pretty printer and no custom escapes, and a serializer provider that
 * writes tree nodes as they are. Anything else (a pretty printer, a {@code String} writer, whose escaping of characters
 * outside the BMP differs, a {@code TokenBuffer} building a tree) gets the tree instead.
 */
public final class RawJson implements SerializableString {

    /** A factory with default settings: its generators are the reference {@link #fits} compares with. */
    private static final JsonFactory FACTORY = new JsonFactory();

    private static final int FEATURES;
    private static final int FORMAT_FEATURES;

    static {
        try (JsonGenerator reference = FACTORY.createGenerator(new ByteArrayOutputStream())) {
            FEATURES = reference.getFeatureMask();
            FORMAT_FEATURES = reference.getFormatFeatures();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final byte[] utf8;
    private String text;

    RawJson(byte[] utf8) {
        this.utf8 = utf8;
    }

    /** Whether {@link #canonical} bytes are exactly what {@code gen} would write for their tree. */
    public static boolean fits(JsonGenerator gen, SerializerProvider provider) {
        return gen.getClass() == UTF8JsonGenerator.class
                && gen.getPrettyPrinter() == null
                && gen.getCharacterEscapes() == null
                && gen.getHighestEscapedChar() == 0
                && gen.getFeatureMask() == FEATURES
                && gen.getFormatFeatures() == FORMAT_FEATURES
                && (provider == null || (provider.isEnabled(JsonNodeFeature.WRITE_NULL_PROPERTIES)
                    && !provider.isEnabled(JsonNodeFeature.WRITE_PROPERTIES_SORTED)
                    && !provider.isEnabled(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)));
    }

    /**
     * Whether a JSON value's bytes are exactly what a default Jackson generator writes for its tree: no whitespace
     * outside strings; in strings only the escapes Jackson writes ({@code \" \\ \b \t \f \n \r}), no {@code \\u…}
     * escape (Jackson writes most such characters as themselves), no character outside the BMP (Jackson escapes
     * surrogates) and only well-formed UTF-8 of up to three bytes; numbers as their tree node writes them (not {@code -0},
     * {@code 1.50} or {@code 2.0}, which the tree writes as {@code 0}, {@code 1.5} and {@code 2}).
     * Decimals are checked with {@code json}, the mapper the bytes are parsed with.
     */
    public static boolean canonical(byte[] b, ObjectMapper json) throws IOException {
        int n = b.length;
        int i = 0;
        while (i < n) {
            int c = b[i] & 0xFF;
            if (c == '"') {
                i++;
                while (true) {
                    if (i >= n) {
                        return false;
                    }
                    c = b[i] & 0xFF;
                    if (c == '"') {
                        i++;
                        break;
                    }
                    if (c == '\\') {
                        if (i + 1 >= n) {
                            return false;
                        }
                        int e = b[i + 1];
                        if (e == '"' || e == '\\' || e == 'n' || e == 't' || e == 'r' || e == 'b' || e == 'f') {
                            i += 2;
                            continue;
                        }
                        return false;
                    }
                    if (c >= 0x20 && c < 0x80) {
                        i++;
                    } else if (c >= 0xC2 && c <= 0xDF) {
                        if (i + 1 >= n || !continuation(b[i + 1])) {
                            return false;
                        }
                        i += 2;
                    } else if (c >= 0xE0 && c <= 0xEF) {
                        if (i + 2 >= n || !continuation(b[i + 1]) || !continuation(b[i + 2])) {
                            return false;
                        }
                        int c1 = b[i + 1] & 0xFF;
                        if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) {
                            return false; // overlong, or a surrogate
                        }
                        i += 3;
                    } else {
                        return false; // control character, four-byte sequence or not UTF-8
                    }
                }
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                int start = i++;
                while (i < n && b[i] >= '0' && b[i] <= '9') {
                    i++;
                }
                if (i < n && (b[i] == '.' || b[i] == 'e' || b[i] == 'E')) {
                    while (i < n && (b[i] == '.' || b[i] == 'e' || b[i] == 'E' || b[i] == '+' || b[i] == '-'
                            || (b[i] >= '0' && b[i] <= '9'))) {
                        i++;
                    }
                    // a decimal is kept only if its tree node writes it alike and it reads back as a decimal
                    String text = new String(b, start, i - start, java.nio.charset.StandardCharsets.US_ASCII);
                    String written = json.readTree(text).asText();
                    if (!written.equals(text) || !(text.indexOf('.') >= 0 || text.indexOf('E') >= 0)) {
                        return false;
                    }
                    continue;
                }
                if (i - start == 2 && b[start] == '-' && b[start + 1] == '0') {
                    return false;
                }
            } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                return false;
            } else {
                i++;
            }
        }
        return true;
    }

    private static boolean continuation(byte b) {
        return (b & 0xC0) == 0x80;
    }

    @Override
    public String getValue() {
        String value = text;
        if (value == null) {
            value = new String(utf8, StandardCharsets.UTF_8);
            text = value;
        }
        return value;
    }

    @Override
    public int charLength() {
        return getValue().length();
    }

    @Override
    public char[] asQuotedChars() {
        return new SerializedString(getValue()).asQuotedChars();
    }

    @Override
    public byte[] asUnquotedUTF8() {
        return utf8;
    }

    @Override
    public byte[] asQuotedUTF8() {
        return new SerializedString(getValue()).asQuotedUTF8();
    }

    @Override
    public int appendQuotedUTF8(byte[] buffer, int offset) {
        return new SerializedString(getValue()).appendQuotedUTF8(buffer, offset);
    }

    @Override
    public int appendQuoted(char[] buffer, int offset) {
        return new SerializedString(getValue()).appendQuoted(buffer, offset);
    }

    @Override
    public int appendUnquotedUTF8(byte[] buffer, int offset) {
        if (offset + utf8.length > buffer.length) {
            return -1;
        }
        System.arraycopy(utf8, 0, buffer, offset, utf8.length);
        return utf8.length;
    }

    @Override
    public int appendUnquoted(char[] buffer, int offset) {
        String value = getValue();
        if (offset + value.length() > buffer.length) {
            return -1;
        }
        value.getChars(0, value.length(), buffer, offset);
        return value.length();
    }

    @Override
    public int writeQuotedUTF8(OutputStream out) throws IOException {
        byte[] quoted = asQuotedUTF8();
        out.write(quoted);
        return quoted.length;
    }

    @Override
    public int writeUnquotedUTF8(OutputStream out) throws IOException {
        out.write(utf8);
        return utf8.length;
    }

    @Override
    public int putQuotedUTF8(ByteBuffer buffer) {
        byte[] quoted = asQuotedUTF8();
        if (quoted.length > buffer.remaining()) {
            return -1;
        }
        buffer.put(quoted);
        return quoted.length;
    }

    @Override
    public int putUnquotedUTF8(ByteBuffer buffer) {
        if (utf8.length > buffer.remaining()) {
            return -1;
        }
        buffer.put(utf8);
        return utf8.length;
    }

    @Override
    public String toString() {
        return getValue();
    }
}
