package io.tern.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tern.ServiceUrl;
import io.tern.core.lifecycle.LifecycleReport;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.registry.Migration;
import io.tern.registry.RegistryUrls;
import io.tern.registry.ZooKeeperRegistry;
import io.tern.registry.discovery.AppMetadata;
import io.tern.registry.discovery.InstanceNode;
import io.tern.registry.discovery.LocalMetadataService;
import io.tern.testing.LifecycleAssertions;
import io.tern.testing.TernCleanup;
import java.time.Duration;
import java.util.List;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Where a server registers with ZooKeeper under each register mode, and what it leaves when it closes. */
class RegisterModeTest {

    @RegisterExtension
    static final TernCleanup cleanup = new TernCleanup();

    public interface Pricing {
        int price(String item);
    }

    public interface Stock {
        int count(String item);
    }

    private static String address;
    private static ZooKeeperRegistry look;

    @BeforeAll
    static void start() throws Exception {
        TestingServer zookeeper = cleanup.register(new TestingServer(true));
        address = "zookeeper://" + zookeeper.getConnectString() + "?timeout=10000&file-cache=false";
        look = cleanup.register(ZooKeeperRegistry.connect(ServiceUrl.parse(address)));
    }

    private static TernServer serve(String app, RegisterMode mode) {
        return Tern.server().application(app).registry(address).registerMode(mode)
                .service(Pricing.class, item -> item.length()).start();
    }

    private static List<ServiceUrl> interfaceLevel(String app) {
        return look.lookup(RegistryUrls.consumer("127.0.0.1", Pricing.class, "look", "", ""))
                .stream().filter(u -> app.equals(u.application())).toList();
    }

    @Test
    void allRegistersTheServicesAndTheInstanceWithTheRevisionOfWhatItServes() {
        try (TernServer server = serve("pricing-all", RegisterMode.ALL)) {
            assertThat(interfaceLevel("pricing-all")).hasSize(1);
            List<InstanceNode> instances = look.applications().instances("pricing-all");
            assertThat(instances).hasSize(1);
            InstanceNode instance = instances.get(0);
            assertThat(instance.id()).isEqualTo("127.0.0.1:" + server.port());
            assertThat(instance.revision()).isEqualTo(AppMetadata.of("pricing-all", interfaceLevel("pricing-all"))
                    .revision());
            assertThat(look.applications().mapping(Pricing.class.getName())).contains("pricing-all");
            assertThat(look.services()).as("the mapping is no service").contains(Pricing.class.getName())
                    .doesNotContain("mapping");
        }
        assertThat(look.applications().instances("pricing-all")).isEmpty();
        assertThat(interfaceLevel("pricing-all")).isEmpty();
        assertThat(look.applications().mapping(Pricing.class.getName())).as("the mapping stays, as Dubbo leaves it")
                .contains("pricing-all");
    }

    @Test
    void instanceRegistersNothingAtTheInterfaceLevelAndInterfaceNoInstance() {
        try (TernServer instance = serve("pricing-instance", RegisterMode.INSTANCE);
                TernServer services = serve("pricing-interface", RegisterMode.INTERFACE)) {
            assertThat(interfaceLevel("pricing-instance")).isEmpty();
            assertThat(look.applications().instances("pricing-instance")).hasSize(1);
            assertThat(interfaceLevel("pricing-interface")).hasSize(1);
            assertThat(look.applications().instances("pricing-interface")).isEmpty();
            assertThat(instance.stats("dubbo").exportedCount()).as("the service and the metadata service")
                    .isEqualTo(2);
            assertThat(services.stats("dubbo").exportedCount()).isEqualTo(1);
        }
    }

    @Test
    void anOperatorTakingServicesOfflineChangesTheRevisionAndTakingAllOfflineWithdrawsTheInstance() {
        try (TernServer server = Tern.server().application("shop-ops").registry(address)
                .registerMode(RegisterMode.INSTANCE).service(Pricing.class, item -> 1)
                .service(Stock.class, item -> 2).start()) {
            String both = look.applications().instances("shop-ops").get(0).revision();

            assertThat(server.state().offline(Stock.class.getName())).isEqualTo(1);
            InstanceNode pricingOnly = look.applications().instances("shop-ops").get(0);
            assertThat(pricingOnly.revision()).as("the revision of the one service left").isNotEqualTo(both)
                    .matches("[0-9a-f]{32}");
            assertThat(pricingOnly.id()).isEqualTo("127.0.0.1:" + server.port());

            server.state().offline("*");
            assertThat(look.applications().instances("shop-ops")).as("nothing left to advertise").isEmpty();

            server.state().online("*");
            assertThat(look.applications().instances("shop-ops")).extracting(InstanceNode::revision)
                    .as("both again, under their first revision").containsExactly(both);
        }
    }

