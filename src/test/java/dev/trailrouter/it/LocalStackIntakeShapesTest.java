package dev.trailrouter.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIf;

/** The intake-shapes contract against LocalStack (Testcontainers); skipped where no Docker engine answers. */
@EnabledIf(value = "dev.trailrouter.it.LocalStackEmulator#dockerAvailable",
        disabledReason = "no Docker engine: the LocalStack run is skipped (MotoIntakeShapesTest covers the same contract)")
class LocalStackIntakeShapesTest extends IntakeShapesContract {

    private static LocalStackEmulator localstack;

    @BeforeAll
    static void startLocalStack() {
        localstack = LocalStackEmulator.start();
    }

    @AfterAll
    static void stopLocalStack() {
        if (localstack != null) {
            localstack.close();
        }
    }

    @Override
    protected AwsEmulator aws() {
        return localstack;
    }
}
