package io.tern.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.testing.TernCleanup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The ZooKeeper registry against a real ZooKeeper (Curator's in-process TestingServer). */
class ZooKeeperRegistryTest {

    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    public interface Greeter {
        String greet(String name);
    }

    private static TestingServer zookeeper;
    private static ServiceUrl registryUrl;

    @BeforeAll
    static void start() throws Exception {
        zookeeper = new TestingServer(true);
        registryUrl = ServiceUrl.parse("zookeeper://" + zookeeper.getConnectString() + "?session=4000&timeout=5000");
    }

    @AfterAll
    static void stop() throws Exception {
        zookeeper.close();
    }

    private static ServiceUrl provider(int port, String version) {
        return RegistryUrls.provider(ServiceUrl.parse("dubbo://127.0.0.1:" + port + "/" + Greeter.class.getName()
                + "?version=" + version), Greeter.class, "tests");
    }

    private static ServiceUrl consumer(String version) {
        return RegistryUrls.consumer("127.0.0.1", Greeter.class, "tests", "", version);
    }

    private static List<String> ports(List<ServiceUrl> urls) {
        return urls.stream().map(u -> u.isEmptyProtocol() ? "empty" : Integer.toString(u.port())).sorted().toList();
    }

    @Test
    void providersAreEphemeralNodesInDubbosLayout() throws Exception {
        ServiceUrl url = provider(20001, "1.0");
        try (ZooKeeperRegistry registry = ZooKeeperRegistry.connect(registryUrl);
                CuratorFramework raw = CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryOneTime(100))) {
            raw.start();
            registry.register(url);

            String parent = "/dubbo/" + Greeter.class.getName() + "/providers";
            List<String> children = raw.getChildren().forPath(parent);
            assertThat(children).containsExactly(url.toEncodedString());
            assertThat(raw.checkExists().forPath(parent + "/" + children.get(0)).getEphemeralOwner()).isNotZero();
            ServiceUrl read = ServiceUrl.parseEncoded(children.get(0));
            assertThat(read.parameters()).containsKeys("application", "deprecated", "dubbo", "dynamic", "generic",
                    "interface", "methods", "prefer.serialization", "release", "side", "timestamp");
            assertThat(read.side()).isEqualTo("provider");
            assertThat(read.methods()).containsExactly("greet");

            registry.unregister(url);
            assertThat(raw.getChildren().forPath(parent)).isEmpty();
        }
    }

    @Test
    void subscribersGetTheFullListOnEveryChange() {
        List<List<ServiceUrl>> seen = new CopyOnWriteArrayList<>();
        try (ZooKeeperRegistry providers = ZooKeeperRegistry.connect(registryUrl);
                ZooKeeperRegistry consumers = ZooKeeperRegistry.connect(registryUrl)) {
            Registry.Subscription subscription = consumers.subscribe(consumer("2.0"), seen::add);
            await().until(() -> !seen.isEmpty());
            assertThat(ports(seen.get(seen.size() - 1))).containsExactly("empty");

            ServiceUrl first = provider(20011, "2.0");
            providers.register(first);
            providers.register(provider(20012, "2.0"));
            providers.register(provider(20013, "other")); // another version: not for this consumer
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ports(seen.get(seen.size() - 1)).equals(List.of("20011", "20012")));

            providers.unregister(first);
            await().atMost(Duration.ofSeconds(10)).until(() -> ports(seen.get(seen.size() - 1)).equals(List.of("20012")));
            subscription.close();
            assertThat(consumers.size()).isZero();
        }
    }

    @Test
    void aChangeParsesOnlyTheProvidersItAdds() {
        List<List<ServiceUrl>> seen = new CopyOnWriteArrayList<>();
        try (ZooKeeperRegistry providers = ZooKeeperRegistry.connect(registryUrl);
                ZooKeeperRegistry consumers = ZooKeeperRegistry.connect(registryUrl)) {
            consumers.subscribe(consumer("2.5"), seen::add);
            providers.register(provider(20031, "2.5"));
            providers.register(provider(20032, "2.5"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ports(seen.get(seen.size() - 1)).equals(List.of("20031", "20032")));
            List<ServiceUrl> before = seen.get(seen.size() - 1);

            providers.register(provider(20033, "2.5"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ports(seen.get(seen.size() - 1)).equals(List.of("20031", "20032", "20033")));
            List<ServiceUrl> after = seen.get(seen.size() - 1);
            // the providers that stayed are the objects the last list held, not parsed again
            for (ServiceUrl kept : before) {
                assertThat(after).anySatisfy(url -> assertThat(url).isSameAs(kept));
            }
        }
    }

    @Test
    void aProviderWhoseSessionEndsDisappearsForConsumers() {
        List<List<ServiceUrl>> seen = new CopyOnWriteArrayList<>();
        try (ZooKeeperRegistry consumers = ZooKeeperRegistry.connect(registryUrl)) {
            consumers.subscribe(consumer("3.0"), seen::add);
            ZooKeeperRegistry provider = ZooKeeperRegistry.connect(registryUrl);
            provider.register(provider(20021, "3.0"));
            await().atMost(Duration.ofSeconds(10)).until(() -> ports(seen.get(seen.size() - 1)).equals(List.of("20021")));

            provider.close(); // the provider's process ends: its session, and its node, go
            await().atMost(Duration.ofSeconds(10)).until(() -> ports(seen.get(seen.size() - 1)).equals(List.of("empty")));
        }
    }

    @Test
    void afterASessionExpiryProvidersRegisterAgainAndConsumersWatchAgain() throws Exception {
        List<List<ServiceUrl>> seen = new CopyOnWriteArrayList<>();
        try (ZooKeeperRegistry providers = ZooKeeperRegistry.connect(registryUrl);
                ZooKeeperRegistry consumers = ZooKeeperRegistry.connect(registryUrl)) {
            consumers.subscribe(consumer("4.0"), seen::add);
            providers.register(provider(20031, "4.0"));
            await().atMost(Duration.ofSeconds(10)).until(() -> ports(seen.get(seen.size() - 1)).equals(List.of("20031")));

            expireSession(providers);
            expireSession(consumers);

            // The provider is back, and the consumer's new watch sees a new provider.
            await().atMost(Duration.ofSeconds(20)).until(() -> providers.lookup(consumer("4.0")).size() == 1
                    && !providers.lookup(consumer("4.0")).get(0).isEmptyProtocol());
            providers.register(provider(20032, "4.0"));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> ports(seen.get(seen.size() - 1)).equals(List.of("20031", "20032")));
        }
    }

    static void expireSession(ZooKeeperRegistry registry) throws Exception {
        java.lang.reflect.Field field = ZooKeeperRegistry.class.getDeclaredField("client");
        field.setAccessible(true);
        CuratorFramework client = (CuratorFramework) field.get(registry);
        client.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
    }

    @Test
    void closeAsyncReturnsAtOnceAndCompletesWhenZooKeeperWorkIsDone() throws Exception {
        List<List<ServiceUrl>> seen = new CopyOnWriteArrayList<>();
        try (TestingServer own = new TestingServer(true)) {
            ZooKeeperRegistry registry = ZooKeeperRegistry.connect(ServiceUrl.parse("zookeeper://"
                    + own.getConnectString() + "?session=4000&timeout=2000&file-cache=false"));
            registry.register(provider(20051, "6.0"));
            registry.subscribe(consumer("6.0"), seen::add);
            own.stop(); // every ZooKeeper operation now waits for Curator's retries

            java.util.concurrent.CompletableFuture<Void> closed = registry.closeAsync();

            assertThat(closed).as("not waiting for ZooKeeper on the caller's thread").isNotDone();
            assertThat(registry.closeAsync()).isSameAs(closed);
            assertThatThrownBy(() -> registry.register(provider(20052, "6.0"))).isInstanceOf(IllegalStateException.class);
            assertThat(closed).succeedsWithin(Duration.ofSeconds(120));
            assertThat(registry.size()).isZero();
        }
    }

    @Test
    void anUnreachableZooKeeperIsNamed() {
        ServiceUrl nowhere = ServiceUrl.parse("zookeeper://127.0.0.1:1?timeout=500");
        assertThatThrownBy(() -> ZooKeeperRegistry.connect(nowhere))
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.status()).isEqualTo(RpcStatus.NETWORK);
                    assertThat(e.getMessage()).isEqualTo("registry: cannot reach ZooKeeper at 127.0.0.1:1 within 500 ms"
                            + " (expected: a running ZooKeeper, or check=false)");
                });
    }

    @Test
    void withCheckFalseAnUnreachableZooKeeperStartsAnEmptyRegistry() {
        List<List<ServiceUrl>> seen = new CopyOnWriteArrayList<>();
        ZooKeeperRegistry registry = cleanup.register(ZooKeeperRegistry.connect(
                ServiceUrl.parse("zookeeper://127.0.0.1:1?timeout=300&check=false&file-cache=false")));
        registry.register(provider(20041, "5.0")); // kept until ZooKeeper answers
        registry.subscribe(consumer("5.0"), seen::add);
        assertThat(seen).as("nothing known, nothing notified").isEmpty();
        assertThat(registry.size()).isEqualTo(2);
    }
}
