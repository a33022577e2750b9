package dev.trailrouter.intake;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import java.util.concurrent.CompletableFuture;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.SynchronizationAdapter;

import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Keeps a FIFO queue's order within a message group while the queue's messages are processed concurrently.
 *
 * <p>SQS hands out a group's messages in order and no later ones while some of the group are in flight, so every
 * message of a group this process holds came in receive order, and the intake runs a group's messages one after the
 * other, each waiting for its turn ({@link #inGroupOrder}); different groups run side by side. What remains is a failure: when
 * a message fails, the later messages of its group this process already holds must not be delivered ahead of it. They
 * are failed at once (not deleted), so SQS returns the whole group again, in order, after the visibility timeout.
 *
 * <p>The order: each message of a group waits for its turn ({@link #inGroupOrder}) — the end of the group's previous
 * message, its delete included — without holding a thread, while the messages of other groups go ahead.
 *
 * <p>A group is counted from the moment its messages are received ({@link #received}, before any of them is started)
 * until each is finished: deleted, failed or released. The failed mark lasts while any of the group's messages is
 * held here, so a held-back message can never slip through because its predecessor's failure was already forgotten;
 * once the count reaches zero SQS owns the whole group again and the mark goes.
 */
final class FifoGroups {

    private static final String TURN = "trailrouterGroupTurn";
    private static final String OUTCOME_ENDS_TURN = "trailrouterOutcomeEndsTurn";

    /** group → messages of the group received and not finished */
    private final Map<String, Integer> held = new HashMap<>();
    private final Set<String> failed = new HashSet<>();
    /** group → the turn of its last message handed in: done when that message is finished */
    private final Map<String, CompletableFuture<Void>> turns = new HashMap<>();

    /**
     * The route step before a FIFO message is handed to a worker: it goes on at once when its group has no earlier
     * message in flight here, else when that message is finished (on the thread that finished it, which only hands it
     * on). Messages without a group go on at once.
     */
    AsyncProcessorSupport inGroupOrder() {
        return new AsyncProcessorSupport() {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                String group = groupOf(exchange);
                if (group == null) {
                    callback.done(true);
                    return true;
                }
                CompletableFuture<Void> mine = new CompletableFuture<>();
                CompletableFuture<Void> previous;
                synchronized (FifoGroups.this) {
                    previous = turns.put(group, mine);
                }
                mine.whenComplete((v, e) -> {
                    synchronized (FifoGroups.this) {
                        turns.remove(group, mine);
                    }
                });
                exchange.setProperty(TURN, mine);
                // a message whose route ended before its outcome was registered (released while stopping, or failed
                // before it started) ends its turn here; otherwise its outcome does, after its delete
                exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                    @Override
                    public void onDone(Exchange done) {
                        if (!done.getProperty(OUTCOME_ENDS_TURN, false, Boolean.class)) {
                            mine.complete(null);
                        }
                    }
                });
                if (previous == null || previous.isDone()) {
                    callback.done(true);
                    return true;
                }
                previous.whenComplete((v, e) -> callback.done(false));
                return false;
            }

            @Override
            public String toString() {
                return "inGroupOrder";
            }
        };
    }

    /** The message's outcome took over its turn: it ends it once the message is finished, delete included. */
    static void outcomeEndsTurn(Exchange exchange) {
        exchange.setProperty(OUTCOME_ENDS_TURN, true);
    }

    /** The message is finished: its group's next message may start. */
    @SuppressWarnings("unchecked")
    static void endTurn(Exchange exchange) {
        Object turn = exchange.getProperty(TURN);
        if (turn instanceof CompletableFuture<?> future) {
            ((CompletableFuture<Void>) future).complete(null);
        }
    }

    /** A receive's messages, recorded before any of them starts. */
    synchronized void received(List<Message> messages) {
        for (Message message : messages) {
            String group = message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
            if (group != null) {
                held.merge(group, 1, Integer::sum);
            }
        }
    }

    /** Before a message is processed: refused when an earlier message of its group failed. */
    synchronized void beforeProcessing(Exchange exchange) {
        String group = groupOf(exchange);
        if (group != null && failed.contains(group)) {
            throw new GroupHeldBackException(group);
        }
    }

    /** A message of the group failed (or could not be deleted): it comes back, the group's later messages wait. */
    synchronized void failed(String group) {
        if (group != null && held.containsKey(group)) {
            failed.add(group);
        }
    }

    /** A message is finished with, whatever became of it. */
    synchronized void finished(String group) {
        if (group == null) {
            return;
        }
        Integer left = held.computeIfPresent(group, (g, n) -> n > 1 ? n - 1 : null);
        if (left == null) {
            failed.remove(group);
        }
    }

    /** Groups with messages held here (a test's view). */
    synchronized int groupsHeld() {
        return held.size();
    }

    static String groupOf(Exchange exchange) {
        Object attributes = exchange.getIn().getHeader(Sqs2Constants.ATTRIBUTES);
        if (attributes instanceof Map<?, ?> map) {
            Object group = map.get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
            return group == null ? null : group.toString();
        }
        return null;
    }

    static String groupOf(Message message) {
        return message.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
    }

    /** Transient by design: the message is not deleted and comes back after the one that failed before it. */
    static final class GroupHeldBackException extends RuntimeException {
        GroupHeldBackException(String group) {
            super("held back: an earlier message of FIFO group " + group + " failed");
        }
    }
}
