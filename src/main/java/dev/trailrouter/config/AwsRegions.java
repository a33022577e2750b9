package dev.trailrouter.config;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * Where a queue's region comes from, never guessed: the queue URL names it (SQS URLs carry their region), else the
 * configured default ({@code trailrouter.aws.region}), else the AWS SDK's default region chain (the {@code aws.region}
 * system property, {@code AWS_REGION}, the profile's {@code region} in {@code ~/.aws/config}, the EC2/ECS instance
 * metadata), else {@code AWS_DEFAULT_REGION} as the AWS CLI reads it. When none answers, start-up stops with a
 * one-line error: a silent us-east-1 would sign every call for the wrong region.
 */
public final class AwsRegions {

    /** A region name: {@code eu-west-1}, {@code us-gov-west-1}, {@code cn-north-1}, {@code us-isob-east-1}. */
    static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");

    private AwsRegions() {
    }

    /**
     * The region an SQS queue URL names: {@code sqs.<region>.amazonaws.com}, {@code .amazonaws.com.cn},
     * {@code sqs-fips.<region>…}, dual-stack {@code sqs.<region>.api.aws}, interface endpoints
     * {@code vpce-….sqs.<region>.vpce.amazonaws.com}, and the legacy {@code <region>.queue.amazonaws.com} and
     * {@code queue.amazonaws.com} (us-east-1). Empty for any other host (an emulator, a proxy).
     */
    public static Optional<String> fromQueueUrl(String url) {
        String host;
        try {
            host = URI.create(url.trim()).getHost();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (host == null) {
            return Optional.empty();
        }
        host = host.toLowerCase(java.util.Locale.ROOT);
        if (!(host.endsWith(".amazonaws.com") || host.endsWith(".amazonaws.com.cn") || host.endsWith(".api.aws"))) {
            return Optional.empty();
        }
        if (host.equals("queue.amazonaws.com")) {
            return Optional.of("us-east-1");
        }
        String[] labels = host.split("\\.");
        for (int i = 0; i + 1 < labels.length; i++) {
            if ((labels[i].equals("sqs") || labels[i].equals("sqs-fips")) && REGION.matcher(labels[i + 1]).matches()) {
                return Optional.of(labels[i + 1]);
            }
        }
        if (labels.length > 2 && labels[1].equals("queue") && REGION.matcher(labels[0]).matches()) {
            return Optional.of(labels[0]);
        }
        return Optional.empty();
    }

    /** The region an ARN names ({@code arn:aws:logs:eu-west-1:111122223333:log-group:x}); empty for a bare name. */
    public static Optional<String> fromArn(String value) {
        String[] parts = value.split(":", 6);
        return parts.length >= 4 && parts[0].equals("arn") && REGION.matcher(parts[3]).matches()
                ? Optional.of(parts[3]) : Optional.empty();
    }

    /** The AWS SDK's default region chain, for a named profile or the default one; empty when it finds none. */
    public static Optional<String> sdkDefault(Optional<String> profile) {
        try {
            DefaultAwsRegionProviderChain.Builder chain = DefaultAwsRegionProviderChain.builder();
            profile.ifPresent(chain::profileName);
            return Optional.ofNullable(chain.build().getRegion()).map(r -> r.id());
        } catch (SdkClientException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    /** AWS_DEFAULT_REGION, which the AWS CLI reads and the SDK does not. */
    static Optional<String> cliDefault() {
        return Optional.ofNullable(System.getenv("AWS_DEFAULT_REGION")).map(String::trim).filter(s -> !s.isEmpty());
    }
}
