package dev.trailrouter.ledger;

/** What kind of intake unit a ledger accounts for; it sets what the unit's destinations may do with its events. */
public enum UnitKind {
    /** A message of a standard SQS queue: may wait for groups gathered across messages. */
    QUEUE_MESSAGE(true, true, false),
    /** A message of a FIFO queue: delivered on its own, in its group's order, never held for later messages. */
    ORDERED_MESSAGE(false, true, false),
    /** A destination's dead letters being replayed into it: a failure leaves them where they are. */
    REPLAY(false, false, false),
    /** A burst group a destination posts: its events passed the destination's filter already. */
    GROUP(false, true, true),
    /** A page of a poller (CloudTrail LookupEvents, CloudWatch Logs FilterLogEvents): its checkpoint advances when done. */
    POLL_WINDOW(true, true, false),
    /** One object of a backfill: its checkpoint advances when done. */
    BACKFILL_OBJECT(true, true, false),
    /** An SNS notification pushed over HTTPS: answered 2xx when done; it cannot wait for later groups (15 s budget). */
    PUSH_NOTIFICATION(false, true, false);

    private final boolean mayDefer;
    private final boolean deadLetters;
    private final boolean prefiltered;

    UnitKind(boolean mayDefer, boolean deadLetters, boolean prefiltered) {
        this.mayDefer = mayDefer;
        this.deadLetters = deadLetters;
        this.prefiltered = prefiltered;
    }

    /** Whether its events may join a group that is delivered after the unit's own route has run. */
    public boolean mayDefer() {
        return mayDefer;
    }

    /** Whether a destination's failure may be written to the destination's dead-letter target. */
    public boolean deadLetters() {
        return deadLetters;
    }

    /** Whether its events already passed the destination's filter. */
    public boolean prefiltered() {
        return prefiltered;
    }
}
