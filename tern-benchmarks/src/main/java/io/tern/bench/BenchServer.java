package io.tern.bench;

import io.tern.ClassPolicy;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.dubbo.DubboProtocol;
import io.tern.dubbo.ServerOptions;
import io.tern.example.UserService;
import io.tern.example.UserServiceImpl;
import io.tern.transport.EventLoops;
import io.tern.transport.WorkStealingPool;
import io.tern.triple.TripleProtocol;
import java.io.IOException;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import tern.example.Greeter;
import tern.example.GreeterImpl;

/**
 * A benchmark provider in a JVM of its own, one of {@link Kind}'s, each with its defaults. Prints
 * {@code port N} once it accepts, and runs until its standard input closes; each line
 * {@code mark} on its standard input is answered with {@code allocated N}, the bytes its threads
 * have allocated so far.
 * {@code -Dbench.tern.parameters=?dispatch=direct} adds URL parameters to Tern's exports, for
 * experiments.
 */
public final class BenchServer {

    private BenchServer() {
    }

    /** A provider listening on {@code port} until closed. */
    record Provider(int port, AutoCloseable closer) implements AutoCloseable {
        @Override
        public void close() {
            try {
                closer.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                throw new IllegalStateException("provider: could not close (" + e + ")", e);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        try (Provider provider = start(Kind.of(args[0]));
                java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                        java.nio.charset.StandardCharsets.UTF_8))) {
            System.out.println("port " + provider.port());
            System.out.flush();
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

    /**
     * Starts a provider of {@code kind}: the raw ping-pong; {@link UserService} for Tern and Dubbo
     * on either protocol, and Tern's Triple provider serves {@link Greeter} too; grpc-java serves
     * {@link Greeter}.
     */
    static Provider start(Kind kind) throws IOException {
        return switch (kind) {
            case RAW -> {
                RawServer server = new RawServer();
                yield new Provider(server.port(), server);
            }
            case TERN -> {
                DubboProtocol protocol = DubboProtocol.create();
                int port = protocol.export(Invokers.of(UserService.class, new UserServiceImpl(),
                        url("dubbo", 0, UserService.class))).url().port();
                yield new Provider(port, protocol);
            }
            case TERN_TRI -> {
                // as a TernServer runs it: on the server's event loops and call pool
                EventLoops loops = EventLoops.create("tern");
                WorkStealingPool calls = new WorkStealingPool(ServerOptions.DEFAULT.threads(),
                        ServerOptions.DEFAULT.queues(), "tern-server");
                TripleProtocol protocol = TripleProtocol.create(LifecycleTracker.global(), ClassPolicy.strict(), null,
                        null, loops, calls);
                int port = protocol.export(Invokers.of(UserService.class, new UserServiceImpl(),
                        url("tri", 0, UserService.class))).url().port();
                protocol.export(Invokers.of(Greeter.class, new GreeterImpl(), url("tri", port, Greeter.class)));
                yield new Provider(port, () -> {
                    protocol.close();
                    calls.shutdownNow();
                    loops.close();
                });
            }
            case TERN_TLS -> {
                DubboProtocol protocol = DubboProtocol.builder().serverTls(BenchTls.server()).build();
                int port = protocol.export(Invokers.of(UserService.class, new UserServiceImpl(),
                        url("dubbo", 0, UserService.class))).url().port();
                yield new Provider(port, protocol);
            }
            case DUBBO_TLS -> {
                int port = freePort();
                DubboBootstrap bootstrap = DubboSide.provide(DubboSide.bootstrap("bench-provider"), port, "dubbo")
                        .ssl(BenchTls.dubbo());
                bootstrap.start();
                yield new Provider(port, bootstrap::destroy);
            }
            case DUBBO, DUBBO_TRI -> {
                int port = freePort();
                DubboBootstrap bootstrap = DubboSide.provide(DubboSide.bootstrap("bench-provider"), port,
                        kind == Kind.DUBBO ? "dubbo" : "tri");
                bootstrap.start();
                yield new Provider(port, bootstrap::destroy);
            }
            case GRPC -> {
                io.grpc.Server server = GrpcSide.serve();
                yield new Provider(server.getPort(), () -> server.shutdownNow().awaitTermination(10,
                        java.util.concurrent.TimeUnit.SECONDS));
            }
        };
    }

    private static ServiceUrl url(String protocol, int port, Class<?> service) {
        return ServiceUrl.parse(protocol + "://127.0.0.1:" + port + "/" + service.getName()
                + System.getProperty("bench.tern.parameters", ""));
    }

    public static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
