package dev.trailrouter.it;

/** The intake's behaviour under AWS failures and on stop, against moto_server. */
class MotoIntakeHardeningTest extends IntakeHardeningContract {

    @Override
    protected AwsEmulator aws() {
        return Emulators.moto();
    }
}
