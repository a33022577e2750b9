package dev.trailrouter.it;

/** The intake-shapes contract against moto_server (see {@link Emulators} for what happens without it). */
class MotoIntakeShapesTest extends IntakeShapesContract {

    @Override
    protected AwsEmulator aws() {
        return Emulators.moto();
    }
}
