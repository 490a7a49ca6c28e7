package io.tern.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.tern.testing.TernCleanup;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A port told each connection's protocol from its first bytes, on real sockets: with two
 * made-up protocols, {@code A} (a connection opening with the letter A) and {@code BEGIN} (one
 * opening with that word, which needs five bytes to tell), each answering every read with its
 * name and what it read.
 */
class ServerPortTest {

    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    private static final ConnectionLimits LIMITS = ConnectionLimits.DEFAULT.withFrameTimeout(Duration.ofMillis(300));

    @Test
    void eachConnectionGoesToTheProtocolItsFirstBytesSpeakWithTheBytesReadToTellIt() throws IOException {
        ServerPort port = bind(LIMITS, protocol("A", "A", Duration.ofSeconds(5)),
                protocol("BEGIN", "BEGIN", Duration.ofSeconds(5)));

        assertThat(exchange(port, "A call")).isEqualTo("A:A call");
        assertThat(exchange(port, "BEGIN call")).isEqualTo("BEGIN:BEGIN call");
    }

    @Test
    void aProtocolStillUndecidedComesBeforeALaterOneThatWouldTakeTheBytes() throws Exception {
        // "BE" may still be BEGIN, though the catch-all after it would take it
        ServerPort port = bind(LIMITS, protocol("BEGIN", "BEGIN", Duration.ofSeconds(5)),
                protocol("any", "", Duration.ofSeconds(5)));

        try (Socket socket = connect(port)) {
            socket.getOutputStream().write("BE".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            Thread.sleep(100);
            socket.getOutputStream().write("GIN!".getBytes(StandardCharsets.US_ASCII));
            assertThat(read(socket)).isEqualTo("BEGIN:BEGIN!");
        }
        assertThat(exchange(port, "BEAST")).isEqualTo("any:BEAST");
    }

    @Test
    void bytesNoProtocolSpeaksCloseTheConnection() throws IOException {
        ServerPort port = bind(LIMITS, protocol("A", "A", Duration.ofSeconds(5)),
                protocol("BEGIN", "BEGIN", Duration.ofSeconds(5)));

        try (Socket socket = connect(port)) {
            socket.getOutputStream().write("BEGUN".getBytes(StandardCharsets.US_ASCII));
            assertThat(socket.getInputStream().read()).as("end of stream").isEqualTo(-1);
        }
        assertThat(exchange(port, "A still served")).isEqualTo("A:A still served");
    }

    @Test
    void aSilentConnectionIsKeptAsLongAsTheMostPatientProtocolAllowsThenClosed() throws IOException {
        ServerPort port = bind(LIMITS, protocol("A", "A", Duration.ofMillis(100)),
                protocol("BEGIN", "BEGIN", Duration.ofMillis(1_500)));

        try (Socket socket = connect(port)) {
            socket.setSoTimeout(700);
            assertThat(readOrTimeOut(socket.getInputStream())).as("still open past A's silence").isEqualTo("timeout");
            socket.setSoTimeout(10_000);
            assertThat(socket.getInputStream().read()).as("end of stream after BEGIN's silence").isEqualTo(-1);
        }
    }

    @Test
    void aConnectionThatSendsTooLittleToTellIsClosedAtTheFrameTimeoutThoughItsSilenceIsLonger()
            throws IOException {
        ServerPort port = bind(LIMITS, protocol("BEGIN", "BEGIN", Duration.ofSeconds(60)));

        try (Socket socket = connect(port)) {
            socket.getOutputStream().write("BEG".getBytes(StandardCharsets.US_ASCII));
            socket.setSoTimeout(10_000);
            assertThat(socket.getInputStream().read()).as("end of stream").isEqualTo(-1);
        }
    }

    @Test
    void aConnectionThatHasSpokenNoLongerGivesWayToANewcomer() throws Exception {
        ConnectionLimits one = LIMITS.withConnections(1, 1);
        ServerPort port = bind(one, protocol("A", "A", Duration.ofSeconds(30)));

        try (Socket silent = connect(port)) {
            Thread.sleep(Admission.SILENT_GRACE / 1_000_000 + 200);
            // the silent one gives way: the newcomer is served, the silent one closed
            assertThat(exchange(port, "A newcomer")).isEqualTo("A:A newcomer");
            silent.setSoTimeout(10_000);
            assertThat(silent.getInputStream().read()).isEqualTo(-1);
        }
        // the closed connections give back their places before the next one comes
        await().atMost(Duration.ofSeconds(10)).until(() -> port.admittedConnections() == 0);
        try (Socket spoken = connect(port)) {
            spoken.getOutputStream().write("A first".getBytes(StandardCharsets.US_ASCII));
            assertThat(read(spoken)).isEqualTo("A:A first");
            Thread.sleep(Admission.SILENT_GRACE / 1_000_000 + 200);
            try (Socket refused = connect(port)) {
                refused.setSoTimeout(10_000);
                assertThat(refused.getInputStream().read()).as("refused: the limit is held").isEqualTo(-1);
            }
            spoken.getOutputStream().write("A again".getBytes(StandardCharsets.US_ASCII));
            assertThat(read(spoken)).isEqualTo("A:A again");
        }
    }

    private ServerPort bind(ConnectionLimits limits, PortProtocol... protocols) {
        EventLoops loops = cleanup.register(EventLoops.create("port-test", 1));
        ServerPort port = ServerPort.bind("test", loops, "127.0.0.1", 0, limits, limits.inboundBudget(), null,
                List.of(protocols));
        cleanup.register(() -> port.close().get(10, TimeUnit.SECONDS));
        return port;
    }

    /** A protocol whose connections open with {@code opening} ("" takes every connection). */
    private static PortProtocol protocol(String name, String opening, Duration silence) {
        byte[] expected = opening.getBytes(StandardCharsets.US_ASCII);
        return new PortProtocol(name, limits -> silence, first -> {
            int compared = Math.min(first.readableBytes(), expected.length);
            for (int i = 0; i < compared; i++) {
                if (first.getByte(first.readerIndex() + i) != expected[i]) {
                    return PortProtocol.Match.NO;
                }
            }
            return compared == expected.length ? PortProtocol.Match.YES : PortProtocol.Match.MORE;
        }, connection -> connection.pipeline().addLast(new Answer(name)));
    }

    /** Answers each read with the protocol's name and the bytes read. */
    private static final class Answer extends ChannelInboundHandlerAdapter {
        private final String name;

        Answer(String name) {
            this.name = name;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            String read = in.toString(StandardCharsets.US_ASCII);
            in.release();
            Channel channel = ctx.channel();
            channel.writeAndFlush(Unpooled.copiedBuffer(name + ":" + read + "\n", StandardCharsets.US_ASCII));
        }
    }

    private static Socket connect(ServerPort port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port.address().port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String exchange(ServerPort port, String sent) throws IOException {
        try (Socket socket = connect(port)) {
            socket.getOutputStream().write(sent.getBytes(StandardCharsets.US_ASCII));
            return read(socket);
        }
    }

    /** One answer line. */
    private static String read(Socket socket) throws IOException {
        StringBuilder line = new StringBuilder();
        InputStream in = socket.getInputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                return line + "<end of stream>";
            }
            line.append((char) b);
        }
        return line.toString();
    }

    private static String readOrTimeOut(InputStream in) throws IOException {
        try {
            return "read " + in.read();
        } catch (SocketTimeoutException e) {
            return "timeout";
        }
    }
}
