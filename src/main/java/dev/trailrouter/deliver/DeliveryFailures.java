package dev.trailrouter.deliver;

import java.io.IOException;

import org.apache.camel.Exchange;
import org.apache.camel.util.ObjectHelper;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Which delivery failures are worth retrying, for every destination type: the HTTP rules of {@link HttpRetryPolicy},
 * I/O and SDK client (network) errors, and AWS 5xx or throttling. Anything else — a 4xx, a permission error, a bug — is
 * permanent and goes straight to the destination's dead-letter target (or fails the message when it has none).
 */
public final class DeliveryFailures {

    private DeliveryFailures() {
    }

    public static boolean isRetryable(Exchange exchange) {
        return isRetryable(caught(exchange));
    }

    /** The failure being handled: on the exchange during an attempt, in EXCEPTION_CAUGHT once the handler took it. */
    static Throwable caught(Exchange exchange) {
        return exchange.getException() != null
                ? exchange.getException() : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    }

    /** A rate limit (HTTP 429, AWS throttling): the destination works, it asks to slow down. */
    static boolean isRateLimited(Throwable caught) {
        var http = ObjectHelper.getException(org.apache.camel.http.base.HttpOperationFailedException.class, caught);
        if (http != null) {
            return http.getStatusCode() == 429;
        }
        AwsServiceException aws = ObjectHelper.getException(AwsServiceException.class, caught);
        return aws != null && aws.isThrottlingException();
    }

    static boolean isRetryable(Throwable caught) {
        if (ObjectHelper.getException(RetryableDeliveryException.class, caught) != null) {
            return true;
        }
        if (dev.trailrouter.observe.ValueErrors.find(caught) != null) {
            return false; // an event that cannot be written (a value no type holds) fails the same way every time
        }
        if (ObjectHelper.getException(org.apache.camel.http.base.HttpOperationFailedException.class, caught) != null) {
            return HttpRetryPolicy.isRetryable(caught);
        }
        AwsServiceException aws = ObjectHelper.getException(AwsServiceException.class, caught);
        if (aws != null) {
            return aws.statusCode() >= 500 || aws.isThrottlingException() || aws.statusCode() == 408;
        }
        return ObjectHelper.getException(SdkClientException.class, caught) != null
                || ObjectHelper.getException(IOException.class, caught) != null; // also the cause of an UncheckedIOException
    }

}
