package dev.trailrouter.it;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.trailrouter.demo.MotoServer;

/**
 * One emulator of each kind per test JVM, started on first use and stopped when the JVM exits; every contract class
 * and every test share it (each test makes its own resources). Without moto the moto tests fail with instructions,
 * unless a Docker engine is present: the LocalStack classes then cover the same contracts and the moto ones skip.
 */
final class Emulators {

    private static AwsEmulator moto;
    private static AwsEmulator localstack;

    private Emulators() {
    }

    static synchronized AwsEmulator moto() {
        if (moto == null) {
            if (!MotoServer.available()) {
                assumeFalse(LocalStackEmulator.dockerAvailable(), "moto_server absent; the LocalStack classes run instead");
                fail(MotoServer.HOW_TO_GET_ONE);
            }
            try {
                moto = MotoEmulator.start();
            } catch (Exception e) {
                throw new IllegalStateException("moto_server did not start", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(moto::close));
        }
        return moto;
    }

    static synchronized AwsEmulator localstack() {
        if (localstack == null) {
            localstack = LocalStackEmulator.start();
            Runtime.getRuntime().addShutdownHook(new Thread(localstack::close));
        }
        return localstack;
    }
}
