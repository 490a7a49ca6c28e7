package io.tern.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.ServiceUrl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache file: a consumer restarted while ZooKeeper is down starts from it and catches up later. */
class RegistryCacheTest {

    public interface Greeter {
        String greet(String name);
    }

    private static ServiceUrl provider(int port) {
        return RegistryUrls.provider(ServiceUrl.parse("dubbo://127.0.0.1:" + port + "/" + Greeter.class.getName()),
                Greeter.class, "tests");
    }

    private static final ServiceUrl CONSUMER = RegistryUrls.consumer("127.0.0.1", Greeter.class, "tests", "", "");

    private static List<String> ports(List<List<ServiceUrl>> seen) {
        return seen.isEmpty() ? List.of() : portsOf(seen.get(seen.size() - 1));
    }

    private static List<String> portsOf(List<ServiceUrl> providers) {
        return providers.stream().map(u -> u.isEmptyProtocol() ? "empty" : Integer.toString(u.port())).sorted().toList();
    }

    @Test
    void aConsumerRestartedWhileZooKeeperIsDownStartsFromTheCacheAndCatchesUp(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("consumer.cache");
        try (TestingServer zookeeper = new TestingServer(true)) {
            ServiceUrl registryUrl = ServiceUrl.parse("zookeeper://" + zookeeper.getConnectString()
                    + "?session=4000&timeout=1000&file=" + file);
            ServiceUrl providerRegistryUrl = registryUrl.toBuilder().parameter("file-cache", false).build();
            ServiceUrl first = provider(20101);
            ServiceUrl third = provider(20103);
            try (ZooKeeperRegistry providers = ZooKeeperRegistry.connect(providerRegistryUrl)) {
                providers.register(first);
                providers.register(provider(20102));

                List<List<ServiceUrl>> before = new CopyOnWriteArrayList<>();
                try (ZooKeeperRegistry consumer = ZooKeeperRegistry.connect(registryUrl)) {
                    consumer.subscribe(CONSUMER, before::add);
                    await().atMost(Duration.ofSeconds(10)).until(() -> ports(before).equals(List.of("20101", "20102")));
                }
                assertThat(Files.readString(file)).contains(Greeter.class.getName())
                        .contains(first.toEncodedString());

                zookeeper.stop();

                // The consumer process starts again: ZooKeeper is down, the file is not.
                List<List<ServiceUrl>> after = new CopyOnWriteArrayList<>();
                try (ZooKeeperRegistry consumer = ZooKeeperRegistry.connect(registryUrl)) {
                    consumer.register(CONSUMER); // waits for ZooKeeper
                    consumer.subscribe(CONSUMER, after::add);
                    assertThat(ports(after)).containsExactly("20101", "20102");

                    zookeeper.restart();
                    await().atMost(Duration.ofSeconds(30)).until(() -> consumer.registered(Greeter.class.getName(),
                            "consumers").contains(CONSUMER));
                    await().atMost(Duration.ofSeconds(30)).until(() -> providers.lookup(CONSUMER).size() == 2);

                    providers.unregister(first);
                    providers.register(third);
                    // untilAsserted: a timeout reports the lists the consumer was given
                    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(after.stream()
                            .map(RegistryCacheTest::portsOf).toList()).last().isEqualTo(List.of("20102", "20103")));
                }
                assertThat(Files.readString(file)).doesNotContain(first.toEncodedString())
                        .contains(third.toEncodedString());
            }
        }
    }

    @Test
    void aCorruptOrMissingFileIsNoCache(@TempDir Path dir) throws Exception {
        RegistryCache missing = new RegistryCache(dir.resolve("absent.cache"));
        assertThat(missing.hasEntries()).isFalse();
        assertThat(missing.providers(Greeter.class.getName())).isEmpty();

        Path corrupt = dir.resolve("corrupt.cache");
        Files.writeString(corrupt, Greeter.class.getName() + "=not-a-url " + provider(20111).toEncodedString() + "\n");
        assertThat(new RegistryCache(corrupt).providers(Greeter.class.getName())).extracting(ServiceUrl::port)
                .containsExactly(20111);
    }

    @Test
    void aBurstOfSavesIsWrittenTogetherAndCloseWritesTheLast(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("burst.cache");
        RegistryCache cache = new RegistryCache(file);
        for (int i = 0; i < 200; i++) {
            cache.save(Greeter.class.getName(), List.of(provider(21000 + i).toEncodedString()));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file));
        for (int i = 200; i < 400; i++) {
            cache.save(Greeter.class.getName(), List.of(provider(21000 + i).toEncodedString()));
        }
        cache.close();
        cache.save(Greeter.class.getName(), List.of(provider(20999).toEncodedString())); // after close: ignored

        // 400 saves, at most one write per half second: the file was written a few times, not 400
        assertThat(cache.writes()).isBetween(1L, 4L);
        assertThat(cache.writerEnded()).as("the writer's thread ends with the cache").isTrue();
        assertThat(new RegistryCache(file).providers(Greeter.class.getName())).extracting(ServiceUrl::port)
                .containsExactly(21399);
    }

    @Test
    void savingKeepsOtherInterfacesEntries(@TempDir Path dir) {
        RegistryCache cache = new RegistryCache(dir.resolve("shared.cache"));
        cache.save("com.example.A", List.of(provider(20121).toEncodedString()));
        cache.save(Greeter.class.getName(), List.of(provider(20122).toEncodedString()));
        cache.save(Greeter.class.getName(), List.of(provider(20123).toEncodedString()));

        assertThat(cache.providers("com.example.A")).extracting(ServiceUrl::port).containsExactly(20121);
        assertThat(cache.providers(Greeter.class.getName())).extracting(ServiceUrl::port).containsExactly(20123);
    }
}
