package io.tern.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.ServiceUrl;
import io.tern.bootstrap.Reference;
import io.tern.bootstrap.RegisterMode;
import io.tern.bootstrap.Tern;
import io.tern.bootstrap.TernClient;
import io.tern.bootstrap.TernServer;
import io.tern.registry.Migration;
import io.tern.registry.ZooKeeperRegistry;
import io.tern.registry.discovery.AppMetadata;
import io.tern.registry.discovery.InstanceMetadata;
import io.tern.registry.discovery.InstanceNode;
import io.tern.testing.TernCleanup;
import java.time.Duration;
import org.apache.curator.test.TestingServer;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.MetadataReportConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Application-level discovery with the metadata kept in the metadata report
 * ({@code metadata-type=remote}), both ways with a real Apache Dubbo 3.3.5 and a real ZooKeeper:
 * Tern reads what Dubbo publishes under {@code /dubbo/metadata/<app>/<revision>}, and Dubbo reads
 * what Tern publishes there.
 */
class RemoteMetadataInteropTest {

    @RegisterExtension
    static final TernCleanup cleanup = new TernCleanup();

    private static final String APP = "dubbo-remote-peer";
    private static TestingServer zookeeper;
    private static ZooKeeperRegistry registry;
    private static DubboBootstrap dubbo;
    private static String ternAddress;

    @BeforeAll
    static void start() throws Exception {
        zookeeper = cleanup.register(new TestingServer(true));
        String address = "zookeeper://" + zookeeper.getConnectString();
        ternAddress = address + "?timeout=10000&file-cache=false";
        registry = cleanup.register(ZooKeeperRegistry.connect(ServiceUrl.parse(ternAddress)));

        int port = DubboPeer.freePort();
        System.setProperty("dubbo.application.migration.step", "FORCE_APPLICATION");
        cleanup.register(() -> System.clearProperty("dubbo.application.migration.step"));
        ApplicationConfig application = new ApplicationConfig(APP);
        application.setQosEnable(false);
        application.setRegisterMode("instance");
        application.setMetadataType("remote");
        RegistryConfig dubboRegistry = new RegistryConfig(address);
        dubboRegistry.setUseAsConfigCenter(false);
        dubboRegistry.setUseAsMetadataCenter(false);
        ProtocolConfig protocol = new ProtocolConfig("dubbo", port);
        protocol.setHost("127.0.0.1");
        ServiceConfig<InteropService> service = new ServiceConfig<>();
        service.setInterface(InteropService.class);
        service.setRef(new InteropServiceImpl("dubbo-remote", key -> null, (key, value) -> { }));
        service.setVersion("7.0.0");
        service.setProtocol(protocol);
        dubbo = DubboBootstrap.newInstance().application(application).registry(dubboRegistry)
                .metadataReport(new MetadataReportConfig(address)).protocol(protocol).service(service);
        dubbo.start();
        cleanup.register(dubbo::destroy);
    }

    @Test
    void ternReadsTheMetadataADubboProviderPublishesToTheReportAndCallsIt() {
        await().atMost(Duration.ofSeconds(30)).until(() -> !registry.applications().instances(APP).isEmpty());
        InstanceNode instance = registry.applications().instances(APP).get(0);
        assertThat(instance.metadata()).containsEntry(InstanceMetadata.STORAGE_TYPE, "remote");
        AppMetadata published = registry.applications().metadata(APP, instance.revision());
        assertThat(published.revision()).as("Tern computes the revision Dubbo published it under")
                .isEqualTo(instance.revision());

        try (TernClient client = Tern.client().application("tern-remote-buyer").registry(ternAddress)
                .migrationStep(Migration.Step.FORCE_APPLICATION).build();
                Reference<InteropService> reference = client.reference(InteropService.class,
                        options -> options.version("7.0.0"))) {
            assertThat(reference.get().identify()).isEqualTo("dubbo-remote");
        }
    }

    @Test
    void aDubboConsumerReadsTheMetadataATernServerPublishesToTheReportAndCallsIt() {
        TernServer server = cleanup.register(Tern.server().application("tern-remote").registry(ternAddress)
                .registerMode(RegisterMode.INSTANCE).metadataType("remote").service(InteropService.class,
                        new InteropServiceImpl("tern-remote-8.0.0", key -> null, (key, value) -> { }),
                        s -> s.version("8.0.0")).start());
        InstanceNode instance = registry.applications().instances("tern-remote").get(0);
        assertThat(instance.metadata()).containsEntry(InstanceMetadata.STORAGE_TYPE, "remote");

        DubboPeer.callUntilIdentified(dubbo, "8.0.0", "tern-remote-8.0.0", service -> { });
        server.close();
    }
}
