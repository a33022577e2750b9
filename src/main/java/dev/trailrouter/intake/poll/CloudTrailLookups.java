package dev.trailrouter.intake.poll;

import java.time.Instant;

import dev.trailrouter.config.PollerSettings;
import dev.trailrouter.decode.PolledRecords;
import dev.trailrouter.event.Origin;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttribute;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttributeKey;
import software.amazon.awssdk.services.cloudtrail.model.LookupEventsRequest;
import software.amazon.awssdk.services.cloudtrail.model.LookupEventsResponse;

/** CloudTrail {@code LookupEvents} of one region, 50 events a page (the API's maximum), paginated with NextToken. */
final class CloudTrailLookups implements PageSource {

    static final int PAGE_SIZE = 50;

    private final CloudTrailClient client;
    private final PollerSettings settings;
    private final ApiCalls calls;
    private final PolledRecords records;

    CloudTrailLookups(CloudTrailClient client, PollerSettings settings, ApiCalls calls, PolledRecords records) {
        this.client = client;
        this.settings = settings;
        this.calls = calls;
        this.records = records;
    }

    @Override
    public ApiPage page(Instant start, Instant end, String token, Origin origin) throws InterruptedException {
        LookupEventsRequest.Builder request = LookupEventsRequest.builder().startTime(start).endTime(end)
                .maxResults(PAGE_SIZE).nextToken(token);
        settings.eventSource().ifPresent(source -> request.lookupAttributes(LookupAttribute.builder()
                .attributeKey(LookupAttributeKey.EVENT_SOURCE).attributeValue(source).build()));
        LookupEventsResponse response = calls.call("LookupEvents", () -> client.lookupEvents(request.build()));
        return new ApiPage(records.lookupEvents(response.events(), origin), blankToNull(response.nextToken()));
    }

    static String blankToNull(String token) {
        return token == null || token.isEmpty() ? null : token;
    }
}
