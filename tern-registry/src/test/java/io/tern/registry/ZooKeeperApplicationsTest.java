package io.tern.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.ServiceUrl;
import io.tern.registry.discovery.InstanceMetadata;
import io.tern.registry.discovery.InstanceNode;
import io.tern.testing.TernCleanup;
import io.tern.testing.ZooKeeperStats;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.command.FourLetterCommands;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Application instances and the service-name mapping in Dubbo 3's layout, against a real ZooKeeper. */
class ZooKeeperApplicationsTest {

    @RegisterExtension
    static final TernCleanup cleanup = new TernCleanup();

    private static TestingServer zookeeper;
    private static CuratorFramework raw;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("zookeeper.4lw.commands.whitelist", "mntr");
        FourLetterCommands.resetWhiteList();
        zookeeper = cleanup.register(new TestingServer(true));
        raw = cleanup.register(CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryOneTime(100)));
        raw.start();
    }

    private static ZooKeeperRegistry connect(String parameters) {
        return cleanup.register(ZooKeeperRegistry.connect(ServiceUrl.parse("zookeeper://"
                + zookeeper.getConnectString() + "?file-cache=false&timeout=10000" + parameters)));
    }

    private static InstanceNode instance(String app, int port, String revision) {
        return new InstanceNode(app, "127.0.0.1", port, Map.of(InstanceMetadata.REVISION, revision), 1L);
    }

    @Test
    void anInstanceIsAnEphemeralNodeUnderItsApplicationChangedInPlaceAndGoneWhenUnregistered() throws Exception {
        ZooKeeperRegistry registry = connect("");
        ZooKeeperApplications apps = registry.applications();
        InstanceNode first = instance("shop", 20880, "r1");

        apps.register(first);

        String path = "/services/shop/127.0.0.1:20880";
        Stat stat = raw.checkExists().forPath(path);
        assertThat(stat).isNotNull();
        assertThat(stat.getEphemeralOwner()).as("ephemeral").isNotZero();
        assertThat(InstanceNode.parse(raw.getData().forPath(path))).isEqualTo(first);
        assertThat(apps.instances("shop")).containsExactly(first);

        apps.register(instance("shop", 20880, "r2"));
        assertThat(raw.checkExists().forPath(path).getCzxid()).as("the same node, written again")
                .isEqualTo(stat.getCzxid());
        assertThat(apps.instances("shop")).extracting(InstanceNode::revision).containsExactly("r2");

        apps.unregister(first);
        assertThat(raw.checkExists().forPath(path)).isNull();
        assertThat(apps.instances("shop")).isEmpty();
        assertThat(registry.size()).isZero();
    }

    @Test
    void anInstanceIsRegisteredAgainAfterItsSessionExpiresAndDeletedWhenTheRegistryCloses() throws Exception {
        ZooKeeperRegistry registry = connect("");
        InstanceNode instance = instance("orders", 20881, "r1");
        registry.applications().register(instance);
        String path = "/services/orders/127.0.0.1:20881";
        long owner = raw.checkExists().forPath(path).getEphemeralOwner();

        ZooKeeperRegistryTest.expireSession(registry);

        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Stat now = raw.checkExists().forPath(path);
            return now != null && now.getEphemeralOwner() != owner;
        });
        assertThat(InstanceNode.parse(raw.getData().forPath(path))).isEqualTo(instance);

        registry.close();
        assertThat(raw.checkExists().forPath(path)).isNull();
    }

    @Test
    void theInstanceRootIsRootPathElseTheGroupAsDubboReadsThem() {
        assertThat(ZooKeeperApplications.instanceRoot(ServiceUrl.parse("zookeeper://h:2181"))).isEqualTo("/services");
        assertThat(ZooKeeperApplications.instanceRoot(ServiceUrl.parse("zookeeper://h:2181?group=dubbo")))
                .isEqualTo("/dubbo");
        assertThat(ZooKeeperApplications.instanceRoot(ServiceUrl.parse("zookeeper://h:2181?rootPath=/apps&group=x")))
                .isEqualTo("/apps");
    }

    @Test
    void twoApplicationsMappingOneInterfaceAtOnceAreBothListedAsDubboListsThem() throws Exception {
        ZooKeeperRegistry one = connect("");
        ZooKeeperRegistry other = connect("");
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        CyclicBarrier together = new CyclicBarrier(8);
        for (int i = 0; i < 8; i++) {
            ZooKeeperApplications apps = (i % 2 == 0 ? one : other).applications();
            String app = "app-" + i;
            writers.add(CompletableFuture.runAsync(() -> {
                try {
                    together.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                apps.map("io.tern.example.UserService", app);
            }));
        }
        CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).join();

        assertThat(one.applications().mapping("io.tern.example.UserService")).containsExactly("app-0", "app-1",
                "app-2", "app-3", "app-4", "app-5", "app-6", "app-7");
        byte[] content = raw.getData().forPath("/dubbo/mapping/io.tern.example.UserService");
        assertThat(new String(content, StandardCharsets.UTF_8).split(",")).hasSize(8);

        one.applications().map("io.tern.example.UserService", "app-3");
        assertThat(raw.getData().forPath("/dubbo/mapping/io.tern.example.UserService"))
                .as("an application already listed is not added again").isEqualTo(content);
        assertThat(one.applications().mapping("io.tern.example.Missing")).isEmpty();
    }

    @Test
    void aMappingIsReadAsDubboReadsIt() {
        assertThat(ZooKeeperApplications.applications(" b, a,,c ,")).containsExactly("a", "b", "c");
        assertThat(ZooKeeperApplications.applications("")).isEmpty();
    }

    private static long watches() {
        return ZooKeeperStats.watchCount("127.0.0.1", zookeeper.getPort());
    }

    @Test
    void listenersOfAnApplicationShareOneWatchWhichGoesWithTheLastOfThem() throws Exception {
        ZooKeeperRegistry registry = connect("");
        ZooKeeperApplications apps = registry.applications();
        long before = ZooKeeperStats.settledWatchCount("127.0.0.1", zookeeper.getPort());
        List<List<InstanceNode>> first = new CopyOnWriteArrayList<>();
        List<List<InstanceNode>> second = new CopyOnWriteArrayList<>();
        Registry.Subscription one = apps.watchInstances("catalog", first::add);
        Registry.Subscription two = apps.watchInstances("catalog", second::add);
        Registry.Subscription other = apps.watchInstances("billing", list -> { });
        assertThat(watches()).as("one watch per application without instances").isEqualTo(before + 2);
        assertThat(apps.watchedApplications()).isEqualTo(2);

        InstanceNode instance = instance("catalog", 20890, "r1");
        apps.register(instance);
        await().atMost(Duration.ofSeconds(10)).until(() -> !first.isEmpty() && first.get(first.size() - 1).size() == 1
                && !second.isEmpty() && second.get(second.size() - 1).size() == 1);
        apps.register(instance("catalog", 20890, "r2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> first.get(first.size() - 1).get(0).revision().equals("r2"));
        apps.unregister(instance);
        await().atMost(Duration.ofSeconds(10)).until(() -> first.get(first.size() - 1).isEmpty());

        one.close();
        assertThat(watches()).as("the other listener keeps it").isEqualTo(before + 2);
        two.close();
        other.close();
        two.close(); // twice changes nothing
        assertThat(watches()).isEqualTo(before);
        assertThat(apps.watchedApplications()).isZero();
    }

    @Test
    void listenersOfAMappingHearItMadeAndGrownShareOneWatchAndTakeItAwayWithTheLastOfThem() throws Exception {
        ZooKeeperRegistry registry = connect("");
        ZooKeeperApplications apps = registry.applications();
        long before = ZooKeeperStats.settledWatchCount("127.0.0.1", zookeeper.getPort());
        List<java.util.SortedSet<String>> first = new CopyOnWriteArrayList<>();
        List<java.util.SortedSet<String>> second = new CopyOnWriteArrayList<>();

        Registry.Subscription one = apps.watchMapping("com.example.Watched", first::add);
        assertThat(first).as("told at once: nothing mapped yet").containsExactly(java.util.Collections.emptySortedSet());
        Registry.Subscription two = apps.watchMapping("com.example.Watched", second::add);
        assertThat(watches()).as("one watch of the node that does not exist yet").isEqualTo(before + 1);
        assertThat(apps.watchedMappings()).isEqualTo(1);

        apps.map("com.example.Watched", "shop");
        await().atMost(Duration.ofSeconds(10)).until(() -> first.get(first.size() - 1).equals(java.util.Set.of("shop"))
                && second.get(second.size() - 1).equals(java.util.Set.of("shop")));
        apps.map("com.example.Watched", "billing");
        await().atMost(Duration.ofSeconds(10)).until(() -> first.get(first.size() - 1)
                .equals(java.util.Set.of("billing", "shop")));

        one.close();
        assertThat(watches()).as("the other listener keeps it").isEqualTo(before + 1);
        two.close();
        assertThat(watches()).isEqualTo(before);
        assertThat(apps.watchedMappings()).isZero();
        int heard = first.size();
        apps.map("com.example.Watched", "search");
        Thread.sleep(300);
        assertThat(first).as("nothing heard after leaving").hasSize(heard);
    }

    @Test
    void watchesOfAThousandListenersComingAndGoingOverTwentyApplicationsReturnToWhereTheyStarted()
            throws InterruptedException {
        ZooKeeperRegistry registry = connect("");
        ZooKeeperApplications apps = registry.applications();
        long before = ZooKeeperStats.settledWatchCount("127.0.0.1", zookeeper.getPort());
        List<Registry.Subscription> open = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            String app = "app-" + (i % 20);
            open.add(apps.watchInstances(app, list -> { }));
            if (i % 7 == 0) {
                apps.register(instance(app, 21000 + i % 20, "r" + i));
            }
            if (open.size() > 30) {
                open.remove(0).close();
            }
        }
        Registry.Subscription leftBehind = apps.watchInstances("forgotten", list -> { });
        open.forEach(Registry.Subscription::close);

        assertThat(watches()).as("the watch a listener left behind is seen").isEqualTo(before + 1);
        assertThat(apps.watchedApplications()).isEqualTo(1);
        leftBehind.close();
        assertThat(watches()).isEqualTo(before);
        assertThat(apps.watchedApplications()).isZero();
    }

    @Test
    void aWatchIsSetAgainAfterItsSessionExpires() throws Exception {
        ZooKeeperRegistry watching = connect("");
        ZooKeeperRegistry providing = connect("");
        List<List<InstanceNode>> seen = new CopyOnWriteArrayList<>();
        Registry.Subscription subscription = watching.applications().watchInstances("search", seen::add);

        ZooKeeperRegistryTest.expireSession(watching);
        // a new session after the injected expiry; slow on a loaded machine
        await().atMost(Duration.ofSeconds(90)).until(watching::isConnected);
        providing.applications().register(instance("search", 20895, "r1"));

        await().atMost(Duration.ofSeconds(30)).until(() -> !seen.isEmpty() && seen.get(seen.size() - 1).size() == 1);
        subscription.close();
        assertThat(watching.applications().watchedApplications()).isZero();
    }
}
