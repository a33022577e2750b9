package dev.trailrouter.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

/** The ledger's one decision, for every way a unit can end. */
class DeliveryLedgerTest {

    private static DeliveryLedger message() {
        return DeliveryLedger.create("orgtrail", "m-1", UnitKind.QUEUE_MESSAGE);
    }

    @Test
    void doneWhenEveryDestinationAcceptedOrDeadLettered() {
        DeliveryLedger ledger = message();
        ledger.decoded(10);
        ledger.accepted("siem", 10);
        ledger.deadLettered("slack", 3, "HttpOperationFailedException: 400");
        assertTrue(ledger.verdict().done());
        assertFalse(ledger.failing());
        assertEquals("HttpOperationFailedException: 400", ledger.failureOf("slack"),
                "later batches of the unit go straight to the dead letters");
        assertEquals(10, ledger.events());
    }

    @Test
    void retryWhenADestinationFailedWithoutADeadLetterTarget() {
        DeliveryLedger ledger = message();
        ledger.accepted("archive", 10);
        ledger.failed("siem", 10, "ConnectException: refused");
        Verdict verdict = ledger.verdict();
        assertEquals(Verdict.Decision.RETRY, verdict.decision());
        assertEquals("destination siem: ConnectException: refused", verdict.reason());
        assertTrue(ledger.failing(), "decoding stops reading: the unit comes back whole");
        assertNull(ledger.failureOf("archive"));
    }

    @Test
    void rejectionWinsOverEverythingElse() {
        DeliveryLedger ledger = message();
        ledger.failed("siem", 1, "refused");
        ledger.reject("corrupt-gzip", "invalid stored block lengths");
        assertEquals(new Verdict(Verdict.Decision.REJECT, "corrupt-gzip", "invalid stored block lengths"), ledger.verdict());
    }

    @Test
    void aRejectionThatCouldNotBeWrittenIsRetriedNotDeleted() {
        DeliveryLedger ledger = message();
        ledger.reject("malformed-json", "not JSON");
        ledger.rejectionNotWritten("rejected as malformed-json, but the write to the DLQ failed: 503");
        assertEquals(Verdict.Decision.RETRY, ledger.verdict().decision());
        assertEquals("rejected as malformed-json, but the write to the DLQ failed: 503", ledger.verdict().reason());
    }

    @Test
    void aProcessingFailureIsRetried() {
        DeliveryLedger ledger = message();
        ledger.failedToProcess("S3Exception: SlowDown");
        assertEquals(Verdict.Decision.RETRY, ledger.verdict().decision());
        assertEquals("S3Exception: SlowDown", ledger.verdict().reason());
    }

    @Test
    void waitsForDeferredGroupsAndFailsWithAFailedOne() {
        DeliveryLedger ledger = message();
        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Void> second = new CompletableFuture<>();
        ledger.deferred("slack", 4, List.of(first, second));
        CompletableFuture<Void> settled = ledger.settled();
        assertFalse(settled.isDone());
        assertEquals(Verdict.Decision.RETRY, ledger.verdict().decision(), "never done while a group is pending");
        first.complete(null);
        assertFalse(settled.isDone());
        second.completeExceptionally(new IllegalStateException("503 after 8 retries"));
        assertTrue(settled.isDone(), "settled: nothing pending, whatever the groups' outcomes");
        assertEquals("destination slack: the group holding this unit's events failed: 503 after 8 retries",
                ledger.verdict().reason());
    }

    @Test
    void theVerdictTakenWhenTheUnitSettlesSeesAGroupThatFailed() {
        // CompletableFuture runs dependents last-registered first: what resumes the unit runs before anything the
        // ledger registered when the group was deferred. The verdict must not depend on that order.
        DeliveryLedger ledger = message();
        CompletableFuture<Void> group = new CompletableFuture<>();
        ledger.deferred("slack", 1, List.of(group));
        java.util.concurrent.atomic.AtomicReference<Verdict> seen = new java.util.concurrent.atomic.AtomicReference<>();
        ledger.settled().thenRun(() -> seen.set(ledger.verdict()));
        group.completeExceptionally(new IllegalStateException("500 after 2 attempts"));
        assertEquals(Verdict.Decision.RETRY, seen.get().decision(), "a message whose group failed is never deleted");
        assertTrue(ledger.failing());
    }

    @Test
    void acceptedGroupsMakeTheUnitDone() {
        DeliveryLedger ledger = message();
        CompletableFuture<Void> group = new CompletableFuture<>();
        ledger.deferred("slack", 2, List.of(group));
        group.complete(null);
        assertTrue(ledger.settled().isDone());
        assertTrue(ledger.verdict().done());
    }

    @Test
    void onlyUnitsThatMayWaitDeferAndTheKindsSayWhatDestinationsMayDo() {
        DeliveryLedger fifo = DeliveryLedger.create("orders.fifo", "m-2", UnitKind.ORDERED_MESSAGE);
        assertThrows(IllegalStateException.class, () -> fifo.deferred("slack", 1, List.of(new CompletableFuture<>())));
        assertFalse(UnitKind.REPLAY.deadLetters());
        assertTrue(UnitKind.GROUP.prefiltered());
        assertTrue(UnitKind.QUEUE_MESSAGE.mayDefer());
    }
}
