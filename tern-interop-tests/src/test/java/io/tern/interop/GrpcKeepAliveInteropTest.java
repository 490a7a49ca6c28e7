package io.tern.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.tern.ClassPolicy;
import io.tern.Exporter;
import io.tern.Invoker;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.triple.TripleProtocol;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tern.example.Greeter;
import tern.example.GreeterImpl;
import tern.example.HelloReply;
import tern.example.HelloRequest;

/**
 * HTTP/2 keepalive with grpc-java's meaning: Tern's pings answered and permitted by a grpc-java
 * server that permits them, refused with {@code too_many_pings} by one that does not (and the Tern
 * client pinging half as often afterwards); a Tern server enforcing the same rule on a client
 * that pings too often; and each side closing a connection whose peer stopped answering.
 */
@Timeout(120)
class GrpcKeepAliveInteropTest {

    private static final String SERVICE = "tern.example.Greeter";
    private static final io.grpc.MethodDescriptor<HelloRequest, HelloReply> SAY_HELLO = GrpcInteropTest.method(
            io.grpc.MethodDescriptor.MethodType.UNARY, "SayHello");

    /** A grpc-java server permitting pings every {@code permit}, and pinging silent clients every {@code pings}. */
    private static Server grpcServer(Duration permit, Duration pings) throws Exception {
        ServerServiceDefinition greeter = ServerServiceDefinition.builder(SERVICE)
                .addMethod(SAY_HELLO, ServerCalls.asyncUnaryCall((request, replies) -> {
                    replies.onNext(HelloReply.newBuilder().setMessage("grpc: " + request.getName()).build());
                    replies.onCompleted();
                })).build();
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(greeter)
                .permitKeepAliveTime(permit.toMillis(), TimeUnit.MILLISECONDS).permitKeepAliveWithoutCalls(true)
                .keepAliveTime(pings.toMillis(), TimeUnit.MILLISECONDS).keepAliveTimeout(1, TimeUnit.SECONDS).build().start();
    }

    private static HelloRequest hello(String name) {
        return HelloRequest.newBuilder().setName(name).build();
    }

    @Test
    void ternPingsAGrpcJavaServerThatPermitsThem() throws Exception {
        // about 15 pings, each permitted
        keepsItsConnection(grpcServer(Duration.ofMillis(50), Duration.ofHours(2)),
                "?keepalive.time=100&keepalive.timeout=1000&keepalive.without.calls=true");
    }

    @Test
    void ternAnswersTheKeepalivePingsOfAGrpcJavaServer() throws Exception {
        // about 15 pings from grpc-java, each answered within its 1 s timeout
        keepsItsConnection(grpcServer(Duration.ofMinutes(5), Duration.ofMillis(100)), "");
    }

