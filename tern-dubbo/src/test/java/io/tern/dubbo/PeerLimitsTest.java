package io.tern.dubbo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.PooledByteBufAllocator;
import io.tern.Exporter;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.dubbo.EchoServices.Greeter;
import io.tern.dubbo.EchoServices.GreeterImpl;
import io.tern.transport.ConnectionLimits;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a peer may make a Tern server or client hold: answers it does not read, calls a provider
 * does not read, connections, half-sent frames, answers over the limit. Each is bounded, and a
 * well-behaved client is served throughout.
 */
class PeerLimitsTest {

    private static final String PATH = Greeter.class.getName();
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closing(T closeable) {
        cleanup.add(closeable);
        return closeable;
    }

    private record Served(DubboServer server, ServiceUrl url, Greeter wellBehaved) {
    }

    private Served serve(ServerOptions options) {
        DubboProtocol provider = closing(DubboProtocol.builder().serverOptions(options).build());
        Exporter<Greeter> exporter = provider.export(Invokers.of(Greeter.class, new GreeterImpl(),
                ServiceUrl.parse("dubbo://127.0.0.1:0/" + PATH)));
        DubboProtocol consumer = closing(DubboProtocol.create());
        Greeter wellBehaved = Proxies.create(consumer.refer(Greeter.class, exporter.url()));
        assertThat(wellBehaved.greet("first")).isEqualTo("Hello, first");
        return new Served(provider.server(exporter.url().port()), exporter.url(), wellBehaved);
    }

    private static byte[] greetCall(long id, String name) throws IOException {
        return RawFrames.frame((byte) 0xc2, id, RawFrames.callBody(PATH, "0.0.0", "greet", "Ljava/lang/String;",
                Map.of(), name));
    }

