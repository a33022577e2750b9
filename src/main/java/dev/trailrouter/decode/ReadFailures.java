package dev.trailrouter.decode;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.ZipException;

import com.fasterxml.jackson.core.JsonParseException;

import dev.trailrouter.decode.RejectedInputException;

/**
 * Bytes that cannot be decoded are permanent; an I/O failure of the connection is transient. A gzip stream that ends
 * early raises {@link EOFException} only when the object itself is short (a dropped connection surfaces as the HTTP
 * client's own exception), so it is permanent too.
 */
final class ReadFailures {

    private ReadFailures() {
    }

    static RuntimeException translate(IOException e, String object) {
        if (JsonLimits.exceeded(e)) {
            return JsonLimits.tooLarge(object, e); // a 50 MB string, 10 000 nested arrays: no retry will change that
        }
        if (e instanceof JsonParseException json) {
            return new RejectedInputException("malformed-object", object + " is not valid JSON: " + json.getOriginalMessage(), e);
        }
        if (e instanceof EOFException) {
            return new RejectedInputException("truncated-object", object + " is a truncated gzip stream", e);
        }
        if (e instanceof ZipException) {
            return new RejectedInputException("corrupt-gzip", object + " is not a valid gzip stream: " + e.getMessage(), e);
        }
        return new UncheckedIOException("reading " + object + " failed: " + e.getMessage(), e);
    }
}
