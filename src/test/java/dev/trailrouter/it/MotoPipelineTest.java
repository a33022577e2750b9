package dev.trailrouter.it;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.trailrouter.demo.MotoServer;

/**
 * The delivery contract against moto_server. Without moto the test fails with instructions, unless a Docker engine is
 * present, in which case {@link LocalStackPipelineTest} covers the same contract and this one is skipped.
 */
class MotoPipelineTest extends PipelineContract {

    private static MotoEmulator moto;

    @BeforeAll
    static void startMoto() throws Exception {
        if (!MotoServer.available()) {
            assumeFalse(LocalStackEmulator.dockerAvailable(), "moto_server absent; LocalStackPipelineTest runs instead");
            fail(MotoServer.HOW_TO_GET_ONE);
        }
        moto = MotoEmulator.start();
    }

    @AfterAll
    static void stopMoto() {
        if (moto != null) {
            moto.close();
        }
    }

    @Override
    protected AwsEmulator aws() {
        return moto;
    }
}
