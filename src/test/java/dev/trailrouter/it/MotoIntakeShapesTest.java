package dev.trailrouter.it;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.trailrouter.demo.MotoServer;

/** The intake-shapes contract against moto_server (see {@link MotoPipelineTest} for what happens without moto). */
class MotoIntakeShapesTest extends IntakeShapesContract {

    private static MotoEmulator moto;

    @BeforeAll
    static void startMoto() throws Exception {
        if (!MotoServer.available()) {
            assumeFalse(LocalStackEmulator.dockerAvailable(), "moto_server absent; LocalStackIntakeShapesTest runs instead");
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
