package dev.trailrouter.decode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one place the pipeline's JSON parser is built, with explicit limits on what a single JSON value may be. Input
 * beyond them is bad input ({@code record-too-large}, dead-lettered at once), never a transient failure to retry.
 *
 * <p>The limits are far above anything AWS writes, so they never reject a real record: a CloudTrail record carries at
 * most about 100 KB of {@code requestParameters}/{@code responseElements} (CloudTrail drops larger ones), an EventBridge
 * event or an SNS/SQS message is at most 256 KiB (SQS: 1 MiB), a CloudWatch Logs event at most 1 MiB. Whole documents
 * are not limited here: a CloudTrail log file is streamed record by record, and its decompressed size is capped by
 * {@code trailrouter.s3.max-object-bytes}. docs/operations.md lists them.
 */
public final class JsonLimits {

    /** One string value (or field name's worth of text): 4 Mi characters, 4× the largest message AWS sends. */
    public static final int MAX_STRING_CHARS = 4 * 1024 * 1024;
    /** Nested objects and arrays: AWS events nest a few dozen levels at most. */
    public static final int MAX_NESTING_DEPTH = 256;
    /** Digits of one number. */
    public static final int MAX_NUMBER_CHARS = 1000;
    /** One field name. */
    public static final int MAX_NAME_CHARS = 50_000;
    /**
     * One record of a CloudTrail log file, in bytes: 4× the largest string, so that no record within the limits above
     * and of any real size is refused. The record is kept as bytes while it is read (docs/BENCHMARKS.md §1).
     */
    public static final int MAX_RECORD_BYTES = 4 * MAX_STRING_CHARS;

    public static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
            .maxStringLength(MAX_STRING_CHARS)
            .maxNestingDepth(MAX_NESTING_DEPTH)
            .maxNumberLength(MAX_NUMBER_CHARS)
            .maxNameLength(MAX_NAME_CHARS)
            .maxDocumentLength(-1) // streamed; the object size cap bounds it
            .build();

    private JsonLimits() {
    }

    /** The ObjectMapper every stage shares (bound as {@code json}). */
    public static ObjectMapper objectMapper() {
        JsonFactory factory = JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build();
        factory.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
        return new ObjectMapper(factory).enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }

    /** Whether a parse failed on one of these limits (or Jackson's own), rather than on malformed JSON. */
    static boolean exceeded(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StreamConstraintsException) {
                return true;
            }
        }
        return false;
    }

    static RejectedInputException tooLarge(String where, Throwable e) {
        StreamConstraintsException limit = null;
        for (Throwable t = e; t != null && limit == null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StreamConstraintsException s) {
                limit = s;
            }
        }
        return new RejectedInputException("record-too-large", where + " exceeds a JSON limit: "
                + (limit == null ? e.getMessage() : limit.getOriginalMessage()), e);
    }
}
