package dev.trailrouter.it;

/** The destination contract against moto_server (see {@link Emulators} for what happens without it). */
class MotoDestinationTest extends DestinationContract {

    @Override
    protected AwsEmulator aws() {
        return Emulators.moto();
    }
}
