package dev.trailrouter.it;

/** The delivery contract against moto_server (see {@link Emulators} for what happens without it). */
class MotoPipelineTest extends PipelineContract {

    @Override
    protected AwsEmulator aws() {
        return Emulators.moto();
    }
}