    private static java.util.Set<String> decodeThreads() {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("tern-decode")) {
                names.add(t.getName());
            }
        }
        return names;
    }

    @Test
    void largeFramesAreDecodedOffTheEventLoopAndInOrder() throws Exception {
        Served served = serve(ServerOptions.DEFAULT.withDispatch(Dispatch.DIRECT));
        java.util.Set<String> before = decodeThreads();
        String large = "z".repeat(Wire.INLINE_DECODE_LIMIT * 2);
        try (Socket socket = RawFrames.connect(served.url().port())) {
            RawFrames.send(socket, greetCall(1, "small"), greetCall(2, large), greetCall(3, "after"));
            for (long id = 1; id <= 3; id++) {
                RawFrames.Answer answer = RawFrames.read(socket);
                assertThat(answer.id()).as("answers in the order the calls came").isEqualTo(id);
                assertThat(answer.status()).isEqualTo(20);
            }
        }
        java.util.Set<String> after = decodeThreads();
        after.removeAll(before);
        assertThat(after).as("decode threads started for the large frame").isNotEmpty();
        assertThat(served.wellBehaved().greet(large)).isEqualTo("Hello, " + large);
        assertThat(served.server().port().reservedBytes()).isZero();
    }

    @Test
    void aServerStopsReadingAClientThatDoesNotReadItsAnswers() throws Exception {
        Served served = serve(ServerOptions.DEFAULT);
        Socket greedy = closing(new Socket());
        greedy.setReceiveBufferSize(4096);
        greedy.connect(new InetSocketAddress("127.0.0.1", served.url().port()));
        byte[] call = greetCall(1, "x".repeat(200));
        AtomicLong sent = new AtomicLong();
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; i < 600_000; i++) {
                    greedy.getOutputStream().write(call);
                    sent.incrementAndGet();
                }
            } catch (IOException closed) {
                // the test closed the socket
            }
        }, "greedy-writer");
        writer.setDaemon(true);
        writer.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> served.server().pausedConnections() == 1);
        assertThat(served.server().pendingWriteBytes()).as("answers held for the greedy client")
                .isLessThan(4L << 20);
        assertThat(served.wellBehaved().greet("meanwhile")).isEqualTo("Hello, meanwhile");
        long stalled = sent.get();
        assertThat(stalled).as("calls the server took before it stopped reading").isLessThan(600_000);
        greedy.close();
        writer.join(10_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> served.server().connectionCount() == 1
                && served.server().pendingWriteBytes() == 0);
    }

    @Test
    void aClientFailsCallsFastWhileItsProviderDoesNotRead() throws Exception {
        ServerSocket deaf = closing(new ServerSocket());
        // set before binding, so that accepted connections advertise a small window: the kernel then
        // holds little of what the client writes, and few calls (each slow to encode under paranoid
        // leak detection) fill the client's own buffer
        deaf.setReceiveBufferSize(4096);
        deaf.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 50);
        List<Socket> accepted = new ArrayList<>();
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    Socket s = deaf.accept();
                    accepted.add(s); // never read
                }
            } catch (IOException closed) {
                // the test closed the server socket
            }
        }, "deaf-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        DubboProtocol consumer = closing(DubboProtocol.builder()
                .clientOptions(ClientOptions.DEFAULT.withPayloadLimit(1 << 20).withTimeout(Duration.ofSeconds(30)))
                .build());
        Greeter greeter = Proxies.create(consumer.refer(Greeter.class,
                ServiceUrl.parse("dubbo://127.0.0.1:" + deaf.getLocalPort() + "/" + PATH)));
        // one Hessian chunk (at most 32,768 characters), which the writer copies in one go: cheap to
        // encode even under paranoid leak detection, which records every single-byte write
        String large = "y".repeat(30_000);
        long before = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
        List<java.util.concurrent.CompletableFuture<String>> calls = new ArrayList<>();
        RpcException refused = null;
        for (int i = 0; i < 4_000 && refused == null; i++) {
            try {
                calls.add(greeter.greetAsync(large));
            } catch (RpcException e) {
                refused = e;
            }
            if (!calls.isEmpty() && calls.get(calls.size() - 1).isCompletedExceptionally()) {
                refused = (RpcException) calls.get(calls.size() - 1).handle((v, e) -> e instanceof
                        java.util.concurrent.CompletionException c ? c.getCause() : e).join();
            }
        }
        assertThat(refused).as("a call refused while the connection is not writable").isNotNull();
        assertThat(refused.status()).isEqualTo(RpcStatus.NETWORK);
        assertThat(refused.getMessage()).contains("is not writable").contains("its provider is not reading");
        assertThat(calls.size()).as("calls taken before the connection stopped taking them").isLessThan(4_000);
        assertThat(PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory() - before)
                .as("direct memory held for a provider that does not read").isLessThan(32L << 20);
        for (Socket s : accepted) {
            s.close();
        }
    }

    @Test
    void connectionsPerAddressAndInTotalAreCapped() throws Exception {
        Served served = serve(ServerOptions.DEFAULT.withLimits(ConnectionLimits.DEFAULT.withConnections(5, 3)));
        // the well-behaved consumer holds one connection from 127.0.0.1
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            sockets.add(closing(RawFrames.connect(served.url().port())));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> served.server().connectionCount() == 3);
        Socket over = closing(RawFrames.connect(served.url().port()));
        assertThat(RawFrames.closedByPeer(over)).as("a fourth connection from one address").isTrue();
        assertThat(served.wellBehaved().greet("still")).isEqualTo("Hello, still");
        sockets.get(0).close();
        await().atMost(Duration.ofSeconds(10)).until(() -> served.server().connectionCount() == 2);
        Socket again = closing(RawFrames.connect(served.url().port()));
        RawFrames.send(again, greetCall(7, "again"));
        assertThat(RawFrames.read(again).status()).isEqualTo(20);
        for (Socket s : sockets) {
            s.close();
        }
        again.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> served.server().connectionCount() == 1
                && served.server().port().admittedConnections() == 1 && served.server().port().addressesHeld() == 1);
    }

    @Test
    void framesStillArrivingShareABudgetAndADeadline() throws Exception {
        int payload = 1 << 20;
        Served served = serve(ServerOptions.DEFAULT.withPayloadLimit(payload).withLimits(ConnectionLimits.DEFAULT
                .withInboundBudget(3L * payload).withFrameTimeout(Duration.ofSeconds(2))));
        List<Socket> holders = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Socket s = closing(RawFrames.connect(served.url().port()));
            RawFrames.send(s, RawFrames.header((byte) 0xc2, 100 + i, payload), new byte[1000]);
            holders.add(s);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> served.server().port().reservedBytes() == 3L * payload);
        Socket fourth = closing(RawFrames.connect(served.url().port()));
        RawFrames.send(fourth, RawFrames.header((byte) 0xc2, 200, payload), new byte[1000]);
        assertThat(RawFrames.closedByPeer(fourth)).as("a frame past the inbound budget").isTrue();
        assertThat(served.wellBehaved().greet("small frames fit")).isEqualTo("Hello, small frames fit");
        for (Socket holder : holders) {
            assertThat(RawFrames.closedByPeer(holder)).as("a frame not whole within its deadline").isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> served.server().port().reservedBytes() == 0);

        // a header trickled one byte at a time never completes within the deadline
        Socket trickle = closing(RawFrames.connect(served.url().port()));
        byte[] header = RawFrames.header((byte) 0xc2, 300, 10);
        InputStream in = trickle.getInputStream();
        boolean closed = false;
        for (int i = 0; i < header.length && !closed; i++) {
            try {
                trickle.getOutputStream().write(header[i]);
                trickle.getOutputStream().flush();
            } catch (IOException e) {
                closed = true;
                break;
            }
            trickle.setSoTimeout(500);
            try {
                closed = in.read() == -1;
            } catch (java.net.SocketTimeoutException stillOpen) {
                // the byte was taken; the frame's deadline runs on
            } catch (IOException reset) {
                closed = true;
            }
        }
        assertThat(closed).as("a trickled header is cut off at the frame deadline").isTrue();
        assertThat(served.wellBehaved().greet("after")).isEqualTo("Hello, after");
    }

    @Test
    void aClientClosesAConnectionWhoseProviderAnswersOverTheLimit() throws Exception {
        ServerSocket liar = closing(new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress()));
        int payload = 64 * 1024;
        List<Socket> accepted = new ArrayList<>();
        Thread provider = new Thread(() -> {
            try {
                for (int connection = 0; ; connection++) {
                    Socket s = liar.accept();
                    accepted.add(s);
                    serveOne(s, connection == 0 ? payload + 1 : -1);
                }
            } catch (IOException closed) {
                // the test closed the server socket
            }
        }, "lying-provider");
        provider.setDaemon(true);
        provider.start();
        DubboProtocol consumer = closing(DubboProtocol.builder()
                .clientOptions(ClientOptions.DEFAULT.withPayloadLimit(payload).withTimeout(Duration.ofSeconds(5)))
                .build());
        Greeter greeter = Proxies.create(consumer.refer(Greeter.class,
                ServiceUrl.parse("dubbo://127.0.0.1:" + liar.getLocalPort() + "/" + PATH)));
        assertThatThrownBy(() -> greeter.greet("first")).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.status()).isEqualTo(RpcStatus.LIMIT_EXCEEDED));
        // the connection was dropped, not left discarding; the next call waits for the client to
        // connect again (not failing at once with "not connected"), and the new connection serves it
        assertThat(greeter.greet("second")).isEqualTo("ok");
        assertThat(accepted).as("connections the provider accepted").hasSize(2);
        for (Socket s : accepted) {
            s.close();
        }
    }

    /**
     * Answers one call on {@code s}: with a body of {@code tooLong} bytes (a header only), or,
     * when negative, with the string "ok", then keeps answering that way.
     */
    private static void serveOne(Socket s, int tooLong) {
        Thread t = new Thread(() -> {
            try {
                java.io.OutputStream out = s.getOutputStream();
                while (true) {
                    RawFrames.Answer call = RawFrames.read(s);
                    if ((call.flags() & 0x20) != 0) {
                        continue; // a heartbeat
                    }
                    if (tooLong >= 0) {
                        out.write(RawFrames.header((byte) 0x02, call.id(), tooLong));
                        out.write(new byte[4096]);
                    } else {
                        out.write(RawFrames.answer(call.id(), new byte[] {(byte) 0x91, 0x02, 'o', 'k'})); // "ok"
                    }
                    out.flush();
                }
            } catch (IOException closed) {
                // the consumer went
            }
        }, "lying-connection");
        t.setDaemon(true);
        t.start();
    }
}
