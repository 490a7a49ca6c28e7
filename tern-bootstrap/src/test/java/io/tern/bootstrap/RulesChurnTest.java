package io.tern.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tern.ServiceUrl;
import io.tern.cluster.RuleRouter;
import io.tern.core.lifecycle.LifecycleReport;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.registry.ConsumerRoutes;
import io.tern.registry.RegistryUrls;
import io.tern.registry.ZooKeeperRegistry;
import io.tern.testing.LifecycleAssertions;
import io.tern.testing.TernCleanup;
import io.tern.testing.ZooKeeperStats;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.server.command.FourLetterCommands;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 2,000 references made, called and closed while rules of every form are in the config center
 * and the registry: afterwards the client watches no config node and ZooKeeper holds no watch
 * more than before, and every rule watcher made is collected (a paranoid tracker). The same
 * checks catch a rule watcher left open on purpose.
 */
class RulesChurnTest {

    @RegisterExtension
    static final TernCleanup cleanup = new TernCleanup();

    private static final int CYCLES = 2_000;
    private static final String CONFIG = "/dubbo/config/dubbo/";

    private static TestingServer zookeeper;
    private static String registry;
    private static CuratorFramework raw;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("zookeeper.4lw.commands.whitelist", "mntr");
        FourLetterCommands.resetWhiteList();
        zookeeper = cleanup.register(new TestingServer(true));
        registry = "zookeeper://" + zookeeper.getConnectString() + "?timeout=10000&file-cache=false";
        raw = cleanup.register(CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryOneTime(100)));
        raw.start();
        String service = Named.class.getName();
        write(CONFIG + service + ":1.0:rules.condition-router", "conditions: ['method = who => port != 1']\n");
        write(CONFIG + "churn-consumer.condition-router", "conditions: ['host != 10.9.9.9 => host = 127.0.0.1']\n");
        write(CONFIG + "churn-provider.condition-router", "conditions: ['=> port != 2']\n");
        write(CONFIG + "churn-provider.tag-router", "tags:\n  - name: gray\n    addresses: ['10.9.9.9:1']\n");
        write(CONFIG + "churn-provider.script-router", "script: refused\n");
        write(CONFIG + service + ":1.0:rules.configurators", "configVersion: v3.0\nscope: service\nkey: rules/"
                + service + ":1.0\nconfigs:\n  - side: consumer\n    parameters: {timeout: 4000}\n");
        write(CONFIG + "churn-consumer.configurators", "configVersion: v3.0\nscope: application\n"
                + "key: churn-consumer\nconfigs:\n  - side: consumer\n    parameters: {retries: 1}\n");
        raw.create().creatingParentsIfNeeded().forPath("/dubbo/" + service + "/routers/" + ServiceUrl.encode(
                "route://0.0.0.0/" + service + "?category=routers&router=condition&group=rules&version=1.0&rule="
                        + ServiceUrl.encode("=> port != 3")));
        raw.create().creatingParentsIfNeeded().forPath("/dubbo/" + service + "/configurators/" + ServiceUrl.encode(
                "override://0.0.0.0/" + service + "?category=configurators&group=rules&version=1.0&weight=90"));
    }

    private static void write(String path, String text) throws Exception {
        raw.create().creatingParentsIfNeeded().forPath(path, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void referencesMadeAndClosedUnderRulesLeaveNoWatchAndNoRuleWatcher() throws Exception {
        try (TernServer server = Tern.server().application("churn-provider").registry(registry)
                .service(Named.class, Named.called("ruled", 0), s -> s.group("rules").version("1.0")).start()) {
            assertThat(server.urls()).hasSize(1);
            LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.PARANOID, 1, 10);
            churn(tracker);
            LifecycleReport report = LifecycleAssertions.assertAllCollected(tracker, Duration.ofSeconds(30));
            LifecycleAssertions.assertNoneLive(report, ResourceKind.RULES, ResourceKind.REFERENCE,
                    ResourceKind.DIRECTORY);
            assertThat(report.counts(ResourceKind.RULES).destroyed()).as("overrides and routes of each reference")
                    .isGreaterThanOrEqualTo(2L * CYCLES);
        }
    }

    private static void churn(LifecycleTracker tracker) throws Exception {
        try (TernClient client = Tern.client().application("churn-consumer").registry(registry).tracker(tracker)
                .build();
                ZooKeeperRegistry look = ZooKeeperRegistry.connect(ServiceUrl.parse(registry))) {
            cycle(client); // warm up: the first reference connects the registry's session
            long watchesBefore = ZooKeeperStats.settledWatchCount("127.0.0.1", zookeeper.getPort());
            long started = System.nanoTime();
            for (int i = 0; i < CYCLES; i++) {
                cycle(client);
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertThat(client.referenceCount()).as("open references").isZero();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ZooKeeperStats.watchCount(
                    "127.0.0.1", zookeeper.getPort())).as("ZooKeeper watches").isEqualTo(watchesBefore));
            System.out.printf("rules churn: %,d reference/call/close cycles under 9 rules in %,d ms%n", CYCLES, millis);
            assertThat(look.applications().watchedConfigs()).as("an idle registry watches nothing").isZero();
        }
    }

    private static void cycle(TernClient client) {
        try (Reference<Named> reference = client.reference(Named.class, r -> r.group("rules").version("1.0")
                .timeout(Duration.ofSeconds(5)))) {
            assertThat(reference.get().who("churn")).isEqualTo("ruled");
        }
    }

    @Test
    void aRuleWatcherLeftOpenIsCaught() throws Exception {
        long watchesBefore = ZooKeeperStats.settledWatchCount("127.0.0.1", zookeeper.getPort());
        LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.PARANOID, 1, 10);
        try (ZooKeeperRegistry look = ZooKeeperRegistry.connect(ServiceUrl.parse(registry))) {
            ServiceUrl consumer = RegistryUrls.consumer("127.0.0.1", Named.class, "churn-consumer", "rules", "1.0");
            ConsumerRoutes leaked = ConsumerRoutes.watch(look, consumer, RuleRouter.create(), providers -> { },
                    tracker);
            assertThat(look.applications().watchedConfigs()).as("the open watcher's config nodes").isEqualTo(2);
            assertThat(ZooKeeperStats.watchCount("127.0.0.1", zookeeper.getPort())).isGreaterThan(watchesBefore);
            assertThatThrownBy(() -> LifecycleAssertions.assertNoneLive(tracker.report(), ResourceKind.RULES))
                    .as("the tracker reports the watcher left open").isInstanceOf(AssertionError.class);
            leaked.close();
            assertThat(look.applications().watchedConfigs()).isZero();
            assertThat(tracker.report().counts(ResourceKind.RULES).live()).isZero();
        }
    }
}
