package dev.trailrouter.it;

import java.net.URI;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/** LocalStack in a container; only where a Docker engine answers. */
final class LocalStackEmulator implements AwsEmulator {

    static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:4.4");

    private final LocalStackContainer container;

    private LocalStackEmulator(LocalStackContainer container) {
        this.container = container;
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    static LocalStackEmulator start() {
        LocalStackContainer container = new LocalStackContainer(IMAGE).withServices("s3", "sqs", "sns", "sts");
        container.start();
        return new LocalStackEmulator(container);
    }

    @Override
    public URI endpoint() {
        return container.getEndpoint();
    }

    @Override
    public String name() {
        return "localstack";
    }

    @Override
    public boolean fifoRedeliveryInOrder() {
        return true;
    }

    @Override
    public void close() {
        container.stop();
    }
}
