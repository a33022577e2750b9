package dev.trailrouter.it;

import org.junit.jupiter.api.condition.EnabledIf;

/** The delivery contract against LocalStack (Testcontainers); skipped where no Docker engine answers. */
@EnabledIf(value = "dev.trailrouter.it.LocalStackEmulator#dockerAvailable",
        disabledReason = "no Docker engine, or no LocalStack image to be had: the LocalStack run is skipped (MotoPipelineTest covers the same contract)")
class LocalStackPipelineTest extends PipelineContract {

    @Override
    protected AwsEmulator aws() {
        return Emulators.localstack();
    }
}
