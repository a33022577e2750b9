package dev.trailrouter.observe;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of one API poller ({@code trailrouter/poller-<name>}): whether its last poll worked. Down while its polls
 * fail (the API refuses, a destination keeps failing: its checkpoint is not moving) and for good when it stopped on an
 * unreadable checkpoint. Up before the first poll: there is nothing wrong to report yet.
 */
public final class PollerHealth extends AbstractHealthCheck {

    private final boolean details;
    private volatile Instant lastSuccess;
    private volatile String failure;
    private volatile Instant failingSince;
    private volatile String stopped;

    /** @param details whether callers may see times and reasons (not when the port is open unauthenticated) */
    public PollerHealth(String poller, boolean details) {
        super("trailrouter", "poller-" + poller);
        this.details = details;
    }

    @Override
    public boolean isLiveness() {
        return false; // a restart would not mend an API that refuses or a checkpoint that cannot be read
    }

    public void succeeded() {
        lastSuccess = Instant.now();
        failure = null;
        failingSince = null;
    }

    public void failed(String reason) {
        if (failingSince == null) {
            failingSince = Instant.now();
        }
        failure = reason;
    }

    public void stopped(String reason) {
        stopped = reason;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (details) {
            Map<String, Object> d = new LinkedHashMap<>();
            if (lastSuccess != null) {
                d.put("last.success", lastSuccess.toString());
            }
            if (failingSince != null) {
                d.put("failing.since", failingSince.toString());
            }
            builder.details(d);
        }
        if (stopped != null) {
            builder.message("stopped: " + stopped).down();
        } else if (failure != null) {
            builder.message("the last poll failed: " + failure).down();
        } else {
            builder.up();
        }
    }
}
