package io.tern.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.ServiceUrl;
import io.tern.core.Gc;
import io.tern.core.lifecycle.LifecycleReport;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.registry.ZooKeeperRegistry;
import io.tern.testing.LifecycleAssertions;
import io.tern.testing.TernCleanup;
import io.tern.testing.ZooKeeperStats;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.server.command.FourLetterCommands;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 5,000 reference/call/close cycles through the bootstrap API against one provider, direct and
 * through a real ZooKeeper: the client's containers, the protocol's, ZooKeeper's consumer nodes
 * and watches all return to where they started, and every reference, invoker and directory made
 * is collected (watched by a paranoid lifecycle tracker).
 */
class ReferenceChurnTest {

    @RegisterExtension
    static final TernCleanup cleanup = new TernCleanup();

    private static final int CYCLES = 5_000;

    private static TestingServer zookeeper;
    private static String registry;

    @BeforeAll
    static void startZooKeeper() throws Exception {
        System.setProperty("zookeeper.4lw.commands.whitelist", "mntr");
        FourLetterCommands.resetWhiteList();
        zookeeper = cleanup.register(new TestingServer(true));
        registry = "zookeeper://" + zookeeper.getConnectString() + "?timeout=10000&file-cache=false";
    }

    @Test
    void directReferencesLeaveNothingBehind() throws InterruptedException {
        try (TernServer server = Tern.server().service(Named.class, Named.called("direct", 0)).start()) {
            String url = "dubbo://127.0.0.1:" + server.port();
            churn("direct", null, r -> r.url(url).timeout(Duration.ofSeconds(5)));
        }
    }

    @Test
    void discoveredReferencesLeaveNoConsumerNodeNoWatchNoInvoker() throws InterruptedException {
        try (TernServer server = Tern.server().application("churn-provider").registry(registry)
                .service(Named.class, Named.called("discovered", 0), s -> s.group("churn")).start();
                ZooKeeperRegistry raw = ZooKeeperRegistry.connect(ServiceUrl.parse(registry))) {
            assertThat(server.urls()).hasSize(1);
            churn("discovered", raw, r -> r.group("churn").timeout(Duration.ofSeconds(5)));
        }
    }

    private static void churn(String name, ZooKeeperRegistry raw, Consumer<ReferenceOptions> options)
            throws InterruptedException {
        // a leak is what is still reachable after 10 full collections (a second at the assertion's pace):
        // the last client's connection may still be closing on its event loop for the first few
        LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.PARANOID, 1, 10);
        try (TernClient client = Tern.client().application("churn-consumer").registry(registry).tracker(tracker)
                .build()) {
            cycle(client, options); // warm up: the first reference connects the registry's session
            // the registry session sets a watch of its own a moment after it connects
            long watchesBefore = ZooKeeperStats.settledWatchCount("127.0.0.1", zookeeper.getPort());
            int consumersBefore = consumerNodes(raw);
            long heapBefore = Gc.usedHeapAfterGc();

            for (int i = 0; i < CYCLES; i++) {
                cycle(client, options);
            }

            assertThat(client.referenceCount()).as("open references").isZero();
            assertThat(client.sharedCount()).as("shared invokers").isZero();
            assertThat(client.stats("dubbo").referredCount()).as("referred invokers").isZero();
            assertThat(client.stats("dubbo").clientCount()).as("shared clients").isZero();
            assertThat(consumerNodes(raw)).as("consumer nodes").isEqualTo(consumersBefore);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(watches())
                    .as("ZooKeeper watches").isEqualTo(watchesBefore));
            LifecycleReport report = LifecycleAssertions.assertAllCollected(tracker, Duration.ofSeconds(30));
            LifecycleAssertions.assertNoneLive(report, ResourceKind.REFERENCE, ResourceKind.INVOKER,
                    ResourceKind.DIRECTORY);
            assertThat(report.counts(ResourceKind.REFERENCE).destroyed()).isGreaterThan(CYCLES);
            assertThat(report.counts(ResourceKind.INVOKER).destroyed()).isGreaterThan(CYCLES);
            if (raw != null) {
                assertThat(report.counts(ResourceKind.DIRECTORY).destroyed()).isGreaterThan(CYCLES);
            }
            long heapAfter = Gc.usedHeapAfterGc();
            System.out.printf("churn: %,d %s reference/call/close cycles: %d references, %d shared invokers,"
                    + " %d referred, %d clients open after; %,d references, %,d invokers, %,d directories collected;"
                    + " heap after GC %,d -> %,d KiB%n", CYCLES, name, client.referenceCount(), client.sharedCount(),
                    client.stats("dubbo").referredCount(), client.stats("dubbo").clientCount(),
                    report.counts(ResourceKind.REFERENCE).collected(), report.counts(ResourceKind.INVOKER).collected(),
                    report.counts(ResourceKind.DIRECTORY).collected(), heapBefore / 1024, heapAfter / 1024);
        }
    }

    private static void cycle(TernClient client, Consumer<ReferenceOptions> options) {
        Reference<Named> reference = client.reference(Named.class, options);
        try {
            assertThat(reference.get().who("churn")).isNotEmpty();
        } finally {
            reference.close();
        }
    }

    private static long watches() {
        return ZooKeeperStats.watchCount("127.0.0.1", zookeeper.getPort());
    }

    private static int consumerNodes(ZooKeeperRegistry raw) {
        return raw == null ? 0 : raw.registered(Named.class.getName(), "consumers").size();
    }
}
