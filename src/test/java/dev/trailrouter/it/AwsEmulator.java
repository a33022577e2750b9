package dev.trailrouter.it;

import java.net.URI;

/** An AWS-protocol endpoint the integration tests run against: moto_server here, LocalStack where Docker runs. */
public interface AwsEmulator extends AutoCloseable {

    URI endpoint();

    String name();

    /**
     * Whether a FIFO group's messages come back in order after a visibility timeout, as SQS guarantees. moto 5.2 does
     * not (it returns the group's last message first), so order through a failure is asserted only where it holds.
     */
    boolean fifoRedeliveryInOrder();

    @Override
    void close();
}
