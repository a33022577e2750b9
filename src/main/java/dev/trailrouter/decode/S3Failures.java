package dev.trailrouter.decode;

import dev.trailrouter.decode.RejectedInputException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Which S3 errors are permanent. A missing object or bucket will not come back, so the message is dead-lettered.
 * Access denied is treated as transient: it is nearly always a policy or KMS grant that an operator fixes, after which
 * the retried message goes through; if nobody fixes it, the queue's redrive policy moves the message to its DLQ after
 * maxReceiveCount receives. Throttling, 5xx and a changed object (412 on If-Match) are transient as well.
 * An object in an archive storage class (403 InvalidObjectState: Glacier Flexible Retrieval, Deep Archive, an
 * Intelligent-Tiering archive tier) is not a permission: it stays unreadable until someone restores it, so it is
 * dead-lettered as {@code object-archived}, with what to do, rather than retried until the redrive with no reason;
 * so are a key or bucket name S3 refuses outright (400 KeyTooLongError, InvalidBucketName).
 */
final class S3Failures {

    private S3Failures() {
    }

    static RuntimeException translate(S3Exception e, S3ObjectRef ref) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        if (e.statusCode() == 404 || "NoSuchKey".equals(code) || "NoSuchBucket".equals(code)
                || "NoSuchVersion".equals(code)) {
            return new RejectedInputException("object-not-found", ref + " does not exist (" + code + ")", e);
        }
        if ("InvalidObjectState".equals(code)) {
            return new RejectedInputException("object-archived", ref + " is in an archive storage class ("
                    + code + "): restore it (S3 RestoreObject), then send the message again from the DLQ", e);
        }
        if ("KeyTooLongError".equals(code) || "InvalidBucketName".equals(code)) {
            return new RejectedInputException("malformed-notification", ref + " cannot be named to S3 (" + code + ")", e);
        }
        if (e.statusCode() == 403) {
            return new S3AccessDeniedException(ref + " cannot be read: access denied (" + code
                    + "); check the role's s3:GetObject and kms:Decrypt permissions. Retried until the queue's "
                    + "redrive policy moves it to the DLQ.", e);
        }
        return e;
    }

    /** Transient by decision: see the class comment. */
    static final class S3AccessDeniedException extends RuntimeException {
        S3AccessDeniedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
