package dev.trailrouter.observe;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops the line Camel's aws2-sqs consumer writes for every failed receive ({@code ERROR … Error while polling}, with a
 * full stack trace, about twice a second while AWS is unreachable). trailrouter's poll strategy reports an outage
 * instead: one line when it starts, one when it ends, the stack traces at DEBUG. Only those lines are dropped; the
 * consumer's other messages pass (a level of OFF would hide them too). Installed by logback.xml.
 */
public final class SqsPollErrorFilter extends TurboFilter {

    static final String CONSUMER_LOGGER = "org.apache.camel.component.aws2.sqs.Sqs2Consumer";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level == Level.ERROR && format != null && format.startsWith("Error while polling")
                && CONSUMER_LOGGER.equals(logger.getName())) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}
