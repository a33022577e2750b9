package dev.trailrouter.intake.poll;

import java.time.Instant;

import dev.trailrouter.config.PollerSettings;
import dev.trailrouter.decode.PolledRecords;
import dev.trailrouter.event.Origin;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;

/**
 * CloudWatch Logs {@code FilterLogEvents} of one log group (every stream), {@value #PAGE_SIZE} events a page: the API
 * would return up to 10,000, a unit that large would hold too much in memory at once and redo too much on a retry.
 */
final class LogGroupEvents implements PageSource {

    static final int PAGE_SIZE = 1000;

    private final CloudWatchLogsClient client;
    private final PollerSettings settings;
    private final ApiCalls calls;
    private final PolledRecords records;
    private final String logGroup;
    private final String owner;

    LogGroupEvents(CloudWatchLogsClient client, PollerSettings settings, ApiCalls calls, PolledRecords records) {
        this.client = client;
        this.settings = settings;
        this.calls = calls;
        this.records = records;
        String identifier = settings.logGroup().orElseThrow();
        String[] arn = identifier.split(":", 7);
        boolean isArn = arn.length >= 7 && arn[0].equals("arn") && arn[5].equals("log-group");
        // the name for origins and log events: what a subscription payload's logGroup says
        this.logGroup = isArn ? arn[6].replaceFirst(":\\*$", "") : identifier;
        this.owner = isArn && !arn[4].isEmpty() ? arn[4] : null;
    }

    @Override
    public ApiPage page(Instant start, Instant end, String token, Origin origin) throws InterruptedException {
        FilterLogEventsRequest.Builder request = FilterLogEventsRequest.builder()
                .startTime(start.toEpochMilli()).endTime(end.toEpochMilli()).limit(PAGE_SIZE).nextToken(token);
        String identifier = settings.logGroup().orElseThrow();
        if (identifier.startsWith("arn:")) {
            request.logGroupIdentifier(identifier.replaceFirst(":\\*$", "")); // another account's group, by ARN
        } else {
            request.logGroupName(identifier);
        }
        settings.filterPattern().ifPresent(request::filterPattern);
        FilterLogEventsResponse response = calls.call("FilterLogEvents", () -> client.filterLogEvents(request.build()));
        return new ApiPage(records.filteredLogEvents(response.events(), logGroup, owner, origin),
                CloudTrailLookups.blankToNull(response.nextToken()));
    }
}
