package dev.trailrouter.intake;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** A FIFO queue's groups: one message of a group at a time, other groups beside it, and a failure holding back the rest. */
class FifoGroupsTest {

    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final FifoGroups groups = new FifoGroups();

    @AfterEach
    void close() throws Exception {
        camel.close();
    }

    private Exchange message(String group) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getIn().setHeader(Sqs2Constants.ATTRIBUTES, Map.of(MessageSystemAttributeName.MESSAGE_GROUP_ID, group));
        return exchange;
    }

    private static Message received(String group) {
        return Message.builder().messageId("m").receiptHandle("h-" + Math.random())
                .attributes(Map.of(MessageSystemAttributeName.MESSAGE_GROUP_ID, group)).build();
    }

    /** Hands the message to the group-order step; the flag says when it may go on. */
    private AtomicBoolean handIn(Exchange exchange) {
        AtomicBoolean goesOn = new AtomicBoolean();
        boolean sync = groups.inGroupOrder().process(exchange, doneSync -> goesOn.set(true));
        assertEquals(sync, goesOn.get(), "going on at once is answered synchronously");
        FifoGroups.outcomeEndsTurn(exchange);
        return goesOn;
    }

    @Test
    void aGroupsNextMessageWaitsForTheEndOfThePreviousOneWhileOtherGroupsGoOn() {
        Exchange first = message("g1");
        Exchange second = message("g1");
        Exchange other = message("g2");

        assertTrue(handIn(first).get(), "the first of a group goes on at once");
        AtomicBoolean secondGoes = handIn(second);
        assertFalse(secondGoes.get(), "the second of the group waits");
        assertTrue(handIn(other).get(), "another group does not wait for g1");

        FifoGroups.endTurn(other);
        assertFalse(secondGoes.get(), "another group's end is not g1's turn");
        FifoGroups.endTurn(first);
        assertTrue(secondGoes.get(), "g1's next message goes on once the first is finished");
        FifoGroups.endTurn(second);
        assertTrue(handIn(message("g1")).get(), "a group with nothing in flight goes on at once");
    }

    @Test
    void aFailureHoldsBackTheGroupsMessagesHeldHereUntilAllOfThemAreFinished() {
        groups.received(List.of(received("g"), received("g"), received("g"), received("other")));
        Exchange second = message("g");

        groups.failed("g");
        assertThrows(FifoGroups.GroupHeldBackException.class, () -> groups.beforeProcessing(second));
        assertDoesNotThrow(() -> groups.beforeProcessing(message("other")), "another group is not held back");

        groups.finished("g");
        groups.finished("g");
        assertThrows(FifoGroups.GroupHeldBackException.class, () -> groups.beforeProcessing(second),
                "held back while any message of the group is still held here");
        groups.finished("g");
        assertDoesNotThrow(() -> groups.beforeProcessing(message("g")),
                "once SQS owns the whole group again, its redelivered messages are processed");
        assertEquals(1, groups.groupsHeld(), "only 'other' is still held");
    }

    @Test
    void aFailureOfAGroupNoLongerHeldHereIsNotRemembered() {
        groups.failed("gone");
        assertDoesNotThrow(() -> groups.beforeProcessing(message("gone")));
    }
}
