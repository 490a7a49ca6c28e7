package io.tern.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.ServiceUrl;
import io.tern.dubbo.ClientOptions;
import io.tern.registry.RegistryUrls;
import io.tern.registry.ZooKeeperRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/**
 * A provider whose port takes no connection (its accept queue is full, so the kernel drops the
 * handshake) while its consumers' connection attempts last a minute: it must not hold up a
 * reference, the notifications of the other providers, their calls, or closing.
 */
class BlackholeProviderTest {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void aProviderThatAcceptsNothingDelaysNeitherReferencesNorOtherProvidersNorClose() throws Exception {
        List<Socket> filling = new ArrayList<>();
        try (TestingServer zookeeper = new TestingServer(true); ServerSocket blackhole = blackhole(filling)) {
            String registry = "zookeeper://" + zookeeper.getConnectString() + "?timeout=10000&file-cache=false";
            ServiceUrl blackholeUrl = RegistryUrls.provider(ServiceUrl.parse("dubbo://127.0.0.1:"
                    + blackhole.getLocalPort() + "/" + Named.class.getName() + "?group=hole"), Named.class, "hole");
            TernServer healthy = provider(registry, "healthy");
            try (ZooKeeperRegistry raw = ZooKeeperRegistry.connect(ServiceUrl.parse(registry))) {
                raw.register(blackholeUrl);
                // the blackhole is registered at the interface level only: the consumer looks there alone
                TernClient client = Tern.client().application("consumer").registry(registry)
                        .migrationStep(io.tern.registry.Migration.Step.FORCE_INTERFACE)
                        .clientOptions(ClientOptions.DEFAULT.withConnectTimeout(CONNECT_TIMEOUT)).build();
                List<String> answers = new CopyOnWriteArrayList<>();

                // The first notification, on the caller's thread, lists both providers.
                Named named = CompletableFuture.supplyAsync(() -> client.reference(Named.class,
                        r -> r.group("hole").timeout(Duration.ofSeconds(2)).parameter("retries", "2")).get())
                        .get(10, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(client.stats("dubbo").referredCount()).isEqualTo(2);
                for (int i = 0; i < 20; i++) {
                    answers.add(named.who("c"));
                }
                assertThat(answers).containsOnly("healthy");

                // A later provider is noticed while the blackhole's first connection is still being attempted.
                TernServer late = provider(registry, "late");
                try {
                    await().atMost(Duration.ofSeconds(10)).until(() -> client.stats("dubbo").referredCount() == 3);
                    await().atMost(Duration.ofSeconds(10)).until(() -> named.who("c").equals("late"));
                } finally {
                    late.close();
                }

                assertThat(client.closeAsync()).as("closing does not wait out the connection attempt")
                        .succeedsWithin(Duration.ofSeconds(10));
                assertThat(client.stats("dubbo").clientCount()).isZero();
            } finally {
                healthy.close();
            }
        } finally {
            for (Socket s : filling) {
                s.close();
            }
        }
    }

    private static TernServer provider(String registry, String name) {
        return Tern.server().application("provider-" + name).registry(registry).unregisterDelay(Duration.ZERO)
                .service(Named.class, Named.called(name, 0), s -> s.group("hole")).start();
    }

    /** A listening socket whose accept queue is full: further connection attempts get no answer. */
    private static ServerSocket blackhole(List<Socket> filling) throws IOException {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort()), 200);
                filling.add(s);
            } catch (SocketTimeoutException e) {
                s.close();
                return socket; // full
            }
        }
        socket.close();
        throw new IllegalStateException("the accept queue never filled");
    }
}