    /** Calls, lets 1.5 s of pings pass, calls again: still over the first connection. Stops {@code grpc}. */
    private static void keepsItsConnection(Server grpc, String parameters) throws Exception {
        try (TripleProtocol tern = TripleProtocol.create(LifecycleTracker.global(), ClassPolicy.strict())) {
            Invoker<Greeter> invoker = tern.refer(Greeter.class, ServiceUrl.parse("tri://127.0.0.1:" + grpc.getPort()
                    + "/" + SERVICE + parameters));
            Greeter greeter = Proxies.create(invoker);
            assertThat(greeter.sayHello(hello("one")).getMessage()).isEqualTo("grpc: one");
            Thread.sleep(1_500);
            assertThat(greeter.sayHello(hello("two")).getMessage()).isEqualTo("grpc: two");
            assertThat(tern.stats().connectionsOpened()).as("still the first connection").isEqualTo(1);
            invoker.close();
        } finally {
            grpc.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aGrpcJavaServerSaysTooManyPingsAndTernPingsLess() throws Exception {
        Server grpc = grpcServer(Duration.ofMinutes(5), Duration.ofHours(2)); // grpc-java's defaults
        try (TripleProtocol tern = TripleProtocol.create(LifecycleTracker.global(), ClassPolicy.strict())) {
            Invoker<Greeter> invoker = tern.refer(Greeter.class, ServiceUrl.parse("tri://127.0.0.1:" + grpc.getPort()
                    + "/" + SERVICE + "?keepalive.time=100&keepalive.without.calls=true&timeout=5000"));
            Greeter greeter = Proxies.create(invoker);
            assertThat(greeter.sayHello(hello("before")).getMessage()).isEqualTo("grpc: before");
            // the third early ping closes the connection with GOAWAY ENHANCE_YOUR_CALM too_many_pings, and
            // the client connects again; pinging every 200 ms then, still too often, every 400 ms after that
            await().atMost(Duration.ofSeconds(20)).until(() -> tern.stats().connectionsOpened() >= 3);
            assertThat(greeter.sayHello(hello("after")).getMessage()).isEqualTo("grpc: after");
            invoker.close();
        } finally {
            grpc.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTernServerSaysTooManyPingsToAClientThatPingsTooOften() throws Exception {
        try (TripleProtocol server = TripleProtocol.create(LifecycleTracker.global(), ClassPolicy.strict());
                TripleProtocol client = TripleProtocol.create(LifecycleTracker.global(), ClassPolicy.strict())) {
            Exporter<Greeter> exported = server.export(Invokers.of(Greeter.class, new GreeterImpl(),
                    ServiceUrl.parse("tri://127.0.0.1:0/" + SERVICE)));
            Invoker<Greeter> invoker = client.refer(Greeter.class, ServiceUrl.parse("tri://127.0.0.1:"
                    + exported.url().port() + "/" + SERVICE + "?keepalive.time=50&keepalive.without.calls=true"));
            Greeter greeter = Proxies.create(invoker);
            assertThat(greeter.sayHello(hello("x")).getMessage()).isEqualTo("Hello, x");
            // refused after three pings, then pinging every 100 ms: still too often, refused again
            await().atMost(Duration.ofSeconds(10)).until(() -> client.stats().connectionsOpened() >= 3);
            assertThat(greeter.sayHello(hello("y")).getMessage()).isEqualTo("Hello, y");
            invoker.close();
        }
    }

    @Test
    void aTernServerClosesAConnectionWhoseClientStoppedAnswering() throws Exception {
        try (TripleProtocol server = TripleProtocol.create(LifecycleTracker.global(), ClassPolicy.strict())) {
            Exporter<Greeter> exported = server.export(Invokers.of(Greeter.class, new GreeterImpl(),
                    ServiceUrl.parse("tri://127.0.0.1:0/" + SERVICE + "?keepalive.time=200&keepalive.timeout=200")));
            try (Socket frozen = new Socket("127.0.0.1", exported.url().port())) {
                OutputStream out = frozen.getOutputStream();
                out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS, then silence
                out.flush();
                frozen.setSoTimeout(10_000);
                long start = System.nanoTime();
                InputStream in = frozen.getInputStream();
                while (in.read() >= 0) {
                    // the server's SETTINGS, its PING, then GOAWAY: read until it closes
                }
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("closed, not timed out")
                        .isLessThan(Duration.ofSeconds(10));
            }
        }
    }

    @Test
    void aTernClientClosesAConnectionWhoseServerStoppedAnswering() throws Exception {
        try (ServerSocket frozen = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
                TripleProtocol tern = TripleProtocol.create(LifecycleTracker.global(), ClassPolicy.strict())) {
            CompletableFuture<Boolean> closedByClient = CompletableFuture.supplyAsync(() -> {
                try (Socket accepted = frozen.accept()) {
                    accepted.getOutputStream().write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // SETTINGS, then silence
                    accepted.setSoTimeout(20_000);
                    InputStream in = accepted.getInputStream();
                    while (in.read() >= 0) {
                        // the client's preface, SETTINGS, PING: read until it closes
                    }
                    return true;
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            Invoker<Greeter> invoker = tern.refer(Greeter.class, ServiceUrl.parse("tri://127.0.0.1:"
                    + frozen.getLocalPort() + "/" + SERVICE
                    + "?keepalive.time=200&keepalive.timeout=200&keepalive.without.calls=true"));
            assertThat(closedByClient.get(20, TimeUnit.SECONDS)).as("the client closed the silent connection").isTrue();
            invoker.close();
        }
    }
}
