package dev.trailrouter.it;

import java.net.URI;

/** An AWS-protocol endpoint the integration tests run against: moto_server here, LocalStack where Docker runs. */
public interface AwsEmulator extends AutoCloseable {

    URI endpoint();

    String name();

    @Override
    void close();
}
