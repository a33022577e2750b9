package dev.trailrouter.it;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

import dev.trailrouter.TrailRouter;
import dev.trailrouter.demo.MotoServer;

/** The real Main, as {@code java -jar trailrouter.jar} builds it, started with test properties and stopped on close. */
final class RunningTrailRouter implements AutoCloseable {

    private final Main main;

    private RunningTrailRouter(Main main) {
        this.main = main;
    }

    static Builder with() {
        return new Builder();
    }

    CamelContext context() {
        return main.getCamelContext();
    }

    @Override
    public void close() {
        main.stop();
    }

    static final class Builder {
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final Map<String, Object> beans = new LinkedHashMap<>();

        /** A bean bound in the registry before the routes are built (e.g. a test trust store's fetcher). */
        Builder bean(String name, Object bean) {
            beans.put(name, bean);
            return this;
        }

        Builder property(String key, Object value) {
            properties.put(key, String.valueOf(value));
            return this;
        }

        Builder queue(String name, String url) {
            properties.merge("trailrouter.queues", name, (a, b) -> a + "," + b);
            return property("trailrouter.queue." + name + ".url", url);
        }

        Builder routesDir(Path dir) {
            return property("trailrouter.routes-dir", dir.toString());
        }

        RunningTrailRouter start(AwsEmulator aws) throws Exception {
            System.setProperty("aws.accessKeyId", "testing");
            System.setProperty("aws.secretAccessKey", "testing");
            Main main = TrailRouter.newMain();
            main.addOverrideProperty("trailrouter.aws.endpoint", aws.endpoint().toString());
            main.addOverrideProperty("trailrouter.aws.region", "us-east-1");
            main.addOverrideProperty("trailrouter.intake.wait-time-seconds", "1");
            // one receive at a time unless the test says otherwise: moto 5.2.1 can hand one message to two long
            // polls waiting at the same moment (no lock between its visibility check and the receive; TwoInstancesIT),
            // which real SQS does not, and these tests count deliveries exactly
            main.addOverrideProperty("trailrouter.intake.concurrent-consumers", "1");
            main.addOverrideProperty("trailrouter.management.port", Integer.toString(MotoServer.freePort()));
            // dedup off unless the test turns it on (MotoDedupTest): the contracts count the records of real samples,
            // some of which reuse AWS documentation eventIDs ("…EXAMPLE"), which dedup rightly delivers once. And
            // each run its own state directory, whatever store the test chooses.
            // (-Dtrailrouter.test.state-store=file runs every contract with dedup on, to look for breakage other than
            // those samples' counts)
            main.addOverrideProperty("trailrouter.state.store", System.getProperty("trailrouter.test.state-store", "none"));
            main.addOverrideProperty("trailrouter.state.dir",
                    java.nio.file.Files.createTempDirectory("trailrouter-state").toString());
            properties.forEach(main::addOverrideProperty);
            beans.forEach(main::bind);
            main.start();
            return new RunningTrailRouter(main);
        }
    }
}
