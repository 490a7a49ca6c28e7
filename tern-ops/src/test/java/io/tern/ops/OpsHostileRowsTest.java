package io.tern.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.tern.core.lifecycle.LifecycleReport;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.testing.ResourceFigures;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a red team sent the operations port, from raw sockets: a browser page's requests (a
 * foreign {@code Host}, a foreign {@code Origin}, a cross-site form, a plain {@code GET}) change
 * nothing, and a flood of silent or slow connections neither holds the port's descriptors nor
 * outlives the request deadline. After each, a well-behaved command is answered.
 */
@Timeout(120)
class OpsHostileRowsTest {

    /** One service that can be taken offline. */
    static final class Target implements OpsTarget {
        final AtomicBoolean online = new AtomicBoolean(true);

        @Override
        public List<Service> services() {
            return List.of(new Service("com.example.Echo", "dubbo", "127.0.0.1:20880", online.get()));
        }

        @Override
        public List<ReferenceState> references() {
            return List.of();
        }

        @Override
        public int online(String pattern) {
            online.set(true);
            return 1;
        }

        @Override
        public int offline(String pattern) {
            online.set(false);
            return 1;
        }

        @Override
        public boolean ready() {
            return online.get();
        }

        @Override
        public boolean started() {
            return true;
        }

        @Override
        public @Nullable String prometheus() {
            return null;
        }

        @Override
        public LifecycleReport lifecycle() {
            return LifecycleTracker.global().report();
        }
    }

    private static final Target TARGET = new Target();
    private static OpsServer ops;
    private ResourceFigures before;

    @BeforeAll
    static void start() {
        ops = OpsServer.start(TARGET, 0);
    }

    @AfterAll
    static void stop() {
        ops.close();
    }

    @BeforeEach
    void figuresBefore() {
        TARGET.online.set(true);
        before = ResourceFigures.now();
    }

    @AfterEach
    void aWellBehavedCommandIsAnsweredAfter() throws IOException {
        assertThat(send("GET /live HTTP/1.1\r\nHost: 127.0.0.1:" + ops.port() + "\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 200 OK").contains("x-content-type-options: nosniff").endsWith("true\n");
        before.assertLittleGrowthSettled("ops");
    }

    /** Sends a request on a connection of its own and returns the whole answer. */
    private static String send(String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", ops.port()), 10_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1)
                    .toLowerCase(java.util.Locale.ROOT).replace("http/1.1", "HTTP/1.1").replace(" ok", " OK");
        }
    }

    private static String offline(String headers) throws IOException {
        return send("POST /offline?service=* HTTP/1.1\r\n" + headers + "Content-Length: 0\r\nConnection: close\r\n\r\n");
    }

    private static String host() {
        return "Host: 127.0.0.1:" + ops.port() + "\r\n";
    }

    @Test
    void row8_aGetCannotChangeState() throws IOException {
        String answer = send("GET /offline?service=* HTTP/1.1\r\n" + host() + "Connection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 405").contains("method: get /offline (expected: post)")
                .contains("x-content-type-options: nosniff");
        assertThat(TARGET.online).isTrue();
    }

    @Test
    void row8_aForeignHostIsRefusedForChangesAndReads() throws IOException {
        for (String foreign : List.of("evil.example", "evil.example:" + 1, "10.0.0.1", "127.0.0.1.evil.example")) {
            assertThat(offline("Host: " + foreign + "\r\n")).as(foreign).startsWith("HTTP/1.1 421")
                    .contains("host: '" + foreign + "' (expected: localhost or a loopback address)");
            assertThat(send("GET /ls HTTP/1.1\r\nHost: " + foreign + "\r\nConnection: close\r\n\r\n"))
                    .as(foreign).startsWith("HTTP/1.1 421");
        }
        assertThat(TARGET.online).isTrue();
    }

    @Test
    void row8_aForeignOriginOrACrossSiteFormCannotChangeState() throws IOException {
        assertThat(offline(host() + "Origin: http://evil.example\r\n")).startsWith("HTTP/1.1 403")
                .contains("origin: 'http://evil.example' (expected: none, or this endpoint's own page)");
        assertThat(offline(host() + "Origin: null\r\n")).startsWith("HTTP/1.1 403");
        assertThat(offline(host() + "Origin: http://127.0.0.1:1\r\n")).startsWith("HTTP/1.1 403");
        assertThat(offline(host() + "Sec-Fetch-Site: cross-site\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\n")).startsWith("HTTP/1.1 403");
        assertThat(TARGET.online).isTrue();
    }

    @Test
    void row8_theEndpointsOwnPageAndCommandLineToolsStillChangeState() throws IOException {
        assertThat(offline(host() + "Origin: http://127.0.0.1:" + ops.port() + "\r\nSec-Fetch-Site: same-origin\r\n"))
                .startsWith("HTTP/1.1 200").contains("ok: 1 service offline");
        assertThat(TARGET.online).isFalse();
        assertThat(send("POST /online HTTP/1.1\r\nHost: localhost:" + ops.port()
                + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200");
        assertThat(TARGET.online).isTrue();
    }

    @Test
    void row7_aFloodOfConnectionsHoldsNoMoreThanTheLimitOfTheProcesssDescriptors() throws IOException {
        int flood = 1_000;
        List<Socket> sockets = new ArrayList<>();
        long fdsBefore = ResourceFigures.now().fds();
        try {
            for (int i = 0; i < flood; i++) {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress("127.0.0.1", ops.port()), 10_000); // the backlog takes it
                sockets.add(socket);
            }
            long held = ResourceFigures.now().fds() - fdsBefore - flood; // the flood's own sockets are this JVM's too
            assertThat(held).as("descriptors the ops port holds for %d connections", flood)
                    .isLessThanOrEqualTo(OpsServer.MAX_CONNECTIONS + 16);
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void row7_silentAndSlowConnectionsAreClosedAtTheRequestDeadline() throws Exception {
        try (Socket silent = new Socket(); Socket slow = new Socket()) {
            silent.connect(new InetSocketAddress("127.0.0.1", ops.port()), 10_000);
            slow.connect(new InetSocketAddress("127.0.0.1", ops.port()), 10_000);
            silent.setSoTimeout(30_000);
            long start = System.nanoTime();
            OutputStream out = slow.getOutputStream();
            byte[] header = "GET /ls HTTP/1.1\r\nX-Slow: ".getBytes(StandardCharsets.ISO_8859_1);
            boolean slowClosed = false;
            for (int i = 0; i < 60 && !slowClosed; i++) {
                try {
                    out.write(header[Math.min(i, header.length - 1)]);
                    out.flush();
                } catch (IOException e) {
                    slowClosed = true;
                }
                Thread.sleep(500);
            }
            assertThat(slowClosed).as("a header sent a byte every half second is cut off").isTrue();
            InputStream in = silent.getInputStream();
            try {
                assertThat(in.read()).as("the silent connection is closed").isEqualTo(-1);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the silent connection is still open after 30 s", e);
            }
            assertThat((System.nanoTime() - start) / 1e9).as("seconds").isLessThan(40);
        }
    }
}
