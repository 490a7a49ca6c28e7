package io.tern.triple;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.ClassPolicy;
import io.tern.Exporter;
import io.tern.Invoker;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.dubbo.DubboProtocol;
import io.tern.testing.ResourceFigures;
import io.tern.testing.TestCertificates;
import io.tern.transport.tls.ClientTls;
import io.tern.transport.tls.ServerTls;
import io.tern.transport.tls.TlsContext;
import io.tern.triple.TripleHostileInputTest.RawHttp2;
import io.tern.triple.TripleHostileInputTest.Target;
import io.tern.triple.TripleHostileInputTest.TargetImpl;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The port limits on a Triple port, each row of the red team's report that they close: a port of
 * Triple's own, a port shared with the dubbo protocol and a Triple port with TLS (each attack
 * then speaks through a handshake, as a real client would) get the same limits, under the same
 * option names ({@code accepts.per.address}, {@code inbound.budget}, {@code frame.timeout}, {@code idle.timeout}), set
 * low here so that each attack meets them quickly. Each attack is followed by a well-behaved call
 * answered at once, with the JVM's threads, descriptors, heap and direct memory compared before and
 * after.
 */
@Timeout(180)
class TripleHostileRowsTest {

    private static final String LIMITS = "frame.timeout=1000&accepts.per.address=32&inbound.budget=8388608"
            + "&idle.timeout=1500";
    private static final int MIB = 1 << 20;
    private static final int FRAME = 16 * 1024;

    /** One port under attack, the protocol serving Triple there, its TLS (null for none), and a client that behaves. */
    record Port(String name, int port, TripleProtocol protocol, @Nullable SSLContext tls, Target wellBehaved) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static TripleProtocol own;
    private static TripleProtocol sharing;
    private static DubboProtocol dubbo;
    private static TripleProtocol consumer;
    private static TripleProtocol secure;
    private static TripleProtocol secureConsumer;
    private static final List<Invoker<?>> INVOKERS = new ArrayList<>();
    private static Port ownPort;
    private static Port sharedPort;
    private static Port tlsPort;
    @TempDir
    static Path directory;

    @BeforeAll
    static void start() {
        LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.SAMPLED, 1, 2);
        own = TripleProtocol.create(tracker, ClassPolicy.strict());
        Exporter<Target> ownExport = own.export(Invokers.of(Target.class, new TargetImpl(),
                ServiceUrl.parse("tri://127.0.0.1:0/" + Target.class.getName() + "?" + LIMITS)));

        sharing = TripleProtocol.create(tracker, ClassPolicy.strict());
        dubbo = DubboProtocol.builder().sharePort(sharing.sharedPortProtocols()).build();
        Exporter<Target> dubboExport = dubbo.export(Invokers.of(Target.class, new TargetImpl(),
                ServiceUrl.parse("dubbo://127.0.0.1:0/" + Target.class.getName() + "?" + LIMITS)));
        int shared = dubboExport.url().port();
        sharing.share("127.0.0.1", shared);
        sharing.export(Invokers.of(Target.class, new TargetImpl(),
                ServiceUrl.parse("tri://127.0.0.1:" + shared + "/" + Target.class.getName())));

        TestCertificates certificates = TestCertificates.create(directory.resolve("certs"));
        TestCertificates.Issued server = certificates.server("hostile-rows");
        ClientTls trusting = ClientTls.trusting(certificates.caCert());
        secure = TripleProtocol.create(tracker, ClassPolicy.strict(), ServerTls.of(server.cert(), server.key())
                .withHandshakeTimeout(Duration.ofSeconds(2)), null);
        Exporter<Target> secureExport = secure.export(Invokers.of(Target.class, new TargetImpl(),
                ServiceUrl.parse("tri://127.0.0.1:0/" + Target.class.getName() + "?" + LIMITS)));

