package dev.trailrouter.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The one event shape every source becomes and every destination sees (docs/event-model.md).
 *
 * @param id       stable across redeliveries: CloudTrail's eventID, else a hash of origin and content
 * @param time     when it happened (ISO-8601, as the source wrote it)
 * @param kind     the source family: cloudtrail, …
 * @param account  the AWS account the event belongs to
 * @param region   the AWS region it happened in
 * @param service  the AWS service (CloudTrail eventSource, e.g. iam.amazonaws.com)
 * @param name     what happened (CloudTrail eventName)
 * @param actor    who did it: principal ARN, else user name, else principal id or invoking service
 * @param sourceIp where the call came from
 * @param readOnly whether the call only read state; null when the source does not say
 * @param origin   the queue message and object it was read from
 * @param detail   the original record, untouched
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"id", "time", "kind", "account", "region", "service", "name", "actor", "sourceIp", "readOnly",
        "origin", "detail"})
public record Event(
        String id,
        String time,
        String kind,
        String account,
        String region,
        String service,
        String name,
        String actor,
        String sourceIp,
        Boolean readOnly,
        Origin origin,
        JsonNode detail) {

    /**
     * Hashes the identifying fields only. The record's default would hash {@code detail}, the whole JSON tree, and Camel
     * hashes the body when a filter reads a field ({@code ${body.name}}): a cost per event for nothing. Consistent with
     * the record's equals: equal events have equal ids, kinds and origins.
     */
    @Override
    public int hashCode() {
        return java.util.Objects.hash(id, kind, origin);
    }
}
