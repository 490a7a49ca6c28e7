package io.tern.dubbo;

import static org.assertj.core.api.Assertions.assertThat;

import io.tern.Exporter;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.dubbo.EchoServices.Greeter;
import io.tern.dubbo.EchoServices.GreeterImpl;
import io.tern.testing.TernCleanup;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A running Tern server fed garbage from raw sockets: each hostile frame gets an error status or
 * a closed connection, and a well-behaved client is served throughout. Netty's paranoid leak
 * detector (see {@link io.tern.testing.NettyLeakExtension}) checks that no buffer leaks on any path.
 */
class HostileInputTest {

    @RegisterExtension
    static final TernCleanup cleanup = new TernCleanup();

    private static final int LIMIT = 64 * 1024;
    private static final byte TWO_WAY_HESSIAN = (byte) 0xc2;
    private static final String PATH = Greeter.class.getName();
    private static final String GREET = "Ljava/lang/String;";
    private static DubboProtocol provider;
    private static DubboProtocol consumer;
    private static int port;
    private static Greeter wellBehaved;

    @BeforeAll
    static void start() {
        provider = cleanup.register(
                DubboProtocol.builder().serverOptions(ServerOptions.DEFAULT.withPayloadLimit(LIMIT)).build());
        Exporter<Greeter> exporter = provider.export(Invokers.of(Greeter.class, new GreeterImpl(),
                ServiceUrl.parse("dubbo://127.0.0.1:0/" + PATH)));
        port = exporter.url().port();
        consumer = cleanup.register(DubboProtocol.create());
        wellBehaved = Proxies.create(consumer.refer(Greeter.class, exporter.url()));
    }

    @AfterEach
    void theWellBehavedClientIsStillServed() {
        assertThat(wellBehaved.greet("still here")).isEqualTo("Hello, still here");
    }

    private static byte[] greetCall(long id, String name) throws IOException {
        return RawFrames.frame(TWO_WAY_HESSIAN, id, RawFrames.callBody(PATH, "0.0.0", "greet", GREET, Map.of(), name));
    }

    /** An {@code $echo} of a list nested {@code depth} deep, written without recursion. */
    private static byte[] nestedEcho(long id, int depth) throws IOException {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        com.alibaba.com.caucho.hessian.io.Hessian2Output out = new com.alibaba.com.caucho.hessian.io.Hessian2Output(body);
        for (String s : new String[] {"2.0.2", PATH, "0.0.0", "$echo", "Ljava/lang/Object;"}) {
            out.writeString(s);
        }
        out.flushBuffer();
        for (int i = 0; i < depth; i++) {
            body.write(0x79); // a list of one element
        }
        body.write(0x78); // the empty list at the bottom
        out.writeObject(Map.of());
        out.flushBuffer();
        return RawFrames.frame(TWO_WAY_HESSIAN, id, body.toByteArray());
    }

