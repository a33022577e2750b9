package dev.trailrouter.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A queue's region: from its URL, else the configured default, else the AWS SDK's chain; never a silent us-east-1. */
class AwsRegionsTest {

    private static final String[] SDK_PROPERTIES = {"aws.region", "aws.configFile", "aws.sharedCredentialsFile",
            "aws.profile", "aws.disableEc2Metadata"};

    @TempDir
    Path tmp;

    private final Properties saved = new Properties();

    @BeforeEach
    void isolateFromThisMachine() throws Exception {
        // the SDK chain must see only what a test gives it: no region in the environment, an empty profile file
        assumeTrue(System.getenv("AWS_REGION") == null && System.getenv("AWS_DEFAULT_REGION") == null
                && System.getenv("AWS_PROFILE") == null, "this machine's environment names a region");
        for (String key : SDK_PROPERTIES) {
            if (System.getProperty(key) != null) {
                saved.setProperty(key, System.getProperty(key));
            }
            System.clearProperty(key);
        }
        System.setProperty("aws.configFile", Files.writeString(tmp.resolve("config"), "").toString());
        System.setProperty("aws.sharedCredentialsFile", Files.writeString(tmp.resolve("credentials"), "").toString());
        System.setProperty("aws.disableEc2Metadata", "true");
    }

    @AfterEach
    void restore() {
        for (String key : SDK_PROPERTIES) {
            System.clearProperty(key);
        }
        saved.forEach((k, v) -> System.setProperty((String) k, (String) v));
    }

    @Test
    void theQueueUrlNamesItsRegion() {
        Map<String, String> urls = Map.of(
                "https://sqs.eu-west-1.amazonaws.com/111122223333/org-trail", "eu-west-1",
                "https://sqs.cn-north-1.amazonaws.com.cn/111122223333/q", "cn-north-1",
                "https://sqs-fips.us-gov-west-1.amazonaws.com/111122223333/q", "us-gov-west-1",
                "https://sqs.ap-southeast-2.api.aws/111122223333/q", "ap-southeast-2",
                "https://vpce-0a1b2c3d4e5f-abcdefgh.sqs.eu-central-1.vpce.amazonaws.com/111122223333/q", "eu-central-1",
                "https://eu-west-2.queue.amazonaws.com/111122223333/q", "eu-west-2",
                "https://queue.amazonaws.com/111122223333/q", "us-east-1");
        urls.forEach((url, region) -> assertEquals(Optional.of(region), AwsRegions.fromQueueUrl(url), url));
        for (String none : new String[] {"http://127.0.0.1:5000/123456789012/q", "https://sqs.example.com/1/q",
                "https://sqs.amazonaws.com.evil.example/eu-west-1/q", "not a url"}) {
            assertEquals(Optional.empty(), AwsRegions.fromQueueUrl(none), none);
        }
    }

    @Test
    void urlFirstThenTheConfiguredDefaultThenTheSdkChain() throws Exception {
        String emulated = "http://127.0.0.1:5000/123456789012/q";
        // the URL wins over every default
        assertEquals("eu-west-1", settings(Map.of("trailrouter.aws.region", "us-west-2"))
                .queueRegion("q", "https://sqs.eu-west-1.amazonaws.com/1/q", Optional.empty()));
        // an explicit key for the queue wins over its URL
        assertEquals("eu-north-1", settings(Map.of("trailrouter.queue.q.region", "eu-north-1"))
                .queueRegion("q", "https://sqs.eu-west-1.amazonaws.com/1/q", Optional.empty()));
        assertEquals("us-west-2", settings(Map.of("trailrouter.aws.region", "us-west-2")).queueRegion("q", emulated, Optional.empty()));
        // the SDK's chain: the aws.region system property (AWS_REGION's twin) …
        System.setProperty("aws.region", "ap-northeast-1");
        assertEquals("ap-northeast-1", settings(Map.of()).queueRegion("q", emulated, Optional.empty()));
        System.clearProperty("aws.region");
        // … and a profile's region, the default profile's or the queue's own
        Files.writeString(Path.of(System.getProperty("aws.configFile")),
                "[default]\nregion = sa-east-1\n[profile partner]\nregion = me-south-1\n");
        assertEquals("sa-east-1", settings(Map.of()).queueRegion("q", emulated, Optional.empty()));
        assertEquals("me-south-1", settings(Map.of()).queueRegion("q", emulated, Optional.of("partner")));
    }

    @Test
    void noRegionAnywhereIsAClearErrorNotUsEast1() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> settings(Map.of()).queueRegion("orgtrail", "http://127.0.0.1:5000/123456789012/q", Optional.empty()));
        assertEquals("no AWS region for queue 'orgtrail': its URL names none and no default is set; set AWS_REGION "
                + "(or trailrouter.aws.region, or trailrouter.queue.orgtrail.region)", e.getMessage());
        assertTrue(assertThrows(IllegalStateException.class, () -> settings(Map.of()).region()).getMessage()
                .startsWith("no AWS region"));
    }

    @Test
    void anEndpointIsOverriddenOnlyWhenTrailrouterIsToldTo() {
        assertEquals(Optional.empty(), settings(Map.of()).endpoint(), "AWS_ENDPOINT_URL* are the SDK's to honour");
        assertEquals("http://127.0.0.1:5000", settings(Map.of("trailrouter.aws.endpoint", "http://127.0.0.1:5000"))
                .endpoint().orElseThrow().toString());
    }

    private static TrailRouterSettings settings(Map<String, String> properties) {
        DefaultCamelContext context = new DefaultCamelContext();
        Properties initial = new Properties();
        initial.putAll(properties);
        context.getPropertiesComponent().setInitialProperties(initial);
        return new TrailRouterSettings(context);
    }
}
