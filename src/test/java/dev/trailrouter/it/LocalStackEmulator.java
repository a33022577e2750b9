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

    private static Boolean usable;

    /**
     * Whether the LocalStack classes can run: an engine answers and the LocalStack image is there or can be pulled.
     * An engine alone is not enough: where one runs but no registry is reachable (this project's build machines, once
     * .ci/run starts an engine for ContainerImageIT), starting the container would fail every LocalStack test instead
     * of skipping them. Asked once per JVM.
     */
    static synchronized boolean dockerAvailable() {
        if (usable == null) {
            usable = engineWithImage();
        }
        return usable;
    }

    private static boolean engineWithImage() {
        try {
            if (!DockerClientFactory.instance().isDockerAvailable()) {
                return false;
            }
            var client = DockerClientFactory.instance().client();
            try {
                client.inspectImageCmd(IMAGE.asCanonicalNameString()).exec();
                return true;
            } catch (RuntimeException absent) {
                boolean pulled = client.pullImageCmd(IMAGE.getRepository()).withTag(IMAGE.getVersionPart()).start()
                        .awaitCompletion(10, java.util.concurrent.TimeUnit.MINUTES);
                if (!pulled) {
                    System.err.println("LocalStack tests skipped: " + IMAGE + " was not pulled within 10 minutes");
                }
                return pulled;
            }
        } catch (Throwable e) {
            System.err.println("LocalStack tests skipped: a Docker engine answers but cannot give Testcontainers " + IMAGE + ": " + e);
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