    @Test
    void aThousandChangesOfWhatAServerServesLeaveOneNodeWithTheRightRevisionAndABoundedHistory() {
        try (TernServer server = Tern.server().application("shop-churn").registry(address)
                .registerMode(RegisterMode.INSTANCE).service(Pricing.class, item -> 1)
                .service(Stock.class, item -> 2).start()) {
            String both = look.applications().instances("shop-churn").get(0).revision();
            for (int i = 0; i < 500; i++) {
                server.state().offline(Stock.class.getName());
                server.state().online(Stock.class.getName());
            }
            assertThat(look.applications().instances("shop-churn")).singleElement()
                    .satisfies(node -> assertThat(node.revision()).isEqualTo(both));
            server.state().offline(Stock.class.getName());
            String pricingOnly = look.applications().instances("shop-churn").get(0).revision();
            assertThat(pricingOnly).isNotEqualTo(both).matches("[0-9a-f]{32}");
            InstancePublication publication = server.instancePublication();
            assertThat(publication).isNotNull();
            assertThat(publication.revisionsKept()).as("two revisions, each answered once however often")
                    .isEqualTo(2);
        }
        assertThat(look.applications().instances("shop-churn")).isEmpty();
    }

    @Test
    void aThousandServicesExportedAndUnexportedWhileTheServerRunsLeaveOneNodeWithTheRightRevisionAndNoStaleState() {
        LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.PARANOID, 1, 10);
        try (TernServer server = Tern.server().application("shop-exports").registry(address).tracker(tracker)
                .unregisterDelay(Duration.ZERO).service(Pricing.class, item -> 1).start()) {
            String pricingOnly = look.applications().instances("shop-exports").get(0).revision();
            int exportedBefore = server.stats("dubbo").exportedCount();

            exportCallAndUnexport(server, pricingOnly);

            for (int i = 0; i < 1_000; i++) {
                String version = "2." + i;
                TernServer.ExportedService more = server.export(Stock.class, item -> 3, options -> options.version(version));
                assertThat(more.urls()).singleElement().satisfies(url -> assertThat(url.port()).isEqualTo(server.port()));
                more.close();
            }

            assertThat(look.applications().instances("shop-exports")).singleElement()
                    .satisfies(node -> assertThat(node.revision()).isEqualTo(pricingOnly));
            assertThat(look.lookup(RegistryUrls.consumer("127.0.0.1", Stock.class, "look", "", "2.999")))
                    .allMatch(ServiceUrl::isEmptyProtocol);
            assertThat(server.stats("dubbo").exportedCount()).isEqualTo(exportedBefore);
            assertThat(server.urls()).hasSize(1);
            InstancePublication publication = server.instancePublication();
            assertThat(publication).isNotNull();
            assertThat(publication.revisionsKept()).as("a bounded history of revisions")
                    .isEqualTo(LocalMetadataService.HISTORY);
            LifecycleReport report = LifecycleAssertions.assertAllCollected(tracker, Duration.ofSeconds(30));
            assertThat(report.counts(ResourceKind.EXPORTER).destroyed()).isGreaterThanOrEqualTo(1_001);
            assertThat(report.counts(ResourceKind.EXPORTER).live()).as("the service and the metadata service")
                    .isEqualTo(2);
        }
        assertThat(look.applications().instances("shop-exports")).isEmpty();
    }

    /** Exports Stock 1.0 on the running {@code server}, finds and calls it at the application level, unexports it. */
    private static void exportCallAndUnexport(TernServer server, String pricingOnly) {
            TernServer.ExportedService stock = server.export(Stock.class, item -> 2, options -> options.version("1.0"));
            InstanceNode withStock = look.applications().instances("shop-exports").get(0);
            assertThat(withStock.revision()).as("the revision of both services").isNotEqualTo(pricingOnly)
                    .isEqualTo(AppMetadata.of("shop-exports", List.of(interfaceLevel("shop-exports").get(0),
                            stockAt("shop-exports", "1.0").get(0))).revision());
            assertThat(look.applications().mapping(Stock.class.getName())).contains("shop-exports");
            try (TernClient client = Tern.client().application("shop-buyer").registry(address).build()) {
                Stock found = client.reference(Stock.class, options -> options.version("1.0")
                        .parameter(Migration.STEP, "FORCE_APPLICATION")).get();
                assertThat(found.count("apples")).as("found at the application level and called").isEqualTo(2);
            }
            stock.close();
            assertThat(stockAt("shop-exports", "1.0")).as("unregistered").isEmpty();
    }

    private static List<ServiceUrl> stockAt(String app, String version) {
        return look.lookup(RegistryUrls.consumer("127.0.0.1", Stock.class, "look", "", version))
                .stream().filter(u -> !u.isEmptyProtocol() && app.equals(u.application())).toList();
    }

    @Test
    void aRegisterModeIsReadAsDubboWritesIt() {
        assertThat(RegisterMode.parse("instance")).isEqualTo(RegisterMode.INSTANCE);
        assertThat(RegisterMode.parse(" ALL ")).isEqualTo(RegisterMode.ALL);
        assertThatThrownBy(() -> RegisterMode.parse("both")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("register-mode: 'both' (expected: interface, instance or all)");
    }
}
