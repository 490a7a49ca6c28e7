package io.tern.dubbo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tern.Exporter;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.dubbo.EchoServices.Greeter;
import io.tern.dubbo.EchoServices.GreeterImpl;
import io.tern.testing.HessianBytes;
import io.tern.testing.ResourceFigures;
import io.tern.testing.TernCleanup;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The attacks a red team made on {@code tern serve} from raw sockets, one test each, against a
 * server with the default payload limit: each is refused (an error status naming what was
 * wrong), a well-behaved client is answered within its one-second timeout right after, and the
 * JVM's threads, descriptors, heap and direct memory are back near where they were.
 */
class HostileRowsTest {

    @RegisterExtension
    static final TernCleanup cleanup = new TernCleanup();

    private static final String PATH = Greeter.class.getName();
    private static final int BAD_REQUEST = 40;
    private static DubboProtocol provider;
    private static DubboProtocol consumer;
    private static int port;
    private static Greeter wellBehaved;
    private ResourceFigures before;
    private String name;
    private long ids = 1;

    @BeforeAll
    static void start() {
        provider = cleanup.register(DubboProtocol.create());
        Exporter<Greeter> exporter = provider.export(Invokers.of(Greeter.class, new GreeterImpl(),
                ServiceUrl.parse("dubbo://127.0.0.1:0/" + PATH)));
        port = exporter.url().port();
        consumer = cleanup.register(DubboProtocol.create());
        wellBehaved = Proxies.create(consumer.refer(Greeter.class, exporter.url()));
        wellBehaved.greet("warm");
    }

    @BeforeEach
    void figuresBefore(TestInfo test) {
        name = test.getDisplayName();
        before = ResourceFigures.now();
    }

    @AfterEach
    void servedAndBoundedAfter() {
        assertThat(wellBehaved.greet("still here")).isEqualTo("Hello, still here"); // timeout: 1 s
        before.assertLittleGrowthSettled(name);
    }

    /** An {@code $echo} call whose argument is {@code argument}, raw Hessian. */
    private byte[] echo(Consumer<HessianBytes> argument) {
        HessianBytes body = new HessianBytes().string("2.0.2").string(PATH).string("0.0.0").string("$echo")
                .string("Ljava/lang/Object;");
        argument.accept(body);
        body.tag('H', 'Z');
        return RawFrames.frame((byte) 0xc2, ids++, body.bytes());
    }

    /** Sends frames on one connection and asserts each is answered 40 with a message containing {@code message}. */
    private static void assertRefused(String message, byte[]... frames) throws IOException {
        try (Socket socket = RawFrames.connect(port)) {
            RawFrames.send(socket, frames);
            for (byte[] ignored : frames) {
                RawFrames.Answer answer = RawFrames.read(socket);
                assertThat(answer.status()).isEqualTo(BAD_REQUEST);
                assertThat(answer.message()).contains(message);
            }
        }
    }

    private static void classValue(HessianBytes b, String className) {
        b.definition("java.lang.Class", "name").tag(0x61).string(className);
    }

