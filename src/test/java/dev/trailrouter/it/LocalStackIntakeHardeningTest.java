package dev.trailrouter.it;

import org.junit.jupiter.api.condition.EnabledIf;

/** The intake hardening contract against LocalStack (Testcontainers); skipped where no Docker engine answers. */
@EnabledIf(value = "dev.trailrouter.it.LocalStackEmulator#dockerAvailable",
        disabledReason = "no Docker engine, or no LocalStack image to be had: the LocalStack run is skipped (MotoIntakeHardeningTest covers the same contract)")
class LocalStackIntakeHardeningTest extends IntakeHardeningContract {

    @Override
    protected AwsEmulator aws() {
        return Emulators.localstack();
    }
}
