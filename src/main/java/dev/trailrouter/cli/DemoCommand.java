package dev.trailrouter.cli;

import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.trailrouter.demo.LocalDemo;

/** The local demo: no AWS account, moto_server on a free port, the shipped route files. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the local demo: an AWS emulator (moto_server), the org-trail S3 → SNS → SQS chain, the "
                + "route files in routes/ and a webhook receiver printing each event.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--exit-when-done", description = "Stop once every bundled event has arrived.")
    boolean exitWhenDone;

    @Override
    public Integer call() throws Exception {
        return LocalDemo.run(exitWhenDone, Duration.ofMinutes(3)) ? 0 : 1;
    }
}
