package io.tern.triple;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.tern.ClassPolicy;
import io.tern.Exporter;
import io.tern.Invoker;
import io.tern.RpcException;
import io.tern.ServiceUrl;
import io.tern.StreamObserver;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.serialization.Hessian2Serialization;
import io.tern.serialization.ObjectOutput;
import io.tern.triple.internal.GrpcDeframer;
import io.tern.triple.internal.TripleRequestWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A running Triple server fed hostile HTTP/2 from raw sockets, frame by frame: rapid reset,
 * CONTINUATION and control-frame floods, oversized header blocks, garbage after the preface,
 * and a reader that never reads. Each ends with an error or a closed connection, with service
 * threads and memory bounded; a well-behaved client is served after every one. Netty's paranoid
 * leak detector checks that no buffer leaks on any path.
 */
@Timeout(120)
class TripleHostileInputTest {

    public interface Target {
        String greet(String name);

        void count(int upTo, StreamObserver<Integer> numbers);
    }

    /** Counts what reached the service. */
    static final class TargetImpl implements Target {
        final AtomicInteger greeted = new AtomicInteger();
        final AtomicInteger counted = new AtomicInteger();
        volatile CompletableFuture<RpcException> countStopped = new CompletableFuture<>();

        @Override
        public String greet(String name) {
            greeted.incrementAndGet();
            return "Hello, " + name;
        }

        @Override
        public void count(int upTo, StreamObserver<Integer> numbers) {
            try {
                for (int i = 0; i < upTo; i++) {
                    numbers.onNext(i);
                    counted.incrementAndGet();
                }
                numbers.onCompleted();
            } catch (RpcException e) {
                countStopped.complete(e);
            }
        }
    }

    private static final String PATH = "/" + Target.class.getName() + "/";
    private static final TargetImpl IMPL = new TargetImpl();
    private static TripleProtocol provider;
    private static TripleProtocol consumer;
    private static int port;
    private static Invoker<Target> invoker;
    private static Target wellBehaved;

