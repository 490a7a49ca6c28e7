package io.tern.triple;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.ClassPolicy;
import io.tern.Exporter;
import io.tern.Invoker;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.testing.TernCleanup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Triple consumer keeps its provider when the connection goes: a provider closes a connection
 * idle past its {@code idle.timeout} with a GOAWAY, and the next call makes a new one; a provider
 * that goes away and comes back on its port is connected to again, and is unavailable meanwhile; a
 * connection lost without a GOAWAY is made again at once.
 */
@Timeout(120)
class TripleReconnectTest {

    public interface Greeter {
        String greet(String name);
    }

    private final LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.PARANOID, 1, 2);
    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    private final TripleProtocol provider = TripleProtocol.create(tracker, ClassPolicy.strict());
    private final TripleProtocol consumer = TripleProtocol.create(tracker, ClassPolicy.strict());

    @BeforeEach
    void closedAfterEachTest() {
        cleanup.register(provider);
        cleanup.register(consumer);
    }

    private Exporter<Greeter> export(int port, String parameters) {
        return provider.export(Invokers.of(Greeter.class, name -> "Hello, " + name,
                ServiceUrl.parse("tri://127.0.0.1:" + port + "/" + Greeter.class.getName() + parameters)));
    }

    private Invoker<Greeter> refer(int port) {
        return consumer.refer(Greeter.class,
                ServiceUrl.parse("tri://127.0.0.1:" + port + "/" + Greeter.class.getName() + "?timeout=5000"));
    }

    @Test
    void aConnectionTheProviderClosedForIdlenessIsMadeAgainByTheNextCall() {
        Exporter<Greeter> exported = export(0, "?idle.timeout=200");
        Invoker<Greeter> invoker = refer(exported.url().port());
        Greeter greeter = Proxies.create(invoker);
        assertThat(greeter.greet("first")).isEqualTo("Hello, first");
        long made = tracker.counts(ResourceKind.CLIENT).created();

        // Closed by the provider with a GOAWAY after 200 ms without a call: no stream is open.
        await().atMost(Duration.ofSeconds(10)).until(() -> provider.acceptedConnectionCount() == 0);
        assertThat(invoker.isAvailable()).as("idle, not broken: the next call connects").isTrue();
        assertThat(greeter.greet("again")).isEqualTo("Hello, again");
        assertThat(tracker.counts(ResourceKind.CLIENT).created()).as("the same client, a new connection")
                .isEqualTo(made);

        for (int i = 0; i < 20; i++) { // calls in a row keep it: only idleness closes
            assertThat(greeter.greet("busy " + i)).isEqualTo("Hello, busy " + i);
        }
        invoker.close();
    }

    @Test
    void callsSpacedAroundTheIdleTimeoutAreNeverLost() throws InterruptedException {
        Exporter<Greeter> exported = export(0, "?idle.timeout=20");
        Invoker<Greeter> invoker = refer(exported.url().port());
        Greeter greeter = Proxies.create(invoker);
        long made = tracker.counts(ResourceKind.CLIENT).created();
        for (int i = 0; i < 150; i++) { // a call as the provider decides the connection is idle, many times over
            assertThat(greeter.greet("call " + i)).isEqualTo("Hello, call " + i);
            Thread.sleep(15 + i % 10);
        }
        assertThat(tracker.counts(ResourceKind.CLIENT).created()).as("one client, its connection made again")
                .isEqualTo(made);
        invoker.close();
    }

    @Test
    void aProviderThatLeavesAndComesBackOnItsPortIsConnectedToAgain() {
        Exporter<Greeter> exported = export(0, "");
        int port = exported.url().port();
        Invoker<Greeter> invoker = refer(port);
        Greeter greeter = Proxies.create(invoker);
        assertThat(greeter.greet("before")).isEqualTo("Hello, before");

        exported.close(); // the last service: the port closes, its connections with a GOAWAY
        await().atMost(Duration.ofSeconds(10)).until(() -> { // the next call finds no provider there
            try {
                greeter.greet("meanwhile");
                return false;
            } catch (RpcException e) {
                assertThat(e.status()).isEqualTo(RpcStatus.NETWORK);
                return !invoker.isAvailable(); // while attempts fail, calls go elsewhere
            }
        });

        export(port, "");
        await().atMost(Duration.ofSeconds(30)).until(invoker::isAvailable); // tried again with a backoff
        assertThat(greeter.greet("after")).isEqualTo("Hello, after");
        invoker.close();
    }

    @Test
    void aConnectionLostWithoutAGoAwayIsMadeAgainAtOnce() throws IOException {
        Exporter<Greeter> exported = export(0, "");
        try (Relay relay = new Relay(exported.url().port())) {
            Invoker<Greeter> invoker = refer(relay.port());
            Greeter greeter = Proxies.create(invoker);
            assertThat(greeter.greet("before")).isEqualTo("Hello, before");

            relay.cut(); // reset, as a crashed peer or a middlebox would
            await().atMost(Duration.ofSeconds(10)).until(() -> relay.accepted() == 2); // without waiting for a call
            await().atMost(Duration.ofSeconds(10)).until(invoker::isAvailable);
            assertThat(greeter.greet("after")).isEqualTo("Hello, after");
            invoker.close();
        }
    }

    /** Relays TCP connections to a port; {@link #cut} resets the ones open now. */
    private static final class Relay implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final int target;
        private final List<Socket> open = new CopyOnWriteArrayList<>();
        private final AtomicInteger accepted = new AtomicInteger();

        Relay(int target) throws IOException {
            this.target = target;
            Thread acceptor = new Thread(this::accept, "relay-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        int accepted() {
            return accepted.get();
        }

        private void accept() {
            try {
                while (true) {
                    Socket in = server.accept();
                    Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
                    open.add(in);
                    open.add(out);
                    accepted.incrementAndGet();
                    pipe(in, out);
                    pipe(out, in);
                }
            } catch (IOException e) {
                // closed
            }
        }

        private static void pipe(Socket from, Socket to) {
            Thread thread = new Thread(() -> {
                try {
                    from.getInputStream().transferTo(to.getOutputStream());
                } catch (IOException e) {
                    // cut
                }
            }, "relay-pipe");
            thread.setDaemon(true);
            thread.start();
        }

        void cut() throws IOException {
            for (Socket socket : open) {
                socket.setSoLinger(true, 0);
                socket.close();
            }
            open.clear();
        }

        @Override
        public void close() throws IOException {
            server.close();
            cut();
        }
    }
}
