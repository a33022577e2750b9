package dev.trailrouter.intake;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;

import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Keeps a FIFO queue's order within a message group. SQS returns a group's messages in order and no later ones while
 * some are in flight, and a receive's messages are processed one after the other. What remains is a failure: when a
 * message fails, the later messages of its group in the same receive must not be delivered ahead of it. They are
 * failed at once (not deleted), so SQS returns the whole group again, in order, after the visibility timeout.
 *
 * <p>Each consumer thread processes its own receive, so the failed groups are tracked per thread and forgotten when
 * the next receive starts.
 */
final class FifoGroups {

    private static final ThreadLocal<Set<String>> FAILED_IN_THIS_RECEIVE = ThreadLocal.withInitial(HashSet::new);

    private FifoGroups() {
    }

    static void beforeProcessing(Exchange exchange) {
        if (exchange.getProperty(ExchangePropertyKey.BATCH_INDEX, 0, Integer.class) == 0) {
            FAILED_IN_THIS_RECEIVE.get().clear();
        }
        String group = groupOf(exchange);
        if (group != null && FAILED_IN_THIS_RECEIVE.get().contains(group)) {
            throw new GroupHeldBackException(group);
        }
    }

    static void failed(Exchange exchange) {
        String group = groupOf(exchange);
        if (group != null) {
            FAILED_IN_THIS_RECEIVE.get().add(group);
        }
    }

    static String groupOf(Exchange exchange) {
        Object attributes = exchange.getIn().getHeader(Sqs2Constants.ATTRIBUTES);
        if (attributes instanceof Map<?, ?> map) {
            Object group = map.get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
            return group == null ? null : group.toString();
        }
        return null;
    }

    /** Transient by design: the message is not deleted and comes back after the one that failed before it. */
    static final class GroupHeldBackException extends RuntimeException {
        GroupHeldBackException(String group) {
            super("held back: an earlier message of FIFO group " + group + " failed in this receive");
        }
    }
}