    @BeforeAll
    static void start() {
        LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.SAMPLED, 1, 2);
        provider = TripleProtocol.create(tracker, ClassPolicy.strict());
        Exporter<Target> exporter = provider.export(Invokers.of(Target.class, IMPL,
                ServiceUrl.parse("tri://127.0.0.1:0/" + Target.class.getName())));
        port = exporter.url().port();
        consumer = TripleProtocol.create(tracker, ClassPolicy.strict());
        invoker = consumer.refer(Target.class, exporter.url());
        wellBehaved = Proxies.create(invoker);
    }

    @AfterAll
    static void stop() {
        invoker.close();
        consumer.close();
        provider.close();
        invoker = null;
        wellBehaved = null;
    }

    @AfterEach
    void theWellBehavedClientIsStillServed() {
        assertThat(wellBehaved.greet("still here")).isEqualTo("Hello, still here");
        assertThat(serviceThreads()).as("service threads stay within the pool's bound").isLessThanOrEqualTo(200);
    }

    private static long serviceThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("tern-tri-service"))
                .count();
    }

    @Test
    void rapidResetIsCutOffWithGoAwayAndFewCallsRun() throws IOException {
        int before = IMPL.greeted.get();
        try (RawHttp2 client = RawHttp2.open(port)) {
            try {
                for (int i = 0; i < 50_000; i++) {
                    int stream = 2 * i + 1;
                    client.headers(stream, call("greet"), false);
                    client.data(stream, greetMessage("r" + i), true);
                    client.reset(stream);
                }
            } catch (SocketException e) {
                // the server closed the connection while it was being flooded
            }
            assertThat(client.goAwayErrorOrClosed()).isEqualTo(0xb /* ENHANCE_YOUR_CALM */);
        }
        assertThat(IMPL.greeted.get() - before).as("calls that ran of the 50,000 reset").isLessThan(12_000);
    }

    @Test
    void aContinuationFloodIsRefusedBeforeTheHeaderLimitIsPassedMuch() throws IOException {
        try (RawHttp2 client = RawHttp2.open(port)) {
            byte[] junk = new byte[16 * 1024];
            new Random(7).nextBytes(junk);
            try {
                client.frame(0x1 /* HEADERS */, 0, 1, client.encode(1, call("greet")));
                for (int i = 0; i < 10_000; i++) {
                    client.frame(0x9 /* CONTINUATION */, 0, 1, junk);
                }
                client.flush();
            } catch (SocketException e) {
                // closed while flooding: what the server should do
            }
            assertThat(client.goAwayErrorOrClosed()).isNotEqualTo(RawHttp2.OPEN);
        }
    }

    @Test
    void aHeaderBlockOverTheLimitIsRefusedAndTheConnectionServesOn() throws IOException {
        try (RawHttp2 client = RawHttp2.open(port)) {
            Http2Headers huge = call("greet").set("x-huge", "v".repeat(40 * 1024));
            client.headers(1, huge, false);
            int answer = client.streamAnswerOrGoAway(1);
            assertThat(answer).as("a reset of the stream, a 431, or the connection refused").isNotEqualTo(RawHttp2.OPEN);
        }
    }

    @Test
    void settingsAndPingFloodsCloseTheConnection() throws IOException {
        for (int type : new int[] {0x4 /* SETTINGS */, 0x6 /* PING */}) {
            try (RawHttp2 client = RawHttp2.open(port, 4096)) {
                client.stopReading(); // the flood's answers pile up in the server, not here
                try {
                    // enough that the answers overflow the socket buffers and queue in the server
                    for (int i = 0; i < 2_000_000; i++) {
                        client.frame(type, 0, 0, type == 0x6 ? new byte[8] : new byte[0]);
                    }
                    client.flush();
                } catch (SocketException e) {
                    // closed while flooding
                }
                client.resumeReading();
                assertThat(client.goAwayErrorOrClosed()).as("frame type %d", type).isNotEqualTo(RawHttp2.OPEN);
            }
        }
    }

    @Test
    void garbageAfterThePrefaceIsAProtocolError() throws IOException {
        try (RawHttp2 client = RawHttp2.open(port)) {
            byte[] garbage = new byte[4096];
            new Random(11).nextBytes(garbage);
            try {
                client.raw(garbage);
            } catch (SocketException e) {
                // closed already
            }
            assertThat(client.goAwayErrorOrClosed()).isNotEqualTo(RawHttp2.OPEN);
        }
    }

    @Test
    void aMessageLengthOverTheLimitIsAnsweredWithoutAllocatingIt() throws IOException {
        try (RawHttp2 client = RawHttp2.open(port)) {
            client.headers(1, call("greet"), false);
            client.data(1, new byte[] {0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}, false);
            assertThat(client.grpcStatus(1)).isEqualTo(8); // RESOURCE_EXHAUSTED
        }
    }

    @Test
    void aReaderThatNeverReadsHoldsOneBlockedWriterAndFreesItWhenItLeaves() throws IOException {
        IMPL.countStopped = new CompletableFuture<>();
        int before = IMPL.counted.get();
        try (RawHttp2 client = RawHttp2.open(port)) {
            client.stopReading();
            client.headers(1, call("count"), false);
            client.data(1, countMessage(10_000_000), true);
            await().atMost(Duration.ofSeconds(30)).until(() -> Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("tern-tri-service"))
                    .anyMatch(t -> (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING)
                            && List.of(t.getStackTrace()).stream()
                            .anyMatch(f -> f.getClassName().equals(StreamWritability.class.getName()))));
            int sent = IMPL.counted.get() - before;
            assertThat(sent).as("numbers written to a reader that reads nothing").isLessThan(1_000_000);
            assertThat(wellBehaved.greet("meanwhile")).isEqualTo("Hello, meanwhile");
        }
        RpcException stopped = IMPL.countStopped.orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(stopped).hasMessageContaining("has ended");
    }

    @Test
    void protocolErrorsFromOneHostWriteOneLineWithoutAStackTrace() throws IOException {
        java.io.PrintStream originalErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            for (int i = 0; i < 50; i++) {
                try (RawHttp2 client = RawHttp2.open(port)) {
                    try {
                        client.raw(new byte[] {0, 0, 4, 0x4, 0, 0, 0, 0, 1, 0, 0, 0, 0}); // SETTINGS of a bad length
                    } catch (SocketException e) {
                        // closed already
                    }
                    assertThat(client.goAwayErrorOrClosed()).isNotEqualTo(RawHttp2.OPEN);
                }
            }
            assertThat(wellBehaved.greet("after")).isEqualTo("Hello, after");
        } finally {
            System.setErr(originalErr);
        }
        String log = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        originalErr.print(log);
        // other threads may warn meanwhile (the lifecycle tracker); the attack's lines name the server's loggers
        assertThat(log.lines().filter(line -> line.contains("WARN io.tern.triple")
                || line.contains("WARN io.netty"))).as(log).hasSizeLessThanOrEqualTo(1);
        assertThat(log).doesNotContain("\tat io.netty").doesNotContain("reached at the tail of the pipeline");
    }

    @Test
    void anAbsurdGrpcTimeoutIsClampedAndTheCallServed() throws IOException {
        try (RawHttp2 client = RawHttp2.open(port)) {
            client.headers(1, call("greet").set("grpc-timeout", "99999999H"), false);
            client.data(1, greetMessage("patient"), true);
            assertThat(client.grpcStatus(1)).isEqualTo(0);
        }
    }

    static Http2Headers call(String method) {
        return new DefaultHttp2Headers().method("POST").scheme("http").authority("127.0.0.1").path(PATH + method)
                .set("content-type", "application/grpc");
    }

    private static byte[] greetMessage(String name) {
        return message(name, "java.lang.String");
    }

    static byte[] countMessage(int upTo) {
        return message(upTo, "int");
    }

    static byte[] message(Object argument, String type) {
        ByteBuf out = Unpooled.buffer();
        try {
            try (ObjectOutput output = new Hessian2Serialization(ClassPolicy.strict()).output(out)) {
                output.writeObject(argument);
            }
            byte[] wrapper = new TripleRequestWrapper("hessian4", List.of(ByteBufUtil.getBytes(out)), List.of(type))
                    .encode();
            ByteBuf framed = GrpcDeframer.frame(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, wrapper);
            try {
                return ByteBufUtil.getBytes(framed);
            } finally {
                framed.release();
            }
        } finally {
            out.release();
        }
    }

    /**
     * An HTTP/2 client that writes frames byte by byte as told, and reads what comes back on a
     * thread of its own: GOAWAY, RST_STREAM and the server's header blocks.
     */
    static final class RawHttp2 implements AutoCloseable {
        static final int OPEN = -2;
        static final int CLOSED = -1;

        private final Socket socket;
        private final OutputStream out;
        private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
        private final CompletableFuture<Integer> goAway = new CompletableFuture<>();
        private final CompletableFuture<Void> settingsAcked = new CompletableFuture<>();
        private final java.util.Map<Integer, String> messages = new java.util.concurrent.ConcurrentHashMap<>();
        private final java.util.Map<Integer, CompletableFuture<Integer>> streamEnds =
                new java.util.concurrent.ConcurrentHashMap<>();
        private final Object gate = new Object();
        private volatile boolean reading = true;
        private final Thread reader;

        private RawHttp2(Socket socket) throws IOException {
            this.socket = socket;
            this.out = new java.io.BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            this.reader = new Thread(this::read, "raw-http2-reader");
            reader.setDaemon(true);
        }

        static RawHttp2 open(int port) throws IOException {
            return open(port, 0);
        }

        /** A connection whose receive buffer is {@code receiveBuffer} bytes (0 for the system's). */
        static RawHttp2 open(int port, int receiveBuffer) throws IOException {
            Socket socket = new Socket();
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer); // before connecting, so the window is small too
            }
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setTcpNoDelay(true);
            return over(socket);
        }

        /** A client on a connected socket (a TLS one having negotiated h2): the preface, then our SETTINGS. */
        static RawHttp2 over(Socket socket) throws IOException {
            RawHttp2 client = new RawHttp2(socket);
            ByteBuf preface = Http2CodecUtil.connectionPrefaceBuf();
            client.raw(ByteBufUtil.getBytes(preface));
            preface.release();
            client.frame(0x4, 0, 0, new byte[0]); // our SETTINGS: the defaults
            client.flush();
            client.reader.start();
            return client;
        }

        void stopReading() {
            reading = false;
        }

        /** Waits until the server's SETTINGS (its windows among them) are acknowledged, so they apply. */
        void awaitSettings() {
            settingsAcked.orTimeout(30, TimeUnit.SECONDS).join();
        }

        void resumeReading() {
            synchronized (gate) {
                reading = true;
                gate.notifyAll();
            }
        }

        synchronized void flush() throws IOException {
            out.flush();
        }

        synchronized void raw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        synchronized void frame(int type, int flags, int stream, byte[] payload) throws IOException {
            byte[] frame = new byte[9 + payload.length];
            frame[0] = (byte) (payload.length >>> 16);
            frame[1] = (byte) (payload.length >>> 8);
            frame[2] = (byte) payload.length;
            frame[3] = (byte) type;
            frame[4] = (byte) flags;
            frame[5] = (byte) (stream >>> 24 & 0x7f);
            frame[6] = (byte) (stream >>> 16);
            frame[7] = (byte) (stream >>> 8);
            frame[8] = (byte) stream;
            System.arraycopy(payload, 0, frame, 9, payload.length);
            out.write(frame);
        }

        byte[] encode(int stream, Http2Headers headers) {
            ByteBuf block = Unpooled.buffer();
            try {
                encoder.encodeHeaders(stream, headers, block);
                return ByteBufUtil.getBytes(block);
            } catch (Http2Exception e) {
                throw new IllegalStateException(e);
            } finally {
                block.release();
            }
        }

        void headers(int stream, Http2Headers headers, boolean endStream) throws IOException {
            frame(0x1, 0x4 | (endStream ? 0x1 : 0), stream, encode(stream, headers));
            out.flush();
        }

        void data(int stream, byte[] bytes, boolean endStream) throws IOException {
            frame(0x0, endStream ? 0x1 : 0, stream, bytes);
            out.flush();
        }

        void reset(int stream) throws IOException {
            frame(0x3, 0, stream, new byte[] {0, 0, 0, 8}); // CANCEL
            out.flush();
        }

        /** The error code of the server's GOAWAY, CLOSED if it closed without one, OPEN if neither within 30 s. */
        int goAwayErrorOrClosed() {
            try {
                return goAway.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                return OPEN;
            }
        }

        /** How a stream ended: its RST_STREAM error code, 1000 + an HTTP status, or the GOAWAY's code. */
        int streamAnswerOrGoAway(int stream) {
            CompletableFuture<Integer> end = streamEnds.computeIfAbsent(stream, s -> new CompletableFuture<>());
            try {
                return CompletableFuture.anyOf(end, goAway).thenApply(Integer.class::cast).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                return OPEN;
            }
        }

        /** The grpc-message a stream ended with (percent-encoded), once it has ended; "" for none. */
        String grpcMessage(int stream) {
            grpcStatus(stream);
            return messages.getOrDefault(stream, "");
        }

        /** The grpc-status a stream ended with. */
        int grpcStatus(int stream) {
            CompletableFuture<Integer> end = streamEnds.computeIfAbsent(stream, s -> new CompletableFuture<>());
            return end.orTimeout(30, TimeUnit.SECONDS).join();
        }

        private void read() {
            try {
                InputStream in = socket.getInputStream();
                io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder decoder =
                        new io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder(false);
                ByteArrayOutputStream block = new ByteArrayOutputStream();
                while (true) {
                    synchronized (gate) {
                        while (!reading) {
                            gate.wait();
                        }
                    }
                    byte[] header = in.readNBytes(9);
                    if (header.length < 9) {
                        break;
                    }
                    int length = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | header[2] & 0xff;
                    int type = header[3];
                    int flags = header[4];
                    int stream = (header[5] & 0x7f) << 24 | (header[6] & 0xff) << 16 | (header[7] & 0xff) << 8
                            | header[8] & 0xff;
                    byte[] payload = in.readNBytes(length);
                    if (type == 0x7 && payload.length >= 8) {
                        goAway.complete((payload[4] & 0xff) << 24 | (payload[5] & 0xff) << 16
                                | (payload[6] & 0xff) << 8 | payload[7] & 0xff);
                    } else if (type == 0x3) {
                        streamEnds.computeIfAbsent(stream, s -> new CompletableFuture<>())
                                .complete((payload[0] & 0xff) << 24 | (payload[1] & 0xff) << 16
                                        | (payload[2] & 0xff) << 8 | payload[3] & 0xff);
                    } else if (type == 0x1 || type == 0x9) {
                        block.write(payload, type == 0x1 && (flags & 0x8) != 0 ? 1 + payload[0] : 0,
                                payload.length - (type == 0x1 && (flags & 0x8) != 0 ? 1 + payload[0] : 0));
                        if ((flags & 0x4) != 0) {
                            ByteBuf bytes = Unpooled.wrappedBuffer(block.toByteArray());
                            Http2Headers decoded = decoder.decodeHeaders(stream, bytes);
                            block.reset();
                            CharSequence grpc = decoded.get("grpc-status");
                            CharSequence http = decoded.status();
                            CharSequence grpcMessage = decoded.get("grpc-message");
                            if (grpcMessage != null) {
                                messages.put(stream, grpcMessage.toString());
                            }
                            if (grpc != null) {
                                streamEnds.computeIfAbsent(stream, s -> new CompletableFuture<>())
                                        .complete(Integer.parseInt(grpc.toString()));
                            } else if (http != null && !"200".contentEquals(http)) {
                                streamEnds.computeIfAbsent(stream, s -> new CompletableFuture<>())
                                        .complete(1000 + Integer.parseInt(http.toString()));
                            }
                        }
                    } else if (type == 0x4 && (flags & 0x1) == 0) {
                        frame(0x4, 0x1, 0, new byte[0]); // ACK the server's SETTINGS
                        out.flush();
                        settingsAcked.complete(null);
                    }
                }
            } catch (IOException | Http2Exception e) {
                // the connection is gone
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            goAway.complete(CLOSED);
        }

        @Override
        public void close() throws IOException {
            resumeReading();
            socket.close();
        }
    }
}
