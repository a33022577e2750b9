package dev.trailrouter.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

import dev.trailrouter.TrailRouter;

/** Runs trailrouter against the configured queues until it is stopped (SIGTERM, Ctrl-C). */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run against the configured queues (the default command).")
public final class RunCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        try {
            return TrailRouter.newMain().run(new String[0]);
        } catch (Exception e) {
            return TrailRouter.refusedToStart(e);
        }
    }
}
