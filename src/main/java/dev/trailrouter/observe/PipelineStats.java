package dev.trailrouter.observe;

import java.lang.management.ManagementFactory;
import java.util.Map;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/** The {@link PipelineStatsMBean}, backed by {@link PipelineMetrics}; registered on the platform MBean server. */
public final class PipelineStats implements PipelineStatsMBean {

    private final PipelineMetrics metrics;

    public PipelineStats(PipelineMetrics metrics) {
        this.metrics = metrics;
    }

    public static ObjectName name(String contextName) throws Exception {
        return new ObjectName("org.apache.camel:context=" + contextName + ",type=trailrouter,name=pipeline");
    }

    /** Registers (replacing one left by an earlier context of the same name in this JVM). */
    public ObjectName register(String contextName) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = name(contextName);
        if (server.isRegistered(name)) {
            server.unregisterMBean(name);
        }
        server.registerMBean(new StandardMBean(this, PipelineStatsMBean.class), name);
        return name;
    }

    public static void unregister(String contextName) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = name(contextName);
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        } catch (Exception ignored) {
            // shutting down
        }
    }

    @Override
    public Map<String, Long> getEventsIn() {
        return metrics.countsBy("trailrouter.events", "kind");
    }

    @Override
    public Map<String, Long> getEventsDelivered() {
        return metrics.countsBy("trailrouter.destination.events", "destination", "outcome", "delivered");
    }

    @Override
    public Map<String, Long> getEventsDeadLettered() {
        return metrics.countsBy("trailrouter.destination.events", "destination", "outcome", "dead-lettered");
    }

    @Override
    public Map<String, Long> getDestinationsDown() {
        return metrics.gaugesBy("trailrouter.destination.down", "destination");
    }

    @Override
    public Map<String, Long> getEventsWaiting() {
        return metrics.gaugesBy("trailrouter.destination.waiting", "destination");
    }

    @Override
    public Map<String, Long> getInputRejected() {
        return metrics.countsBy("trailrouter.input.rejected", "reason");
    }

    @Override
    public Map<String, Long> getMessages() {
        return metrics.countsBy("trailrouter.messages", "outcome");
    }

    @Override
    public long getObjectsFetched() {
        return (long) metrics.count("trailrouter.objects.fetched");
    }

    @Override
    public long getBytesFetched() {
        return (long) metrics.count("trailrouter.bytes.fetched");
    }

    @Override
    public Map<String, String> getLastEventTime() {
        return metrics.lastEventTimes();
    }
}
