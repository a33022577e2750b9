package dev.trailrouter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trailrouter.support.PackagedJar;

/** The command line as a user types it: {@code java -jar target/trailrouter.jar …} in its own JVM. */
class CommandLineIT {

    @TempDir
    Path tmp;

    record Run(int exit, String output) {
    }

    private Run jar(Map<String, String> env, String... args) throws Exception {
        Path log = tmp.resolve("out-" + System.nanoTime() + ".log");
        List<String> command = new java.util.ArrayList<>(List.of("-jar", PackagedJar.JAR.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = PackagedJar.java(log, command.toArray(String[]::new)).directory(tmp.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        assertTrue(process.waitFor(90, TimeUnit.SECONDS), "it ends by itself");
        return new Run(process.exitValue(), Files.readString(log));
    }

    private Path routes(String filter) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("routes/destinations"));
        Files.writeString(dir.resolve("siem.yaml"), """
                - templatedRoute:
                    routeTemplateRef: webhook
                    routeId: dest-siem
                    parameters:
                      - { name: name, value: siem }
                      - { name: url, value: "http://127.0.0.1:9/ingest" }
                      - { name: filter, value: "%s" }
                """.formatted(filter));
        Files.writeString(dir.resolve("all.yaml"), """
                - templatedRoute:
                    routeTemplateRef: archive
                    routeId: dest-all
                    parameters:
                      - { name: name, value: all }
                      - { name: directory, value: "%s" }
                """.formatted(tmp.resolve("archive")));
        return dir.getParent();
    }

    private static Map<String, String> queue(Path routes) {
        return Map.of("TRAILROUTER_ROUTES_DIR", routes.toString(), "TRAILROUTER_QUEUES", "orgtrail",
                "TRAILROUTER_QUEUE_ORGTRAIL_URL", "https://sqs.eu-west-1.amazonaws.com/111122223333/org-trail",
                "AWS_REGION", "eu-west-1");
    }

    @Test
    void helpListsTheCommandsAndTheMainKeysVersionIsTheProjectsAndMisuseExitsTwo() throws Exception {
        Run help = jar(Map.of(), "--help");
        assertEquals(0, help.exit(), help.output());
        for (String expected : List.of("run", "demo", "validate", "test-filter", "TRAILROUTER_QUEUES",
                "TRAILROUTER_QUEUE_<NAME>_URL", "TRAILROUTER_ROUTES_DIR", "Exit codes")) {
            assertTrue(help.output().contains(expected), expected + " in\n" + help.output());
        }
        Run version = jar(Map.of(), "--version");
        assertEquals(0, version.exit());
        String pom = Files.readString(Path.of("pom.xml"));
        String projectVersion = pom.substring(pom.indexOf("<version>") + 9, pom.indexOf("</version>"));
        assertTrue(version.output().startsWith("trailrouter " + projectVersion + " (Apache Camel 4.17.0"), version.output());
        Run misuse = jar(Map.of(), "--no-such-option");
        assertEquals(2, misuse.exit(), misuse.output());
        assertTrue(misuse.output().contains("Unknown option: '--no-such-option'"), misuse.output());
        assertEquals(2, jar(Map.of(), "validate", "extra").exit());
    }

    @Test
    void validateRefusesAFilterNamingAFieldTheEventDoesNotHaveAndStartUpRefusesItToo() throws Exception {
        Path routes = routes("${body.nmae} == 'x'");
        Run validate = jar(queue(routes), "validate");
        assertEquals(1, validate.exit(), validate.output());
        List<String> problems = validate.output().lines().filter(l -> l.startsWith("problem: ")).toList();
        assertEquals(1, problems.size(), validate.output());
        assertTrue(problems.get(0).startsWith("problem: " + routes.resolve("destinations/siem.yaml")
                + ": webhook 'siem': parameter 'filter': '${body.nmae} == 'x'' names 'nmae', which an Event does not have"),
                problems.get(0));

        Run run = jar(queue(routes)); // the same check before anything is consumed
        assertEquals(1, run.exit(), run.output());
        assertTrue(run.output().contains("trailrouter cannot start: " + routes.resolve("destinations/siem.yaml")
                + ": webhook 'siem': parameter 'filter': '${body.nmae} == 'x'' names 'nmae'"), run.output());
        assertFalse(run.output().contains("\tat "), run.output());
    }

    @Test
    void validateSaysOkForAGoodConfiguration() throws Exception {
        Run validate = jar(queue(routes("${body.readOnly} != true")), "validate");
        assertEquals(0, validate.exit(), validate.output());
        assertTrue(validate.output().contains("ok: 1 queue (orgtrail), 2 destinations (all: archive, siem: webhook)"),
                validate.output());
    }

    @Test
    void validateTakesThePushIntakeAloneAndNamesAnEndpointWithoutItsAllowList() throws Exception {
        Path routes = routes("");
        Run ok = jar(Map.of("TRAILROUTER_ROUTES_DIR", routes.toString(), "AWS_REGION", "eu-west-1",
                "TRAILROUTER_SNS_PUSH_ENDPOINTS", "events",
                "TRAILROUTER_SNS_PUSH_EVENTS_TOPICS", "arn:aws:sns:eu-west-1:111122223333:a,arn:aws:sns:us-east-1:111122223333:a"),
                "validate");
        assertEquals(0, ok.exit(), ok.output());
        assertTrue(ok.output().contains("ok: 0 queues (), 1 push endpoint (events: 2 topics), 2 destinations"), ok.output());
        Run missing = jar(Map.of("TRAILROUTER_ROUTES_DIR", routes.toString(), "AWS_REGION", "eu-west-1",
                "TRAILROUTER_SNS_PUSH_ENDPOINTS", "events"), "validate");
        assertEquals(1, missing.exit(), missing.output());
        assertTrue(missing.output().contains("problem: trailrouter.sns-push.events.topics is required"), missing.output());
    }

    @Test
    void validateNamesAMissingRoutesDirectoryAndAQueueWithoutUrl() throws Exception {
        Run validate = jar(Map.of("TRAILROUTER_QUEUES", "orgtrail", "AWS_REGION", "eu-west-1",
                "TRAILROUTER_ROUTES_DIR", tmp.resolve("nowhere").toString()), "validate");
        assertEquals(1, validate.exit(), validate.output());
        assertTrue(validate.output().contains("trailrouter.queue.orgtrail.url"), validate.output());
        assertTrue(validate.output().contains("the routes directory " + tmp.resolve("nowhere") + " does not exist"),
                validate.output());
    }

    @Test
    void aQueueThatDoesNotExistAndAMissingRoutesDirectoryAreOneLineEachNamingThem() throws Exception {
        try (dev.trailrouter.demo.MotoServer moto = dev.trailrouter.demo.MotoServer.start()) {
            Map<String, String> env = new java.util.HashMap<>(queue(routes("")));
            env.put("TRAILROUTER_QUEUE_ORGTRAIL_URL", moto.endpoint() + "/123456789012/no-such-queue");
            env.put("AWS_ENDPOINT_URL", moto.endpoint().toString());
            env.put("AWS_ACCESS_KEY_ID", "testing");
            env.put("AWS_SECRET_ACCESS_KEY", "testing");
            Run run = jar(env);
            assertEquals(1, run.exit(), run.output());
            List<String> errors = run.output().lines().filter(l -> l.contains(" ERROR ")).toList();
            assertEquals(1, errors.size(), run.output());
            assertTrue(errors.get(0).contains("trailrouter cannot start: queue 'orgtrail' (" + moto.endpoint()
                    + "/123456789012/no-such-queue)"), errors.get(0));
            assertFalse(run.output().contains("\tat "), run.output());
        }
        Map<String, String> env = new java.util.HashMap<>(queue(tmp.resolve("no-routes-here")));
        Run run = jar(env);
        assertEquals(1, run.exit(), run.output());
        assertTrue(run.output().contains("trailrouter cannot start: the routes directory " + tmp.resolve("no-routes-here")
                + " does not exist"), run.output());
        assertEquals(1, run.output().lines().filter(l -> l.contains(" ERROR ")).count(), run.output());
    }

    @Test
    void testFilterPrintsTheEventAndWhichDestinationsTakeIt() throws Exception {
        Path routes = routes("${body.name} == 'ConsoleLogin' && ${body.detail.path('responseElements').path('ConsoleLogin').asText()} == 'Failure'");
        // the elastic/integrations console-login sample: the first login succeeded, the second failed
        List<String> logins = Files.readAllLines(Path.of("src/test/resources/fixtures/cloudtrail/test-console-login-json.log"));
        Path ok = Files.writeString(tmp.resolve("ok.json"), logins.get(0));
        Path failed = Files.writeString(tmp.resolve("failed.json"), logins.get(1));
        Path bridge = Path.of("src/test/resources/fixtures/envelopes/cloud-custodian_cloud-custodian__event-cloud-trail-ec2-create-tags.json")
                .toAbsolutePath();
        Run run = jar(Map.of("TRAILROUTER_ROUTES_DIR", routes.toString()), "test-filter", "--event",
                ok.toString(), failed.toString(), bridge.toString());
        assertEquals(0, run.exit(), run.output());
        String out = run.output();
        assertTrue(out.contains(ok + " → cloudtrail ConsoleLogin"), out);
        assertTrue(out.contains("\"kind\" : \"cloudtrail\""), "the Event, as JSON:\n" + out);
        int first = out.indexOf(ok + " →");
        int second = out.indexOf(failed + " →");
        int third = out.indexOf(bridge + " →");
        assertTrue(out.substring(first, second).contains("skips  siem (webhook)"), out);
        assertTrue(out.substring(second, third).contains("takes  siem (webhook)"), out);
        assertTrue(out.substring(third).contains("CreateTags"), "an EventBridge API call becomes the same Event:\n" + out);
        assertTrue(out.substring(first, second).contains("takes  all (archive), no filter"), out);

        Path notAnEvent = Files.writeString(tmp.resolve("other.json"), "{\"hello\": 1}");
        Run refused = jar(Map.of("TRAILROUTER_ROUTES_DIR", routes.toString()), "test-filter", "--event", notAnEvent.toString());
        assertEquals(1, refused.exit());
        assertTrue(refused.output().contains(notAnEvent + ": not a CloudTrail record"), refused.output());
    }

    @Test
    void testFilterSaysWhichIntakeDropsAnEventAndABadDropRuleIsOneLineInValidateAndAtStartUp() throws Exception {
        Path routes = routes("");
        // the elastic/integrations console-login sample, and its get-caller-identity sample (readOnly: true)
        Path login = Files.writeString(tmp.resolve("login.json"),
                Files.readAllLines(Path.of("src/test/resources/fixtures/cloudtrail/test-console-login-json.log")).get(0));
        Path identity = Files.writeString(tmp.resolve("identity.json"),
                Files.readAllLines(Path.of("src/test/resources/fixtures/cloudtrail/test-get-caller-identity-json.log")).get(0));
        Map<String, String> env = new java.util.HashMap<>(queue(routes));
        env.put("TRAILROUTER_INTAKE_DROP_READ_ONLY", "true");
        env.put("TRAILROUTER_QUEUE_ORGTRAIL_DROP_EVENT_NAMES", "ConsoleLogin");
        Run run = jar(env, "test-filter", "--event", login.toString(), identity.toString());
        assertEquals(0, run.exit(), run.output());
        String out = run.output();
        int second = out.indexOf(identity + " →");
        assertTrue(out.substring(0, second).contains("drops  intake 'orgtrail' (drop-event-names)"), out);
        assertTrue(out.substring(second).contains("drops  intake 'orgtrail' (drop-read-only)"), out);

        env.put("TRAILROUTER_INTAKE_S3_KEY_EXCLUDE", "CloudTrail-(Digest");
        Run validate = jar(env, "validate");
        assertEquals(1, validate.exit(), validate.output());
        assertTrue(validate.output().contains("problem: trailrouter.intake.s3-key-exclude is not a valid regular "
                + "expression: Unclosed group"), validate.output());
        Run start = jar(env);
        assertEquals(1, start.exit(), start.output());
        List<String> errors = start.output().lines().filter(l -> l.contains(" ERROR ")).toList();
        assertEquals(1, errors.size(), start.output());
        assertTrue(errors.get(0).contains("trailrouter cannot start: trailrouter.intake.s3-key-exclude is not a valid "
                + "regular expression"), errors.get(0));
        assertFalse(start.output().contains("\tat "), start.output());
    }

    @Test
    void theDemoStopsPromptlyOnSigtermAndStopsItsEmulator() throws Exception {
        Path log = tmp.resolve("demo.log");
        ProcessBuilder builder = PackagedJar.java(log, "-jar", PackagedJar.JAR.toAbsolutePath().toString(), "demo")
                .directory(Path.of("").toAbsolutePath().toFile());
        builder.environment().put("TRAILROUTER_MANAGEMENT_PORT", Integer.toString(dev.trailrouter.demo.MotoServer.freePort()));
        Process demo = builder.start();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (!Files.readString(log).contains("Ctrl-C to stop") && Instant.now().isBefore(deadline) && demo.isAlive()) {
            Thread.sleep(250);
        }
        assertTrue(Files.readString(log).contains("Ctrl-C to stop"), Files.readString(log));
        List<ProcessHandle> emulator = demo.descendants().filter(p -> p.info().commandLine().orElse("").contains("moto_server")).toList();
        assertFalse(emulator.isEmpty(), "the demo runs moto_server");
        Instant stop = Instant.now();
        demo.destroy(); // SIGTERM
        assertTrue(demo.waitFor(15, TimeUnit.SECONDS), "stopped within 15 s");
        assertTrue(Duration.between(stop, Instant.now()).toSeconds() < 10, "prompt");
        Thread.sleep(500);
        emulator.forEach(p -> assertFalse(p.isAlive(), "moto_server " + p.pid() + " stopped with the demo"));
    }
}
