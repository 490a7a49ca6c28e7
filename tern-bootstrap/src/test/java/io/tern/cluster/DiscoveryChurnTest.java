package io.tern.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.Invoker;
import io.tern.ServiceUrl;
import io.tern.bootstrap.Named;
import io.tern.bootstrap.Tern;
import io.tern.bootstrap.TernServer;
import io.tern.core.Gc;
import io.tern.core.Proxies;
import io.tern.dubbo.DubboProtocol;
import io.tern.registry.Registry;
import io.tern.registry.RegistryUrls;
import io.tern.registry.ZooKeeperRegistry;
import io.tern.testing.ZooKeeperStats;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.server.command.FourLetterCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 5,000 provider register/unregister events through a real ZooKeeper, seen by one consumer made
 * of the real parts: ZooKeeper registry, dynamic directory, cluster and dubbo protocol. Everything
 * the consumer keeps per provider must stay at the size of the live set. In the cluster package to
 * read the cluster's statistics and balancer state.
 */
class DiscoveryChurnTest {

    private static final int EVENTS = 5_000;
    private static final int LIVE = 3;

    @Test
    void fiveThousandRegistryEventsLeaveOnlyTheLiveSet(@TempDir Path dir) throws Exception {
        System.setProperty("zookeeper.4lw.commands.whitelist", "mntr");
        FourLetterCommands.resetWhiteList();
        List<TernServer> servers = new ArrayList<>();
        try (TestingServer zookeeper = new TestingServer(true)) {
            for (int i = 0; i < LIVE; i++) {
                servers.add(Tern.server().service(Named.class, Named.called("p" + i, 0)).start());
            }
            String registry = "zookeeper://" + zookeeper.getConnectString() + "?timeout=10000";
            ZooKeeperRegistry providers = ZooKeeperRegistry.connect(ServiceUrl.parse(registry + "&file-cache=false"));
            ZooKeeperRegistry consumers = ZooKeeperRegistry.connect(ServiceUrl.parse(registry + "&file="
                    + dir.resolve("churn.cache")));
            DubboProtocol protocol = DubboProtocol.create();
            ServiceUrl consumer = RegistryUrls.consumer("127.0.0.1", Named.class, "churn", "", "").toBuilder()
                    .parameter("loadbalance", "roundrobin").build();
            Queue<Invoker<Named>> made = new ConcurrentLinkedQueue<>();
            DynamicDirectory<Named> directory = DynamicDirectory.create(Named.class, consumer, provider -> {
                Invoker<Named> invoker = protocol.refer(Named.class, RegistryUrls.merge(provider, consumer));
                made.add(invoker);
                return invoker;
            });
            @SuppressWarnings("unchecked")
            ClusterInvoker<Named> cluster = (ClusterInvoker<Named>) Clusters.join(directory, List.of());
            long baseline = watches(zookeeper); // Curator's own, on the ensemble configuration
            AtomicInteger notifications = new AtomicInteger();
            Registry.Subscription subscription = consumers.subscribe(consumer, urls -> {
                notifications.incrementAndGet();
                directory.notify(urls);
            });

            Deque<ServiceUrl> live = new ArrayDeque<>();
            List<WeakReference<Object>> removed = new ArrayList<>();
            long heapBefore = 0;
            int events = 0;
            for (int i = 0; events < EVENTS; i++) {
                ServiceUrl exported = servers.get(i % LIVE).urls().get(0);
                ServiceUrl url = RegistryUrls.provider(exported, Named.class, "churn").toBuilder()
                        .parameter("instance", i).build();
                providers.register(url);
                live.addLast(url);
                events++;
                if (live.size() > LIVE) {
                    providers.unregister(live.removeFirst());
                    events++;
                }
                if (i == 0) {
                    await().atMost(Duration.ofSeconds(10)).until(() -> !directory.providers().isEmpty());
                }
                if (i % 50 == 0) {
                    assertThat(call(cluster)).startsWith("p");
                    removed.addAll(weakRefsToDestroyed(made));
                }
                if (heapBefore == 0 && events >= 500) {
                    heapBefore = Gc.usedHeapAfterGc();
                }
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> directory.providers().size() == LIVE
                    && directory.providers().stream().map(Invoker::url).allMatch(u -> live.stream()
                            .anyMatch(l -> l.parameter("instance", "").equals(u.parameter("instance", "")))));
            assertThat(call(cluster)).startsWith("p");
            removed.addAll(weakRefsToDestroyed(made));

            assertThat(protocol.stats().referredCount()).as("referred invokers").isEqualTo(LIVE);
            assertThat(protocol.stats().clientCount()).as("shared clients").isLessThanOrEqualTo(LIVE);
            assertThat(cluster.stats().size()).as("statistics entries").isLessThanOrEqualTo(LIVE);
            assertThat(cluster.balancerStateSize()).as("balancer entries").isLessThanOrEqualTo(LIVE);
            assertThat(directory.listenerCount()).as("directory listeners").isEqualTo(1);
            long watches = watches(zookeeper) - baseline;
            assertThat(watches).as("ZooKeeper watches: the one subscription's").isEqualTo(1);
            Gc.awaitCleared(removed);
            long heapAfter = Gc.usedHeapAfterGc();
            System.out.printf("churn: %,d registry events, %,d notifications seen, %,d invokers removed and"
                    + " collected, %d live; shared clients %d, statistics %d, balancer %d, ZooKeeper watches %d;"
                    + " heap after GC %,d -> %,d KiB%n", events, notifications.get(), removed.size(),
                    directory.providers().size(), protocol.stats().clientCount(), cluster.stats().size(),
                    cluster.balancerStateSize(), watches, heapBefore / 1024, heapAfter / 1024);
            assertThat(heapAfter - heapBefore).as("heap growth over the churn, bytes").isLessThan(16L << 20);

            subscription.close();
            cluster.close();
            assertThat(watches(zookeeper)).as("watches after unsubscribing").isEqualTo(baseline);
            assertThat(consumers.size()).isZero();
            consumers.close();
            providers.close();
            protocol.close();
            assertThat(protocol.stats().clientCount()).isZero();
        } finally {
            servers.forEach(TernServer::close);
        }
    }

    private static String call(Invoker<Named> cluster) {
        return Proxies.create(cluster).who("churn");
    }

    /** Weak references to the destroyed invokers, which the queue then forgets. */
    private static List<WeakReference<Object>> weakRefsToDestroyed(Queue<Invoker<Named>> made) {
        List<WeakReference<Object>> refs = new ArrayList<>();
        for (Invoker<Named> invoker : made) {
            if (invoker.isDestroyed()) {
                refs.add(new WeakReference<>(invoker));
            }
        }
        made.removeIf(Invoker::isDestroyed);
        return refs;
    }

    private static long watches(TestingServer zookeeper) {
        return ZooKeeperStats.watchCount("127.0.0.1", zookeeper.getPort());
    }
}
