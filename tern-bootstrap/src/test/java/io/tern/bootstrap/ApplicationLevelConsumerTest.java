package io.tern.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.registry.Migration;
import io.tern.registry.MigrationControl;
import io.tern.registry.ZooKeeperRegistry;
import io.tern.testing.TernCleanup;
import io.tern.testing.ZooKeeperStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.server.command.FourLetterCommands;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Consumers that find providers at the application level, against a real ZooKeeper: through the
 * mapping, each instance's revision and the metadata its own metadata service answers.
 */
class ApplicationLevelConsumerTest {

    @RegisterExtension
    static final TernCleanup cleanup = new TernCleanup();

    public interface Pricing {
        int price(String item);
    }

    public interface Stock {
        int count(String item);
    }

    /** Served by one server only, at both levels. */
    public interface Shelf {
        int size();
    }

    public interface Unserved {
        int nothing();
    }

    private static TestingServer zookeeper;
    private static String address;
    private static CuratorFramework raw;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("zookeeper.4lw.commands.whitelist", "mntr");
        FourLetterCommands.resetWhiteList();
        zookeeper = cleanup.register(new TestingServer(true));
        address = "zookeeper://" + zookeeper.getConnectString() + "?timeout=10000&file-cache=false";
        raw = cleanup.register(CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryOneTime(100)));
        raw.start();
    }

    private static TernServer serve(String app) {
        return cleanup.register(Tern.server().application(app).registry(address).registerMode(RegisterMode.INSTANCE)
                .service(Pricing.class, item -> item.length()).service(Stock.class, item -> 7).start());
    }

    private static ZooKeeperRegistry registry() {
        return cleanup.register(ZooKeeperRegistry.connect(ServiceUrl.parse(address)));
    }

    private static TernClient client(ZooKeeperRegistry registry, Migration.Step step) {
        return cleanup.register(Tern.client().application("buyer").registry(registry).migrationStep(step).build());
    }

    private static long watches() {
        return ZooKeeperStats.watchCount("127.0.0.1", zookeeper.getPort());
    }

    @Test
    void aConsumerAtEitherStepFindsAProviderThatRegistersOnlyItsInstanceAndCallsIt() {
        serve("pricing-only-instance");
        ZooKeeperRegistry registry = registry();

        for (Migration.Step step : List.of(Migration.Step.APPLICATION_FIRST, Migration.Step.FORCE_APPLICATION)) {
            try (TernClient client = client(registry, step);
                    Reference<Pricing> pricing = client.reference(Pricing.class)) {
                assertThat(pricing.get().price("tea")).as(step.name()).isEqualTo(3);
                assertThat(client.state().references()).singleElement().satisfies(r -> {
                    assertThat(r.discovery()).as("what /state and the console show")
                            .isEqualTo(step + ", application level");
                    assertThat(r.seenAt().values()).containsOnly("application");
                });
            }
        }
        assertThat(registry.applications().watchedApplications()).as("released with the references").isZero();
        assertThat(registry.applications().watchedMappings()).isZero();
    }

    @Test
    void aProviderServingTripleAdvertisesMetadataServiceV2AndIsAskedThroughIt() {
        TernServer server = cleanup.register(Tern.server().application("stock-v2").registry(address)
                .registerMode(RegisterMode.INSTANCE).triple(true).service(Stock.class, item -> 11).start());
        ZooKeeperRegistry registry = registry();
        io.tern.registry.discovery.InstanceNode instance = registry.applications().instances("stock-v2").get(0);
        assertThat(instance.metadata()).containsEntry(io.tern.registry.discovery.InstanceMetadata
                .METADATA_SERVICE_VERSION, "2.0.0");
        assertThat(io.tern.registry.discovery.InstanceMetadata.metadataServiceParams(instance.metadata()))
                .containsEntry("protocol", "tri").containsEntry("port", String.valueOf(server.port()))
                .containsEntry("version", "2.0.0");

        try (TernClient client = client(registry, Migration.Step.FORCE_APPLICATION);
                Reference<Stock> stock = client.reference(Stock.class,
                        options -> options.parameter("provided-by", "stock-v2"))) {
            assertThat(stock.get().count("tea")).isEqualTo(11);
        }
    }

    @Test
    void remoteMetadataIsPublishedToTheMetadataReportAndReadFromThere() throws Exception {
        cleanup.register(Tern.server().application("stock-remote").registry(address).registerMode(RegisterMode.INSTANCE)
                .metadataType("remote").service(Stock.class, item -> 13).start());
        cleanup.register(Tern.server().application("stock-reported").registry(address)
                .registerMode(RegisterMode.INSTANCE).reportMetadata(true).service(Stock.class, item -> 14).start());
        ZooKeeperRegistry registry = registry();
        io.tern.registry.discovery.InstanceNode remote = registry.applications().instances("stock-remote").get(0);
        io.tern.registry.discovery.InstanceNode reported = registry.applications().instances("stock-reported").get(0);
        assertThat(remote.metadata()).containsEntry(io.tern.registry.discovery.InstanceMetadata.STORAGE_TYPE, "remote");
        assertThat(reported.metadata()).containsEntry(io.tern.registry.discovery.InstanceMetadata.STORAGE_TYPE, "local");
        String json = new String(raw.getData().forPath("/dubbo/metadata/stock-remote/" + remote.revision()),
                java.nio.charset.StandardCharsets.UTF_8);
        io.tern.registry.discovery.AppMetadata published = io.tern.registry.discovery.AppMetadata.fromJson(json);
        assertThat(published.revision()).as("the content its revision names").isEqualTo(remote.revision());
        assertThat(published.services()).containsKey(Stock.class.getName() + ":dubbo");
        assertThat(raw.checkExists().forPath("/dubbo/metadata/stock-reported/" + reported.revision())).isNotNull();

        try (TernClient client = client(registry, Migration.Step.FORCE_APPLICATION);
                Reference<Stock> stock = client.reference(Stock.class,
                        options -> options.parameter("provided-by", "stock-remote"))) {
            assertThat(stock.get().count("tea")).isEqualTo(13);
        }
        assertThatThrownBy(() -> Tern.server().metadataType("shared")).hasMessage("metadata-type: 'shared'"
                + " (expected: local or remote)");
    }

    @Test
    void aProviderSeenAtBothLevelsIsCalledOverOneConnection() {
        TernServer server = cleanup.register(Tern.server().application("shelf-both").registry(address)
                .registerMode(RegisterMode.ALL).service(Shelf.class, () -> 17).start());
        try (TernClient client = client(registry(), Migration.Step.APPLICATION_FIRST);
                Reference<Shelf> shelf = client.reference(Shelf.class)) {
            for (int i = 0; i < 20; i++) {
                assertThat(shelf.get().size()).isEqualTo(17);
            }
            assertThat(client.stats("dubbo").clientCount()).as("one connection to " + server.port()
                    + ", whichever level's URL its invoker was made from and the metadata call's").isEqualTo(1);
            assertThat(client.state().references()).singleElement().satisfies(r -> assertThat(r.seenAt())
                    .as("what /state and the console show").containsExactly(java.util.Map.entry("127.0.0.1:"
                            + server.port(), "interface+application")));
        }
    }

    @Test
    void aConsumerAtTheInterfaceStepDoesNotLookAtTheApplicationLevel() {
        serve("pricing-invisible");
        try (TernClient client = client(registry(), Migration.Step.FORCE_INTERFACE);
                Reference<Stock> stock = client.reference(Stock.class)) {
            assertThatThrownBy(() -> stock.get().count("tea")).isInstanceOf(RpcException.class)
                    .hasMessageContaining("no provider available");
        }
    }

    @Test
    void aProviderChangingWhatItServesIsReadAgainAndOneServingNothingIsLeftOut() {
        TernServer server = serve("stock-changing");
        try (TernClient client = client(registry(), Migration.Step.FORCE_APPLICATION);
                Reference<Stock> stock = client.reference(Stock.class)) {
            assertThat(stock.get().count("tea")).isEqualTo(7);

            server.state().offline(Pricing.class.getName()); // a new revision, Stock still in it
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(stock.get().count("tea"))
                    .isEqualTo(7));
            server.state().offline(Stock.class.getName()); // nothing left: the instance withdrawn
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatThrownBy(() -> stock.get()
                    .count("tea")).hasMessageContaining("stock-changing").hasMessageContaining("serves "
                            + Stock.class.getName() + " (checked ").hasMessageContaining("/services/stock-changing"));
            server.state().online("*");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(stock.get().count("tea"))
                    .isEqualTo(7));
        }
    }

    @Test
    void noApplicationMappingTheInterfaceSaysWhereItLookedAndWhatToDo() {
        try (TernClient client = client(registry(), Migration.Step.FORCE_APPLICATION);
                Reference<Unserved> unserved = client.reference(Unserved.class)) {
            assertThatThrownBy(() -> unserved.get().nothing()).isInstanceOfSatisfying(RpcException.class, e -> {
                assertThat(e.status()).isEqualTo(RpcStatus.NO_PROVIDER);
                assertThat(e.getMessage()).endsWith(": no application maps interface " + Unserved.class.getName()
                        + " (checked /dubbo/mapping/" + Unserved.class.getName()
                        + "; set provided-by or register the provider)");
            });
        }
    }

    @Test
    void providedByFindsTheApplicationWithoutTheMapping() throws Exception {
        serve("stock-provided");
        raw.delete().forPath("/dubbo/mapping/" + Stock.class.getName());
        try (TernClient client = client(registry(), Migration.Step.FORCE_APPLICATION);
                Reference<Stock> unmapped = client.reference(Stock.class);
                Reference<Stock> named = client.reference(Stock.class,
                        options -> options.parameter("provided-by", "stock-provided"))) {
            assertThatThrownBy(() -> unmapped.get().count("tea")).hasMessageContaining("no application maps");
            assertThat(named.get().count("tea")).isEqualTo(7);
        }
    }

    @Test
    void anOperatorsMigrationRuleMovesRunningReferencesAndABadRuleLeavesTheOneBeforeInForce() throws Exception {
        cleanup.register(Tern.server().application("rule-interface").registry(address)
                .registerMode(RegisterMode.INTERFACE).service(Stock.class, item -> 1).start());
        cleanup.register(Tern.server().application("rule-instance").registry(address)
                .registerMode(RegisterMode.INSTANCE).service(Stock.class, item -> 2).start());
        String rule = "/dubbo/config/DUBBO_SERVICEDISCOVERY_MIGRATION/rule-buyer.migration";
        ZooKeeperRegistry registry = registry();
        TernClient client = cleanup.register(Tern.client().application("rule-buyer").registry(registry).build());
        Reference<Stock> stock = client.reference(Stock.class);
        assertThat(stock.get().count("tea")).as("APPLICATION_FIRST: the application level").isEqualTo(2);

        raw.create().creatingParentsIfNeeded().forPath(rule, "key: rule-buyer\nstep: FORCE_INTERFACE\n".getBytes());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(stock.get().count("tea")).isEqualTo(1));

        raw.setData().forPath(rule, ("key: rule-buyer\nstep: FORCE_INTERFACE\ninterfaces:\n  - serviceKey: "
                + Stock.class.getName() + "\n    step: FORCE_APPLICATION\n").getBytes());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(stock.get().count("tea")).isEqualTo(2));
        MigrationControl control = client.madeMigration();
        assertThat(control).isNotNull();
        assertThat(control.rule().interfaces()).containsKey(Stock.class.getName());

        raw.setData().forPath(rule, "step: SIDEWAYS\n".getBytes());
        await().atMost(Duration.ofSeconds(10)).until(() -> control.refusedRules() == 1);
        assertThat(control.rule().interfaces()).as("the rule before stays in force").containsKey(Stock.class.getName());
        assertThat(stock.get().count("tea")).isEqualTo(2);

        raw.delete().forPath(rule);
        await().atMost(Duration.ofSeconds(10)).until(() -> control.rule() == io.tern.registry.MigrationRule.NONE);
        assertThat(stock.get().count("tea")).as("back at APPLICATION_FIRST").isEqualTo(2);
        stock.close();
        assertThat(control.referenceCount()).isZero();
    }

    @Test
    void watchesAndKeptMetadataOfTwoHundredReferencesComingAndGoingReturnToWhereTheyStarted() throws Exception {
        for (int i = 0; i < 4; i++) {
            serve("churn-" + i);
        }
        ZooKeeperRegistry registry = registry();
        TernClient client = client(registry, Migration.Step.APPLICATION_FIRST);
        client.reference(Stock.class, options -> options.parameter("provided-by", "churn-0")).close();
        // with the client's own watch of its migration rule
        long before = ZooKeeperStats.settledWatchCount("127.0.0.1", zookeeper.getPort());
        List<Reference<?>> open = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String app = "churn-" + (i % 4);
            String variant = String.valueOf(i % 9);
            Reference<Stock> stock = client.reference(Stock.class, options -> options.parameter("provided-by", app)
                    .parameter("churn", variant));
            assertThat(stock.get().count("tea")).isEqualTo(7);
            open.add(stock);
            if (open.size() > 10) {
                open.remove(0).close();
            }
        }
        open.forEach(Reference::close);
        assertThat(client.sharedCount()).isZero();
        io.tern.registry.ApplicationDiscovery discovery = client.madeApplications();
        assertThat(discovery).isNotNull();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(registry.applications().watchedApplications()).isZero();
            assertThat(registry.applications().watchedMappings()).isZero();
            assertThat(watches()).isEqualTo(before);
            assertThat(discovery.subscriptionCount()).isZero();
            assertThat(discovery.revisionCount()).as("metadata kept").isZero();
        });
    }

}
