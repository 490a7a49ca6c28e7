package io.tern.dubbo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.PooledByteBufAllocator;
import io.tern.Exporter;
import io.tern.Invoker;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.dubbo.EchoServices.Greeter;
import io.tern.dubbo.EchoServices.GreeterImpl;
import io.tern.testing.TestCertificates.Issued;
import io.tern.testing.TestCertificates;
import io.tern.transport.tls.ClientTls;
import io.tern.transport.tls.ServerTls;
import io.tern.transport.tls.TlsContext;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS under pressure: certificates rotated while eight threads call, a flood of handshakes, and
 * clients that stall before or in the middle of theirs.
 */
@Timeout(180)
class TlsStressTest {

    @TempDir
    static Path directory;
    static TestCertificates certificates;

    @BeforeAll
    static void makeCertificates() {
        certificates = TestCertificates.create(directory.resolve("certs"));
    }

    @Test
    void rotationUnderLoadFailsNoCallAndNewHandshakesShowTheNewCertificate() throws Exception {
        Path dir = Files.createDirectories(directory.resolve("rotation"));
        Issued first = certificates.server("first");
        Issued live = new Issued(dir.resolve("tls.crt"), dir.resolve("tls.key"), first.certificate());
        Files.copy(first.cert(), live.cert());
        Files.copy(first.key(), live.key());
        ClientTls clientTls = ClientTls.trusting(certificates.caCert());

        try (DubboProtocol provider = DubboProtocol.builder()
                .serverTls(ServerTls.of(live.cert(), live.key()).withReloadInterval(Duration.ofMillis(100))).build();
                DubboProtocol consumer = DubboProtocol.builder().clientTls(clientTls).build()) {
            Exporter<Greeter> exporter = provider.export(Invokers.of(Greeter.class, new GreeterImpl(),
                    ServiceUrl.parse("dubbo://127.0.0.1:0/" + Greeter.class.getName() + "?timeout=10000")));
            ServiceUrl url = exporter.url();
            Greeter shared = Proxies.create(consumer.refer(Greeter.class, url));
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong calls = new AtomicLong();
            AtomicInteger reconnects = new AtomicInteger();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            ExecutorService callers = Executors.newFixedThreadPool(8);
            List<Future<?>> running8 = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                boolean reconnecting = i < 2; // two callers make a new connection, and handshake, every 50 calls
                running8.add(callers.submit(() -> {
                    while (running.get()) {
                        try {
                            if (reconnecting && calls.get() % 50 < 8) {
                                try (DubboProtocol fresh = DubboProtocol.builder().clientTls(clientTls).build()) {
                                    Invoker<Greeter> invoker = fresh.refer(Greeter.class, url);
                                    assertThat(Proxies.create(invoker).greet("new")).isEqualTo("Hello, new");
                                    reconnects.incrementAndGet();
                                }
                            } else {
                                assertThat(shared.greet("load")).isEqualTo("Hello, load");
                            }
                            calls.incrementAndGet();
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }
                }));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> calls.get() > 2_000 && reconnects.get() > 5);

            TestCertificates.rotate(certificates.server("second"), live);
            TlsContext tls = provider.serverTlsContext().orElseThrow();
            await().atMost(Duration.ofSeconds(10)).until(() -> tls.reloads() == 1);
            int afterRotation = reconnects.get();
            long callsAtRotation = calls.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> reconnects.get() > afterRotation + 5
                    && calls.get() > callsAtRotation + 2_000);
            running.set(false);
            for (Future<?> caller : running8) {
                caller.get(30, TimeUnit.SECONDS);
            }
            callers.shutdown();

            assertThat(failures).as("failed calls").isEmpty();
            assertThat(TlsTest.presented(url.port(), certificates.caCert()).getSubjectX500Principal().getName())
                    .isEqualTo("CN=second");
            assertThat(tls.reloadFailures()).isZero();
            assertThat(tls.handshakeFailures()).isZero();
        }
    }

    @Test
    void aHandshakeFloodAndStalledClientsLeaveTheServerServingWithBoundedThreadsAndMemory() throws Exception {
        Issued server = certificates.server("flooded");
        Duration timeout = Duration.ofMillis(800);
        try (DubboProtocol provider = DubboProtocol.builder()
                .serverTls(ServerTls.of(server.cert(), server.key()).withHandshakeTimeout(timeout)).build();
                DubboProtocol consumer = DubboProtocol.builder().clientTls(ClientTls.trusting(certificates.caCert()))
                        .build()) {
            ServiceUrl url = provider.export(Invokers.of(Greeter.class, new GreeterImpl(),
                    ServiceUrl.parse("dubbo://127.0.0.1:0/" + Greeter.class.getName() + "?timeout=10000"))).url();
            Greeter greeter = Proxies.create(consumer.refer(Greeter.class, url));
            assertThat(greeter.greet("warm")).isEqualTo("Hello, warm");
            TlsContext tls = provider.serverTlsContext().orElseThrow();
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();

            // clients that stall: silent ones, and ones that stop half-way through their ClientHello
            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < 100; i++) {
                    Socket socket = new Socket("127.0.0.1", url.port());
                    socket.setSoTimeout(10_000);
                    if (i % 2 == 1) {
                        OutputStream out = socket.getOutputStream();
                        out.write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03});
                        out.flush();
                    }
                    stalled.add(socket);
                }
                // a flood of complete handshakes from four threads while they hang on
                int flood = 200;
                long handshakesBefore = tls.handshakes();
                ExecutorService flooders = Executors.newFixedThreadPool(4);
                CountDownLatch done = new CountDownLatch(flood);
                ConcurrentLinkedQueue<Throwable> floodFailures = new ConcurrentLinkedQueue<>();
                for (int i = 0; i < flood; i++) {
                    flooders.execute(() -> {
                        try {
                            TlsTest.presented(url.port(), certificates.caCert());
                        } catch (Throwable e) {
                            floodFailures.add(e);
                        } finally {
                            done.countDown();
                        }
                    });
                }
                assertThat(greeter.greet("during")).as("served during the flood").isEqualTo("Hello, during");
                assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
                flooders.shutdown();
                assertThat(floodFailures).isEmpty();
                await().atMost(Duration.ofSeconds(5)).until(() -> tls.handshakes() >= handshakesBefore + flood);

                long used = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory()
                        + PooledByteBufAllocator.DEFAULT.metric().usedHeapMemory();
                assertThat(used).as("pooled memory with 100 stalled clients after 200 handshakes")
                        .isLessThan(64L << 20);
                assertThat(ManagementFactory.getThreadMXBean().getThreadCount() - threadsBefore)
                        .as("threads the flood and the stalled clients added (event loops start lazily)")
                        .isLessThanOrEqualTo(2 * Runtime.getRuntime().availableProcessors() + 4);

                // each stalled client is closed once the handshake timeout passes
                long start = System.nanoTime();
                for (Socket socket : stalled) {
                    InputStream in = socket.getInputStream();
                    int read;
                    try {
                        read = in.read();
                    } catch (SocketTimeoutException e) {
                        read = -2;
                    } catch (java.io.IOException e) {
                        read = -1; // reset: closed too
                    }
                    if (read == 0x15) { // an alert before the close
                        read = -1;
                    }
                    assertThat(read).as("stalled client closed by the server").isEqualTo(-1);
                }
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            } finally {
                for (Socket socket : stalled) {
                    socket.close();
                }
            }
            assertThat(greeter.greet("after")).isEqualTo("Hello, after");
            await().atMost(Duration.ofSeconds(5)).until(() -> provider.stats().acceptedConnections() <= 1);
        }
    }
}
