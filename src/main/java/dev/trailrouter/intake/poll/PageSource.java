package dev.trailrouter.intake.poll;

import java.time.Instant;

import dev.trailrouter.decode.PolledRecords;
import dev.trailrouter.event.Origin;

/** One API a poller reads, a page at a time, by time window. */
interface PageSource {

    /** One page of what the API holds for {@code [start, end]}; {@code token} is null for the first. */
    ApiPage page(Instant start, Instant end, String token, Origin origin) throws InterruptedException;

    /** A page: its decoded records, and the token of the next page (null after the last). */
    record ApiPage(PolledRecords.Page records, String nextToken) {
    }
}
