package io.tern.bench;

import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.example.UserService;
import io.tern.example.UserServiceImpl;
import io.tern.transport.DubboProtocol;
import java.io.IOException;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;

/**
 * A benchmark provider in a JVM of its own: {@code raw}, {@code tern} or {@code dubbo}, each with
 * its defaults. Prints {@code port N} once it accepts, and runs until its standard input closes;
 * each line {@code mark} on its standard input is answered with {@code allocated N}, the bytes its
 * threads have allocated so far.
 * {@code -Dbench.tern.parameters=?dispatch=direct} adds URL parameters to Tern's export, for
 * experiments.
 */
public final class BenchServer {

    private BenchServer() {
    }

    public static void main(String[] args) throws Exception {
        Kind kind = Kind.valueOf(args[0].toUpperCase(java.util.Locale.ROOT));
        AutoCloseable server = switch (kind) {
            case RAW -> raw();
            case TERN -> tern();
            case DUBBO -> dubbo();
        };
        try (server; java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                java.nio.charset.StandardCharsets.UTF_8))) {
            // Runs until the benchmark closes our standard input (or ends).
            for (String line; (line = in.readLine()) != null; ) {
                if (line.equals("mark")) {
                    System.out.println("allocated " + Allocation.allThreads());
                    System.out.flush();
                }
            }
        }
        System.exit(0);
    }

    private static void ready(int port) {
        System.out.println("port " + port);
        System.out.flush();
    }

    private static AutoCloseable raw() throws IOException {
        RawServer server = new RawServer();
        ready(server.port());
        return server;
    }

    private static AutoCloseable tern() {
        DubboProtocol protocol = DubboProtocol.create();
        int port = protocol.export(Invokers.of(UserService.class, new UserServiceImpl(),
                ServiceUrl.parse("dubbo://127.0.0.1:0/" + UserService.class.getName()
                        + System.getProperty("bench.tern.parameters", "")))).url().port();
        ready(port);
        return protocol;
    }

    private static AutoCloseable dubbo() {
        int port = freePort();
        DubboBootstrap bootstrap = DubboSide.provide(DubboSide.bootstrap("bench-provider"), port);
        bootstrap.start();
        ready(port);
        return bootstrap::destroy;
    }

    public static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
