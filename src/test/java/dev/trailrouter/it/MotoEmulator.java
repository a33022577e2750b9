package dev.trailrouter.it;

import java.net.URI;

import dev.trailrouter.demo.MotoServer;

final class MotoEmulator implements AwsEmulator {

    private final MotoServer server;

    private MotoEmulator(MotoServer server) {
        this.server = server;
    }

    static MotoEmulator start() throws Exception {
        return new MotoEmulator(MotoServer.start());
    }

    @Override
    public URI endpoint() {
        return server.endpoint();
    }

    @Override
    public String name() {
        return "moto";
    }

    @Override
    public boolean fifoRedeliveryInOrder() {
        return false;
    }

    @Override
    public void close() {
        server.close();
    }
}