        consumer = TripleProtocol.create(tracker, ClassPolicy.strict());
        secureConsumer = TripleProtocol.create(tracker, ClassPolicy.strict(), null, trusting);
        ownPort = new Port("a Triple port of its own", ownExport.url().port(), own, null,
                refer(consumer, ownExport.url().port()));
        sharedPort = new Port("a port shared with dubbo", shared, sharing, null, refer(consumer, shared));
        tlsPort = new Port("a Triple port with TLS", secureExport.url().port(), secure, TlsContext.jdkClient(trusting),
                refer(secureConsumer, secureExport.url().port()));
    }

    private static Target refer(TripleProtocol consumer, int port) {
        Invoker<Target> invoker = consumer.refer(Target.class,
                ServiceUrl.parse("tri://127.0.0.1:" + port + "/" + Target.class.getName() + "?timeout=1000"));
        INVOKERS.add(invoker);
        Target target = Proxies.create(invoker);
        assertThat(target.greet("warm")).isEqualTo("Hello, warm");
        return target;
    }

    @AfterAll
    static void stop() {
        INVOKERS.forEach(Invoker::close);
        INVOKERS.clear(); // destroyed: nothing static may keep them
        ownPort = null;
        sharedPort = null;
        tlsPort = null;
        consumer.close();
        secureConsumer.close();
        secure.close();
        own.close();
        sharing.close();
        dubbo.close();
    }

    static Stream<Port> ports() {
        return Stream.of(ownPort, sharedPort, tlsPort);
    }

    /**
     * Runs an attack, then a well-behaved call, and compares the JVM's figures. The service
     * threads, at most 200 per protocol and kept a minute once made, are counted apart.
     */
    private static void attack(Port port, String row, ThrowingRunnable attack) throws Exception {
        ResourceFigures before = withoutServiceThreads(ResourceFigures.now());
        attack.run();
        assertThat(port.wellBehaved().greet("after")).isEqualTo("Hello, after"); // within its 1 s timeout
        assertThat(serviceThreads()).as("service threads: three serving protocols, 200 each at most")
                .isLessThanOrEqualTo(3 * 200);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                before.assertLittleGrowth(row + " on " + port, withoutServiceThreads(ResourceFigures.now())));
    }

    private static ResourceFigures withoutServiceThreads(ResourceFigures figures) {
        return new ResourceFigures(figures.threads() - (int) serviceThreads(), figures.fds(), figures.heapAfterGc(),
                figures.rss(), figures.directMemory());
    }

    /** Threads of the Triple protocols' service pools. */
    private static long serviceThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("tern-tri-service"))
                .count();
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** A TCP connection that has sent nothing, not even a TLS handshake. */
    private static Socket connectSilently(Port port) throws IOException {
        return connect(port, 0);
    }

    private static Socket connect(Port port, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer); // before connecting, so the window is small too
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port.port()), 10_000);
        socket.setSoTimeout(30_000);
        socket.setTcpNoDelay(true);
        return socket;
    }

    /** A connection for HTTP/1.1: over TLS on a TLS port, having negotiated it. */
    private static Socket connect(Port port) throws IOException {
        return secured(port, connect(port, 0), "http/1.1");
    }

    /** Raw HTTP/2: over TLS on a TLS port, having negotiated h2. */
    private static RawHttp2 raw(Port port, int receiveBuffer) throws IOException {
        return RawHttp2.over(secured(port, connect(port, receiveBuffer), "h2"));
    }

    private static RawHttp2 raw(Port port) throws IOException {
        return raw(port, 0);
    }

    /** The connection itself on a plaintext port; on a TLS port, the same connection after a handshake for {@code alpn}. */
    private static Socket secured(Port port, Socket plain, String alpn) throws IOException {
        SSLContext tls = port.tls();
        if (tls == null) {
            return plain;
        }
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, "127.0.0.1", port.port(), true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {alpn});
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    /** Whether the server closes the connection within 30 s, reading and dropping what it sends. */
    private static boolean closedByServer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        try {
            while (in.read() >= 0) {
                // an answer before the close is fine
            }
            return true;
        } catch (SocketException e) {
            return true; // reset
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ports")
    void row6and12_silentConnectionsHoldNoLimitAndAreClosed(Port port) throws Exception {
        attack(port, "row 6/12: 64 silent connections", () -> {
            List<Socket> silent = new ArrayList<>();
            try {
                for (int i = 0; i < 64; i++) { // twice accepts.per.address
                    silent.add(connectSilently(port));
                }
                Thread.sleep(1_200); // past the grace: a newcomer's connection displaces a silent one
                try (Socket newcomer = connect(port)) {
                    String body = "[\"newcomer\"]";
                    newcomer.getOutputStream().write(("POST /" + Target.class.getName() + "/greet HTTP/1.1\r\n"
                            + "Host: x\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
                            + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
                    assertThat(new String(newcomer.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                            .startsWith("HTTP/1.1 200").endsWith("\"Hello, newcomer\"");
                }
                if (port != sharedPort) { // a Triple port's clients speak first: silence ends at the frame timeout
                    for (Socket socket : silent) {
                        assertThat(closedByServer(socket)).as("a silent connection is closed").isTrue();
                    }
                }
            } finally {
                for (Socket socket : silent) {
                    socket.close();
                }
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ports")
    void row6_aSlowlorisHeaderIsCutOffAtTheFrameTimeout(Port port) throws Exception {
        attack(port, "row 6: slowloris", () -> {
            try (Socket slow = connect(port)) {
                OutputStream out = slow.getOutputStream();
                out.write("POST /".getBytes(StandardCharsets.US_ASCII));
                boolean cut = false;
                long start = System.nanoTime();
                for (int i = 0; i < 100 && !cut; i++) {
                    try {
                        out.write('a');
                        out.flush();
                    } catch (SocketException e) {
                        cut = true;
                    }
                    Thread.sleep(100);
                }
                assertThat(cut).as("a request line sent a byte every 100 ms is cut off").isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(9));
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ports")
    void row6_aConnectionThatOpensNoCallIsClosedAtTheIdleTimeout(Port port) throws Exception {
        attack(port, "row 6: the HTTP/2 preface and nothing more", () -> {
            try (RawHttp2 client = raw(port)) {
                long start = System.nanoTime();
                assertThat(client.goAwayErrorOrClosed()).as("a GOAWAY without error").isZero();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(1_000));
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ports")
    void row6_unfinishedCallsAreResetAtTheFrameTimeout(Port port) throws Exception {
        attack(port, "row 6: 200 unfinished calls", () -> {
            try (RawHttp2 client = raw(port)) {
                for (int i = 0; i < 200; i++) {
                    client.headers(2 * i + 1, TripleHostileInputTest.call("greet"), false); // and nothing more
                }
                for (int i = 0; i < 200; i++) {
                    assertThat(client.grpcStatus(2 * i + 1)).as("stream %d", 2 * i + 1).isEqualTo(8); // RESOURCE_EXHAUSTED
                }
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ports")
    void row5_unfinishedGrpcMessagesAreBoundedByTheInboundBudget(Port port) throws Exception {
        unfinishedMessages(port); // once to warm the allocator, whose caches then hold what the next one needs
        attack(port, "row 5: unfinished 8 MiB messages", () -> {
            long before = ResourceFigures.now().directMemory();
            long peak = unfinishedMessages(port);
            // 48 MiB sent against a budget of 8: what is held stays near the budget, not near what was sent
            assertThat(peak - before).as("direct memory held at the attack's height").isLessThan(32L * MIB);
        });
    }

    /**
     * 12 connections of 2 streams, each an 8 MiB message of which 2 MiB come (48 MiB against a budget
     * of 8, each connection within its 8 MiB window, in frames of the default 16 KiB); returns the
     * direct memory at the attack's height.
     */
    private static long unfinishedMessages(Port port) throws IOException {
        byte[] frame = new byte[FRAME];
        List<RawHttp2> clients = new ArrayList<>();
        long peak;
        try {
            for (int c = 0; c < 12; c++) {
                RawHttp2 client = raw(port);
                clients.add(client);
                client.awaitSettings(); // the server's 8 MiB windows apply from the acknowledgement
                for (int stream = 1; stream <= 3; stream += 2) {
                    client.headers(stream, TripleHostileInputTest.call("greet"), false);
                    client.data(stream, new byte[] {0, 0, (byte) 0x80, 0, 0}, false);
                    try {
                        for (int k = 0; k < 2 * MIB / FRAME; k++) {
                            client.frame(0x0, 0, stream, frame);
                        }
                        client.flush();
                    } catch (SocketException e) {
                        // closed for the budget while sending
                    }
                }
            }
            peak = ResourceFigures.now().directMemory();
            if (port != sharedPort) {
                assertThat(port.protocol().reservedInboundBytes()).isLessThanOrEqualTo(8L * MIB);
            }
            int refusedForTheBudget = 0;
            int resetAtTheTimeout = 0;
            for (RawHttp2 client : clients) {
                for (int stream = 1; stream <= 3; stream += 2) {
                    assertThat(client.grpcStatus(stream)).isEqualTo(8); // RESOURCE_EXHAUSTED
                    String message = java.net.URLDecoder.decode(client.grpcMessage(stream), StandardCharsets.UTF_8);
                    refusedForTheBudget += message.contains("inbound budget") ? 1 : 0;
                    resetAtTheTimeout += message.contains("did not arrive within 1000 ms") ? 1 : 0;
                }
            }
            assertThat(refusedForTheBudget).as("streams refused for the budget").isPositive();
            assertThat(resetAtTheTimeout).as("streams reset at the frame timeout").isPositive();
            assertThat(refusedForTheBudget + resetAtTheTimeout).isEqualTo(24);
        } finally {
            for (RawHttp2 client : clients) {
                client.close();
            }
        }
        if (port != sharedPort) {
            await().atMost(Duration.ofSeconds(10)).until(() -> port.protocol().reservedInboundBytes() == 0);
        }
        return peak;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ports")
    void row5_unfinishedHttp1BodiesAreBoundedByTheInboundBudget(Port port) throws Exception {
        unfinishedBodies(port); // once to warm the allocator (TLS's buffers among what it keeps)
        attack(port, "row 5: unfinished HTTP/1.1 bodies", () -> unfinishedBodies(port));
    }

    /** 12 connections each sending 1 MiB of an 8 MiB body: 12 MiB against a budget of 8. */
    private static void unfinishedBodies(Port port) throws Exception {
        List<Socket> sockets = new ArrayList<>();
        byte[] chunk = new byte[MIB];
        try {
            for (int i = 0; i < 12; i++) {
                Socket socket = connect(port);
                sockets.add(socket);
                OutputStream out = socket.getOutputStream();
                try {
                    out.write(("POST /" + Target.class.getName() + "/greet HTTP/1.1\r\nHost: x\r\n"
                            + "Content-Type: application/json\r\nContent-Length: " + (8 * MIB) + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.flush();
                } catch (SocketException e) {
                    // closed for the budget while sending
                }
            }
            if (port != sharedPort) { // the bodies hold the budget, and no more than it
                await().atMost(Duration.ofSeconds(10)).until(() -> port.protocol().reservedInboundBytes() >= 4L * MIB);
                assertThat(port.protocol().reservedInboundBytes()).isLessThanOrEqualTo(8L * MIB);
            }
            for (Socket socket : sockets) {
                assertThat(closedByServer(socket)).as("an unfinished body's connection is closed").isTrue();
            }
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        if (port != sharedPort) {
            await().atMost(Duration.ofSeconds(10)).until(() -> port.protocol().reservedInboundBytes() == 0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ports")
    void row3_answersOwedToAReaderThatDoesNotReadAreBounded(Port port) throws Exception {
        TripleProtocol protocol = port.protocol();
        owedAnswers(port, protocol); // once first: the allocator keeps what its height needed for the next
        attack(port, "row 3: 48 answers of 512 KiB to a reader that does not read", () -> owedAnswers(port, protocol));
    }

    private static void owedAnswers(Port port, TripleProtocol protocol) throws Exception {
        long refusedBefore = protocol.refusedAnswers();
        byte[] frame = new byte[FRAME];
        byte[] message = TripleHostileInputTest.message("x".repeat(512 * 1024), "java.lang.String");
        try (RawHttp2 reader = raw(port, 4096)) {
            reader.awaitSettings();
            reader.stopReading();
            for (int i = 0; i < 48; i++) { // 24 MiB of answers
                int stream = 2 * i + 1;
                reader.headers(stream, TripleHostileInputTest.call("greet"), false);
                for (int at = 0; at < message.length; at += FRAME) {
                    int n = Math.min(FRAME, message.length - at);
                    byte[] chunk = n == FRAME ? frame : new byte[n];
                    System.arraycopy(message, at, chunk, 0, n);
                    reader.frame(0x0, at + n == message.length ? 0x1 : 0, stream, chunk);
                }
                reader.flush();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> protocol.refusedAnswers() > refusedBefore);
            assertThat(protocol.owedAnswerBytes()).as("bytes of answers owed to the reader")
                    .isLessThanOrEqualTo(ConnectionWrites.MAX_OWED + message.length + 1024);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> protocol.owedAnswerBytes() == 0);
    }

    /** Service threads waiting in a server stream for a reader that does not read. */
    private static long waitingWriters() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().startsWith("tern-tri-service"))
                .filter(e -> java.util.Arrays.stream(e.getValue())
                        .anyMatch(f -> f.getClassName().equals(StreamWritability.class.getName())))
                .count();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ports")
    void row4_aServerStreamWhoseReaderDoesNotReadGivesItsThreadBackAtTheFrameTimeout(Port port) throws Exception {
        stalledStreams(port); // once first: the service pool keeps the threads it made for a while
        attack(port, "row 4: server streams to readers that do not read", () -> stalledStreams(port));
    }

    /** A connection that reads nothing, with {@code streams} calls of the server stream {@code count} on it. */
    private static RawHttp2 countingToAReaderThatDoesNotRead(Port port, int streams) throws IOException {
        RawHttp2 reader = raw(port, 4096);
        try {
            reader.stopReading();
            for (int i = 0; i < streams; i++) {
                int stream = 2 * i + 1;
                reader.headers(stream, TripleHostileInputTest.call("count"), false);
                reader.data(stream, TripleHostileInputTest.countMessage(10_000_000), true);
            }
            return reader;
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    private static void stalledStreams(Port port) throws Exception {
        List<RawHttp2> readers = new ArrayList<>();
        try {
            for (int c = 0; c < 2; c++) {
                readers.add(countingToAReaderThatDoesNotRead(port, 4));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> waitingWriters() > 0);
            assertThat(waitingWriters()).isLessThanOrEqualTo(port.protocol().maxWaitingStreamWriters());
            // each waits at most the frame timeout (1 s here), then its stream is reset
            await().atMost(Duration.ofSeconds(30)).until(() -> waitingWriters() == 0);
        } finally {
            for (RawHttp2 reader : readers) {
                reader.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ports")
    void row4_manyServerStreamsOfSmallMessagesToReadersThatDoNotReadQueueLittle(Port port) throws Exception {
        TripleProtocol protocol = port.protocol();
        int connections = 4;
        int streams = 55;
        smallMessageStreams(port, protocol, connections, streams); // once first: the service pool keeps its threads
        long[] most = new long[1];
        attack(port, "row 4: 220 server streams of small messages to readers that do not read",
                () -> most[0] = smallMessageStreams(port, protocol, connections, streams));
        // each stream queues at most its limit and the message that passed it
        long bound = (long) connections * streams * (StreamAnswer.STREAM_QUEUE_LIMIT
                + StreamAnswer.MESSAGE_OVERHEAD + 64);
        System.out.printf("row 4 on %s: at most %,d bytes queued by %d stalled streams (bound %,d)%n", port, most[0],
                connections * streams, bound);
        assertThat(most[0]).as("bytes queued for readers that do not read").isPositive().isLessThanOrEqualTo(bound);
    }

    /** Streams of small messages to readers that read nothing, for 3 s; the most the protocol had queued. */
    private static long smallMessageStreams(Port port, TripleProtocol protocol, int connections, int streams)
            throws Exception {
        long most = 0;
        List<RawHttp2> readers = new ArrayList<>();
        try {
            for (int c = 0; c < connections; c++) {
                readers.add(countingToAReaderThatDoesNotRead(port, streams));
            }
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < until) {
                most = Math.max(most, protocol.queuedStreamBytes());
                Thread.sleep(5);
            }
        } finally {
            for (RawHttp2 reader : readers) {
                reader.close();
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> protocol.queuedStreamBytes() == 0);
        return most;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ports")
    void aFloodOfConnectionsIsRefusedPastTheLimitAndTheWellBehavedAreServed(Port port) throws Exception {
        attack(port, "a flood of 300 connections", () -> {
            List<Socket> flood = new ArrayList<>();
            try {
                for (int i = 0; i < 300; i++) {
                    Socket socket = connectSilently(port);
                    // not silent, so not displaced: the first byte of an HTTP/2 preface, or of a TLS record
                    socket.getOutputStream().write(new byte[] {port.tls() == null ? (byte) 'P' : 0x16});
                    flood.add(socket);
                }
                int closed = 0;
                for (Socket socket : flood) {
                    socket.setSoTimeout(100);
                    try {
                        if (socket.getInputStream().read() < 0) {
                            closed++;
                        }
                    } catch (SocketTimeoutException e) {
                        // still open
                    } catch (SocketException e) {
                        closed++;
                    }
                }
                assertThat(closed).as("connections refused past accepts.per.address").isGreaterThanOrEqualTo(300 - 32);
            } finally {
                for (Socket socket : flood) {
                    socket.close();
                }
            }
        });
    }
}
