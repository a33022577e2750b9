package dev.trailrouter.ledger;

/**
 * A unit's fate, decided by its {@link DeliveryLedger}. What an intake does with each: for SQS, delete the message
 * (done), leave it for SQS to deliver again (retry) or write it to the dead-letter queue and then delete it (reject);
 * for an HTTP push, answer 2xx, 5xx or 4xx; for a poller or a backfill, advance the checkpoint, back off, or
 * dead-letter the page or object.
 */
public record Verdict(Decision decision, String reason, String detail) {

    public enum Decision { DONE, RETRY, REJECT }

    public static final Verdict DONE = new Verdict(Decision.DONE, null, null);

    static Verdict retry(String reason) {
        return new Verdict(Decision.RETRY, reason, null);
    }

    static Verdict reject(String reason, String detail) {
        return new Verdict(Decision.REJECT, reason, detail);
    }

    public boolean done() {
        return decision == Decision.DONE;
    }
}