    /** Whether a response body reads as a response type and a list, on a thread with room for deep values. */
    private static boolean readsAsAValue(byte[] body) {
        boolean[] read = new boolean[1];
        Thread reader = new Thread(null, () -> {
            try {
                com.alibaba.com.caucho.hessian.io.Hessian2Input in = new com.alibaba.com.caucho.hessian.io.Hessian2Input(
                        new java.io.ByteArrayInputStream(body));
                in.readInt();
                read[0] = in.readObject() instanceof List;
            } catch (IOException | RuntimeException e) {
                read[0] = false;
            }
        }, "deep-reader", 512L << 20);
        reader.start();
        try {
            reader.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return read[0];
    }

    @Test
    void deeplyNestedValuesAreAnsweredReadablyOrRefusedNeverWithABrokenBody() throws IOException {
        long id = 300;
        for (int depth : new int[] {100, 1_500, 1_600, 1_800, 2_000, 3_000, 20_000}) {
            try (Socket socket = RawFrames.connect(port)) {
                RawFrames.send(socket, nestedEcho(++id, depth));
                RawFrames.Answer answer;
                try {
                    answer = RawFrames.read(socket);
                } catch (java.io.EOFException e) {
                    continue; // refused by closing the connection
                }
                assertThat(answer.id()).isEqualTo(id);
                if (answer.status() == 20) {
                    assertThat(readsAsAValue(answer.body())).as("an OK answer at depth %d is readable", depth).isTrue();
                } else {
                    assertThat(answer.status()).as("depth %d", depth).isIn(40, 50, 70, 80);
                    assertThat(answer.message()).isNotBlank();
                }
            }
        }
    }

    @Test
    void aWellFormedRawCallIsAnswered() throws IOException {
        try (Socket socket = RawFrames.connect(port)) {
            RawFrames.send(socket, greetCall(1, "raw"));
            RawFrames.Answer answer = RawFrames.read(socket);
            assertThat(answer.status()).isEqualTo(20);
            assertThat(answer.id()).isEqualTo(1);
        }
    }

    @Test
    void wrongMagicClosesTheConnection() throws IOException {
        try (Socket socket = RawFrames.connect(port)) {
            RawFrames.send(socket, "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(RawFrames.closedByPeer(socket)).isTrue();
        }
    }

    @Test
    void aTruncatedHeaderThenEndOfStreamIsDropped() throws IOException {
        try (Socket socket = RawFrames.connect(port)) {
            byte[] header = RawFrames.header(TWO_WAY_HESSIAN, 3, 10);
            RawFrames.send(socket, java.util.Arrays.copyOf(header, 9));
            socket.shutdownOutput();
            assertThat(RawFrames.closedByPeer(socket)).isTrue();
        }
    }

    @Test
    void aNegativeLengthClosesTheConnection() throws IOException {
        try (Socket socket = RawFrames.connect(port)) {
            RawFrames.send(socket, RawFrames.header(TWO_WAY_HESSIAN, 4, Integer.MIN_VALUE)); // 2 GiB as an int
            assertThat(RawFrames.closedByPeer(socket)).isTrue();
        }
    }

    @Test
    void aGenericCallCannotNameAClassThePolicyRefuses() throws IOException {
        String invoke = "Ljava/lang/String;[Ljava/lang/String;[Ljava/lang/Object;";
        long id = 400;
        for (String refused : List.of("io.tern.dubbo.Canary", "com.sun.rowset.JdbcRowSetImpl",
                "javax.script.ScriptEngineManager", "io.tern.transport.NoSuchClass")) {
            Map<String, Object> named = new java.util.LinkedHashMap<>();
            named.put("class", refused);
            named.put("name", "x");
            Map<String, Object> wrapper = new java.util.LinkedHashMap<>();
            wrapper.put("class", io.tern.core.TestServices.Person.class.getName());
            wrapper.put("name", List.of(Map.of("deeper", named)));
            for (Map<String, Object> argument : List.of(named, wrapper)) {
                try (Socket socket = RawFrames.connect(port)) {
                    RawFrames.send(socket, RawFrames.frame(TWO_WAY_HESSIAN, ++id, RawFrames.callBody(PATH, "0.0.0",
                            "$invoke", invoke, Map.of(), "older",
                            new String[] {io.tern.core.TestServices.Person.class.getName()}, new Object[] {argument})));
                    RawFrames.Answer answer = RawFrames.read(socket);
                    assertThat(answer.status()).as(refused).isEqualTo(40);
                    assertThat(answer.message()).as("the same words whether the class exists or not")
                            .startsWith("class: " + refused + " is ");
                }
            }
        }
        assertThat(CanaryRecord.initialized).isFalse();
        assertThat(CanaryRecord.constructed).isFalse();
    }

    @Test
    void aLengthOfTwoGibibytesIsAnsweredWithoutAllocating() throws IOException {
        try (Socket socket = RawFrames.connect(port)) {
            RawFrames.send(socket, RawFrames.header(TWO_WAY_HESSIAN, 5, Integer.MAX_VALUE));
            RawFrames.Answer answer = RawFrames.read(socket);
            assertThat(answer.status()).isEqualTo(40);
            assertThat(answer.id()).isEqualTo(5);
            assertThat(answer.message()).isEqualTo("payload: " + Integer.MAX_VALUE + " bytes (expected: <= " + LIMIT + ")");
        }
    }

    @Test
    void aLengthJustOverTheLimitIsAnsweredAndTheBodyDiscarded() throws IOException {
        try (Socket socket = RawFrames.connect(port)) {
            RawFrames.send(socket, RawFrames.header(TWO_WAY_HESSIAN, 6, LIMIT + 1), new byte[LIMIT + 1]);
            RawFrames.Answer answer = RawFrames.read(socket);
            assertThat(answer.status()).isEqualTo(40);
            assertThat(answer.message()).isEqualTo("payload: " + (LIMIT + 1) + " bytes (expected: <= " + LIMIT + ")");

            RawFrames.send(socket, greetCall(7, "after the discarded body"));
            RawFrames.Answer next = RawFrames.read(socket);
            assertThat(next.status()).isEqualTo(20);
            assertThat(next.id()).isEqualTo(7);
        }
    }

    @Test
    void aTruncatedBodyNeverReachesTheService() throws IOException {
        try (Socket socket = RawFrames.connect(port)) {
            byte[] call = greetCall(8, "truncated");
            RawFrames.send(socket, java.util.Arrays.copyOf(call, call.length - 5));
            // The server waits for the rest; other clients are served meanwhile (checked after each test).
            assertThat(wellBehaved.greet("meanwhile")).isEqualTo("Hello, meanwhile");
            socket.shutdownOutput();
            assertThat(RawFrames.closedByPeer(socket)).isTrue();
        }
    }

    @Test
    void anUnknownSerializationIdIsRefused() throws IOException {
        try (Socket socket = RawFrames.connect(port)) {
            byte javaSerialization = (byte) 0xc3;
            RawFrames.send(socket, RawFrames.frame(javaSerialization, 9,
                    RawFrames.callBody(PATH, "0.0.0", "greet", GREET, Map.of(), "x")));
            RawFrames.Answer answer = RawFrames.read(socket);
            assertThat(answer.status()).isEqualTo(40);
            assertThat(answer.message()).isEqualTo("serialization id: 3 (expected: 2, hessian2)");
        }
    }

    @Test
    void unknownServiceMethodAndDescriptorAreAnswered() throws IOException {
        try (Socket socket = RawFrames.connect(port)) {
            RawFrames.send(socket, RawFrames.frame(TWO_WAY_HESSIAN, 10,
                    RawFrames.callBody("com.example.Missing", "0.0.0", "greet", GREET, Map.of(), "x")));
            RawFrames.Answer unknownService = RawFrames.read(socket);
            assertThat(unknownService.status()).isEqualTo(60);
            assertThat(unknownService.message()).isEqualTo("service: com.example.Missing is not exported here"
                    + " (expected: an exported service)");

            RawFrames.send(socket, RawFrames.frame(TWO_WAY_HESSIAN, 11,
                    RawFrames.callBody(PATH, "0.0.0", "shout", GREET, Map.of(), "x")));
            RawFrames.Answer unknownMethod = RawFrames.read(socket);
            assertThat(unknownMethod.status()).isEqualTo(40);
            assertThat(unknownMethod.message()).startsWith("method: shout(Ljava/lang/String;) of " + PATH);

            RawFrames.send(socket, RawFrames.frame(TWO_WAY_HESSIAN, 12,
                    RawFrames.callBody(PATH, "0.0.0", "greet", "Lcom/sun/rowset/JdbcRowSetImpl;", Map.of(), "x")));
            RawFrames.Answer wrongDescriptor = RawFrames.read(socket);
            assertThat(wrongDescriptor.status()).isEqualTo(40);
            assertThat(wrongDescriptor.message()).startsWith("method: greet(Lcom/sun/rowset/JdbcRowSetImpl;) of ");
        }
    }

    @Test
    void gadgetClassesInArgumentsAreRefusedBeforeLoading() throws IOException {
        try (Socket socket = RawFrames.connect(port)) {
            for (String gadget : new String[] {"com.sun.rowset.JdbcRowSetImpl",
                    "org.apache.commons.collections.functors.InvokerTransformer", "java.lang.ProcessBuilder",
                    "org.springframework.beans.factory.ObjectFactory"}) {
                RawFrames.send(socket, RawFrames.frame(TWO_WAY_HESSIAN, 13,
                        RawFrames.callBodyWithObjectOf(PATH, "0.0.0", "greet", GREET, gadget)));
                RawFrames.Answer answer = RawFrames.read(socket);
                assertThat(answer.status()).isEqualTo(40);
                assertThat(answer.message()).isEqualTo("class: " + gadget + " is block-listed (expected: a class"
                        + " outside the known deserialization gadget families)");
            }
        }
    }

    @Test
    void aClassOutsideThePolicyIsNeverInitializedNorConstructed() throws IOException {
        try (Socket socket = RawFrames.connect(port)) {
            RawFrames.send(socket, RawFrames.frame(TWO_WAY_HESSIAN, 14,
                    RawFrames.callBodyWithObjectOf(PATH, "0.0.0", "greet", GREET, Canary.class.getName())));
            RawFrames.Answer answer = RawFrames.read(socket);
            assertThat(answer.status()).isEqualTo(40);
            assertThat(answer.message()).startsWith("class: " + Canary.class.getName() + " is not allowed");
        }
        assertThat(CanaryRecord.initialized).as("static initializer ran").isFalse();
        assertThat(CanaryRecord.constructed).as("constructor ran").isFalse();
    }

    @Test
    void tenThousandFuzzedFramesFromAFixedSeed() throws IOException {
        Random random = new Random(20261127L);
        byte[] valid = greetCall(1, "fuzz");
        int sent = 0;
        while (sent < 10_000) {
            try (Socket socket = RawFrames.connect(port)) {
                socket.setSoTimeout(2_000);
                Thread drainer = drain(socket);
                OutputStream out = socket.getOutputStream();
                try {
                    for (int i = 0; i < 100; i++, sent++) {
                        out.write(fuzz(valid, random));
                    }
                    out.flush();
                } catch (IOException closedByServer) {
                    // The server closed the connection on a frame it could not read: allowed.
                    sent++;
                }
                socket.shutdownOutput();
                join(drainer);
            }
        }
        assertThat(sent).isGreaterThanOrEqualTo(10_000);
    }

    /** A mutation of a valid frame: flipped bytes, a changed length, a truncated or extended body. */
    private static byte[] fuzz(byte[] valid, Random random) {
        byte[] frame = valid.clone();
        switch (random.nextInt(5)) {
            case 0 -> {
                for (int i = 0; i < 1 + random.nextInt(8); i++) {
                    int at = 16 + random.nextInt(frame.length - 16);
                    frame[at] = (byte) random.nextInt(256);
                }
            }
            case 1 -> frame[2] = (byte) random.nextInt(256); // flags: event, one-way, serialization id
            case 2 -> {
                int body = random.nextInt(frame.length - 16);
                byte[] cut = java.util.Arrays.copyOf(frame, 16 + body);
                java.nio.ByteBuffer.wrap(cut).putInt(12, body);
                frame = cut;
            }
            case 3 -> {
                byte[] longer = java.util.Arrays.copyOf(frame, frame.length + random.nextInt(64));
                random.nextBytes(java.util.Arrays.copyOfRange(longer, frame.length, longer.length));
                java.nio.ByteBuffer.wrap(longer).putInt(12, longer.length - 16);
                frame = longer;
            }
            default -> {
                int at = 16 + random.nextInt(frame.length - 16);
                frame[at] = (byte) (frame[at] ^ (1 << random.nextInt(8)));
            }
        }
        return frame;
    }

    private static Thread drain(Socket socket) {
        Thread t = new Thread(() -> RawFramesDrain.drain(socket), "fuzz-drain");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void join(Thread t) {
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
