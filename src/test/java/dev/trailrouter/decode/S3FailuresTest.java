package dev.trailrouter.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

import dev.trailrouter.decode.RejectedInputException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3FailuresTest {

    private static final S3ObjectRef REF = new S3ObjectRef("trail-bucket", "AWSLogs/f.json.gz", "ObjectCreated:Put", null);

    private static S3Exception error(int status, String code) {
        return (S3Exception) S3Exception.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build()).build();
    }

    @Test
    void missingObjectOrBucketIsPermanent() {
        for (String code : new String[] {"NoSuchKey", "NoSuchBucket"}) {
            RuntimeException e = S3Failures.translate(error(404, code), REF);
            assertEquals("object-not-found", assertInstanceOf(RejectedInputException.class, e).reason());
        }
    }

    @Test
    void accessDeniedIsRetriedNotDeadLettered() {
        RuntimeException e = S3Failures.translate(error(403, "AccessDenied"), REF);
        assertInstanceOf(S3Failures.S3AccessDeniedException.class, e);
        assertEquals(false, e instanceof RejectedInputException);
    }

    /** Not a permission to fix: the object stays unreadable until restored, so it is dead-lettered saying so. */
    @Test
    void anArchivedObjectIsDeadLetteredWithWhatToDo() {
        RuntimeException e = S3Failures.translate(error(403, "InvalidObjectState"), REF);
        RejectedInputException rejected = assertInstanceOf(RejectedInputException.class, e);
        assertEquals("object-archived", rejected.reason());
        assertEquals(true, rejected.getMessage().contains("restore"), rejected.getMessage());
        assertEquals("malformed-notification", assertInstanceOf(RejectedInputException.class,
                S3Failures.translate(error(400, "KeyTooLongError"), REF)).reason());
    }

    @Test
    void throttlingAndServerErrorsPassThroughAsTransient() {
        S3Exception slowDown = error(503, "SlowDown");
        assertSame(slowDown, S3Failures.translate(slowDown, REF));
        S3Exception changed = error(412, "PreconditionFailed");
        assertSame(changed, S3Failures.translate(changed, REF));
    }
}
