package dev.trailrouter.intake.backfill;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.trailrouter.demo.MotoServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Which day folders the listing finds, on the emulator's S3, for the layouts CloudTrail writes: a trail with its own
 * key prefix, a single-account trail and an organization trail in one bucket. Keys only (empty bodies): nothing is
 * fetched here.
 */
class TrailListingTest {

    static MotoServer moto;
    static S3Client s3;
    static final Instant FROM = Instant.parse("2026-11-01T00:00:00Z");
    static final Instant TO = Instant.parse("2026-11-02T00:00:00Z");

    @BeforeAll
    static void layOut() throws Exception {
        moto = MotoServer.start();
        s3 = S3Client.builder().endpointOverride(moto.endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .build();
        s3.createBucket(b -> b.bucket("logs"));
        for (String key : List.of(
                "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/01/111122223333_CloudTrail_us-east-1_20261101T0005Z_a.json.gz",
                "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/01/111122223333_CloudTrail_eu-west-1_20261101T0005Z_b.json.gz",
                "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/01/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20261101T010000Z.json.gz",
                "AWSLogs/o-abc123defg/444455556666/CloudTrail/ap-south-1/2026/11/01/444455556666_CloudTrail_ap-south-1_20261101T2355Z_c.json.gz",
                "AWSLogs/o-abc123defg/444455556666/CloudTrail-Insight/ap-south-1/2026/11/01/x.json.gz",
                "myprefix/AWSLogs/777788889999/CloudTrail/us-west-2/2026/11/02/777788889999_CloudTrail_us-west-2_20261102T0010Z_d.json.gz",
                "myprefix/AWSLogs/777788889999/CloudTrail/us-west-2/2026/11/02/777788889999_CloudTrail_us-west-2_20261102T0020Z_e.json.gz",
                "myprefix/AWSLogs/777788889999/CloudTrail/us-west-2/2026/11/01/README.txt",
                "exports/2026/11/01/report.csv")) {
            s3.putObject(b -> b.bucket("logs").key(key), RequestBody.empty());
        }
    }

    @AfterAll
    static void stop() {
        s3.close();
        moto.close();
    }

    private static TrailListing listing(String prefix, Set<String> accounts, Set<String> regions) {
        return new TrailListing(s3, new BackfillRequest("logs", prefix, FROM, TO, Duration.ofMinutes(15), accounts,
                regions, Set.of(), 1, 1));
    }

    @Test
    void fromTheBucketsRootItFindsSingleAccountAndOrganizationTrailsButNotAnotherTrailsKeyPrefix() {
        TrailListing listing = listing("", Set.of(), Set.of());
        assertEquals(List.of(
                "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/01/",
                "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/02/",
                "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/01/",
                "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/02/",
                "AWSLogs/o-abc123defg/444455556666/CloudTrail/ap-south-1/2026/11/01/",
                "AWSLogs/o-abc123defg/444455556666/CloudTrail/ap-south-1/2026/11/02/"), listing.dayFolders());
        // the root, AWSLogs/, the organization, and each account's CloudTrail/ folder: exports/ and myprefix/ are
        // seen at the root but not entered
        assertEquals(5, listing.calls());
    }

    @Test
    void accountsRegionsAndATrailsOwnKeyPrefixNarrowTheListing() {
        assertEquals(List.of("AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/01/",
                        "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/02/"),
                listing("", Set.of("111122223333"), Set.of("us-east-1")).dayFolders());
        assertEquals(List.of("myprefix/AWSLogs/777788889999/CloudTrail/us-west-2/2026/11/01/",
                        "myprefix/AWSLogs/777788889999/CloudTrail/us-west-2/2026/11/02/"),
                listing("myprefix", Set.of(), Set.of()).dayFolders());
        TrailListing account = listing("AWSLogs/o-abc123defg/444455556666/", Set.of(), Set.of());
        assertEquals(List.of("AWSLogs/o-abc123defg/444455556666/CloudTrail/ap-south-1/2026/11/01/",
                "AWSLogs/o-abc123defg/444455556666/CloudTrail/ap-south-1/2026/11/02/"), account.dayFolders());
        assertEquals(1, account.calls(), "an account's folder: only its regions are listed");
    }

    @Test
    void aDayFoldersObjectsAreLogFilesOfTheWindowOthersPassedOverAndStrangersRejected() {
        TrailListing listing = listing("myprefix/", Set.of(), Set.of());
        List<TrailListing.Listed> seen = new ArrayList<>();
        listing.list("myprefix/AWSLogs/777788889999/CloudTrail/us-west-2/2026/11/01/", null, seen::add, () -> false);
        listing.list("myprefix/AWSLogs/777788889999/CloudTrail/us-west-2/2026/11/02/", null, seen::add, () -> false);
        assertEquals(List.of(TrailListing.Kind.NOT_CLOUDTRAIL, TrailListing.Kind.LOG_FILE, TrailListing.Kind.OUTSIDE),
                seen.stream().map(TrailListing.Listed::kind).toList(),
                "README.txt in a day of the window; 00:10 of the next day within the 15 minutes' lateness; 00:20 not: "
                        + seen);
        List<TrailListing.Listed> resumed = new ArrayList<>();
        listing.list("myprefix/AWSLogs/777788889999/CloudTrail/us-west-2/2026/11/02/",
                seen.get(1).key(), resumed::add, () -> false);
        assertEquals(List.of(seen.get(2)), resumed, "after a watermark: only what follows it");
    }
}
