package dev.trailrouter.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.core.exception.SdkClientException;

/** A queue's credentials come from its profile, whatever kind the SDK reads: keys, SSO. */
class QueueCredentialsTest {

    @TempDir
    Path tmp;

    private String savedConfig;
    private String savedCredentials;
    private String savedHome;

    @BeforeEach
    void profileFiles() throws Exception {
        savedConfig = System.getProperty("aws.configFile");
        savedCredentials = System.getProperty("aws.sharedCredentialsFile");
        savedHome = System.getProperty("user.home");
        System.setProperty("aws.configFile", Files.writeString(tmp.resolve("config"), """
                [profile reader]
                region = eu-west-1

                [profile sso-reader]
                sso_session = corp
                sso_account_id = 111122223333
                sso_role_name = TrailRouterReader
                region = eu-west-1

                [sso-session corp]
                sso_start_url = https://corp.awsapps.com/start
                sso_region = eu-west-1
                sso_registration_scopes = sso:account:access
                """).toString());
        System.setProperty("aws.sharedCredentialsFile", Files.writeString(tmp.resolve("credentials"), """
                [reader]
                aws_access_key_id = AKIAREADERPROFILE01
                aws_secret_access_key = reader-secret
                """).toString());
        System.setProperty("user.home", tmp.toString()); // no ~/.aws/sso/cache token here
    }

    @AfterEach
    void restore() {
        set("aws.configFile", savedConfig);
        set("aws.sharedCredentialsFile", savedCredentials);
        set("user.home", savedHome);
    }

    private static void set(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    private static QueueSettings queue(String profile) {
        return new QueueSettings("partner", "https://sqs.eu-west-1.amazonaws.com/111122223333/q", "eu-west-1",
                Optional.empty(), 1, 300, 20, 10, 32, Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                Optional.of(profile), "trailrouter-partner");
    }

    @Test
    void aQueuesProfileGivesItsCredentials() {
        try (AwsClients clients = new AwsClients(false)) {
            assertEquals("AKIAREADERPROFILE01", clients.credentials(queue("reader")).resolveCredentials().accessKeyId());
        }
    }

    @Test
    void anSsoProfileIsReadByTheSdksSsoModule() {
        try (AwsClients clients = new AwsClients(false)) {
            SdkClientException e = assertThrows(SdkClientException.class,
                    () -> clients.credentials(queue("sso-reader")).resolveCredentials());
            String message = e.getMessage();
            // with the sso module on the class path the SDK looks for the session's cached token (aws sso login);
            // without it, it says to add the module
            assertTrue(!message.contains("must be on the class path") && !message.contains("module"), message);
            assertTrue(message.toLowerCase().contains("token"), message);
        }
    }

    @Test
    void aRoleSessionNameFollowsStsRules() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new QueueSettings("partner",
                "https://sqs.eu-west-1.amazonaws.com/1/q", "eu-west-1", Optional.empty(), 1, 300, 20, 10, 32,
                Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Optional.empty(), "has spaces"));
        assertTrue(e.getMessage().contains("role-session-name"), e.getMessage());
    }
}
