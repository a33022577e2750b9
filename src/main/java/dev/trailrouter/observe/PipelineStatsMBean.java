package dev.trailrouter.observe;

import java.util.Map;

/**
 * trailrouter's own figures in JMX, beside Camel's route MBeans: {@code org.apache.camel:context=<name>,type=trailrouter,
 * name=pipeline}. Read-only; the same numbers as the Prometheus series.
 */
public interface PipelineStatsMBean {

    /** Events decoded, by kind. */
    Map<String, Long> getEventsIn();

    /** Events delivered, by destination. */
    Map<String, Long> getEventsDelivered();

    /** Events a destination dead-lettered, by destination. */
    Map<String, Long> getEventsDeadLettered();

    /**
     * Every destination that has delivered or failed a batch: 1 while it is known to be down (at most one attempt per
     * message, or per group for Slack, until a batch is accepted), else 0.
     */
    Map<String, Long> getDestinationsDown();

    /** Events a destination gathered into groups (Slack) and has not posted yet, by destination. */
    Map<String, Long> getEventsWaiting();

    /** Messages dead-lettered as bad input, by reason. */
    Map<String, Long> getInputRejected();

    /** SQS messages by outcome (received, deleted, failed, …). */
    Map<String, Long> getMessages();

    long getObjectsFetched();

    long getBytesFetched();

    /** The newest event time seen, per queue (ISO-8601). */
    Map<String, String> getLastEventTime();
}