    @Test
    void row1_aCalendarHandleCannotNameAClass() throws IOException {
        int threads = Thread.activeCount();
        byte[][] frames = new byte[300][];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = echo(b -> {
                b.definition("com.alibaba.com.caucho.hessian.io.CalendarHandle", "type", "date").tag(0x60);
                classValue(b, "java.util.Timer");
                b.tag('N');
            });
        }
        assertRefused("class: java.util.Timer is block-listed", frames);
        HessianBytes asVersion = new HessianBytes()
                .definition("com.alibaba.com.caucho.hessian.io.CalendarHandle", "type", "date").tag(0x60);
        classValue(asVersion, "java.util.Timer");
        assertRefused("unexpected tag 0x43 (expected: a string)", RawFrames.frame((byte) 0xc2, 1, asVersion.bytes()));
        assertThat(Thread.activeCount()).as("no Timer thread started").isLessThanOrEqualTo(threads + 2);
    }

    @Test
    void row2_anEnumSetCannotNameAClass() throws IOException {
        assertRefused("class: java.net.DatagramSocket is block-listed", echo(b -> {
            b.definition("com.alibaba.com.caucho.hessian.io.EnumSetHandler", "type", "objects").tag(0x60);
            classValue(b, "java.net.DatagramSocket");
            b.tag(0x78);
        }));
        assertRefused("class: io.tern.transport.Unlisted is not allowed", echo(b -> {
            b.definition("com.alibaba.com.caucho.hessian.io.EnumSetHandler", "type", "objects").tag(0x60);
            classValue(b, "io.tern.transport.Unlisted");
            b.tag(0x78);
        }));
    }

    @Test
    void row4_aListBuiltFromBackReferencesCannotBeAMapKey() throws IOException {
        byte[][] frames = new byte[4][];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = echo(b -> {
                b.tag('H');
                b.doublingList(40, 1);
                b.tag('T', 'Z');
            });
        }
        assertRefused("a list as a map key or set element", frames);
    }

    @Test
    void row6_thirtyTwoThousandListKeysAreRefusedAtTheFirst() throws IOException {
        assertRefused("a list as a map key or set element", echo(b -> {
            b.tag('H');
            for (int i = 0; i < 32_000; i++) {
                b.tag(0x79, 0x90, 'T'); // [0] -> true
            }
            b.tag('Z');
        }));
    }

    @Test
    void row7_aBigDecimalOfAMillionDigitsIsRefusedUnparsed() throws IOException {
        assertRefused("java.math.BigDecimal of 1000000 characters", echo(b -> b
                .definition("java.math.BigDecimal", "value").tag(0x60).string("7".repeat(1_000_000))));
    }

    @Test
    void row8_declaredLengthsCannotReserveMemory() throws IOException {
        assertRefused("a class definition of 1000000000 fields", echo(b -> b
                .tag('C').string("io.tern.transport.Wide").integer(1_000_000_000)));
        assertRefused("a length of 100000000 list elements", echo(b -> b.tag('V').string("[long").integer(100_000_000)));
        assertRefused("a name of more than 1024 characters", echo(b -> b
                .tag('V').string("[".repeat(2_000_000)).integer(1)));
    }

    @Test
    void row9_namesOfNoClassUnderAnAllowedPackageAreNotRemembered() throws IOException {
        byte[][] frames = new byte[5_000][];
        for (int i = 0; i < frames.length; i++) {
            String type = "java.time.x" + i;
            frames[i] = echo(b -> b.definition(type, "v").tag(0x60).tag('N'));
        }
        assertRefused("is not allowed", frames);
    }

    @Test
    void row14_eightMillionEmptyListsAreCappedAndNotKept() throws IOException {
        assertRefused("more than 1048576 lists, maps and objects in one message", echo(b -> {
            b.tag('W');
            for (int i = 0; i < 7_600_000; i++) {
                b.tag(0x78);
            }
            b.tag('Z');
        }));
    }

    @Test
    void row17_deepNestingIsRefusedBeforeItReachesTheService() throws IOException {
        assertRefused("nested deeper than 256 levels", echo(b -> {
            for (int i = 0; i < 2_000; i++) {
                b.tag(0x79);
            }
            b.tag(0x78);
        }));
    }

    @Test
    void row5_aHashBombInAProvidersAnswerFailsOnlyThatCall() throws Exception {
        try (ServerSocket hostile = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread answering = new Thread(() -> answerWithBombs(hostile), "hostile-provider");
            answering.setDaemon(true);
            answering.start();
            DubboProtocol victim = DubboProtocol.create();
            try {
                Greeter bombed = Proxies.create(victim.refer(Greeter.class,
                        ServiceUrl.parse("dubbo://127.0.0.1:" + hostile.getLocalPort() + "/" + PATH)));
                for (int i = 0; i < 4; i++) {
                    assertThatThrownBy(() -> bombed.people(1)).isInstanceOfSatisfying(RpcException.class, e -> {
                        assertThat(e.status()).isEqualTo(RpcStatus.FORBIDDEN);
                        assertThat(e.getMessage()).contains("a list as a map key or set element");
                    });
                }
                Greeter healthy = Proxies.create(victim.refer(Greeter.class,
                        ServiceUrl.parse("dubbo://127.0.0.1:" + port + "/" + PATH)));
                assertThat(healthy.greet("healthy")).isEqualTo("Hello, healthy");
            } finally {
                victim.closeAsync().get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
    }

    /** Answers every call with a list holding a map keyed by a list of doubling back-references. */
    private static void answerWithBombs(ServerSocket hostile) {
        try (Socket s = hostile.accept()) {
            while (true) {
                RawFrames.Answer call = RawFrames.read(s);
                if ((call.flags() & 0x20) != 0) {
                    continue; // a heartbeat
                }
                // RESPONSE_VALUE, then a list of one map
                HessianBytes body = new HessianBytes().tag(0x91).tag(0x79).tag('H').doublingList(40, 2).tag('T', 'Z');
                s.getOutputStream().write(RawFrames.answer(call.id(), body.bytes()));
                s.getOutputStream().flush();
            }
        } catch (IOException closed) {
            // the consumer went
        }
    }
}
