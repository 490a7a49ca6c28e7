package io.tern.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tern.ServiceUrl;
import io.tern.bootstrap.Reference;
import io.tern.bootstrap.RegisterMode;
import io.tern.bootstrap.Tern;
import io.tern.bootstrap.TernClient;
import io.tern.bootstrap.TernServer;
import io.tern.registry.Migration;
import io.tern.registry.Registry;
import io.tern.registry.RegistryUrls;
import io.tern.registry.ZooKeeperApplications;
import io.tern.registry.ZooKeeperRegistry;
import io.tern.registry.discovery.InstanceMetadata;
import io.tern.registry.discovery.InstanceNode;
import io.tern.testing.TernCleanup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.test.TestingServer;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a real Apache Dubbo 3.3.5 provider with {@code register-mode=instance} writes to a real
 * ZooKeeper, as Tern's application-level discovery reads it: the service-name mapping, and the
 * instance node with its revision, endpoints and metadata-service parameters, also through a
 * watch.
 */
class ApplicationDiscoveryInteropTest {

    @RegisterExtension
    static final TernCleanup cleanup = new TernCleanup();

    private static final String APP = "dubbo-instance-peer";
    private static TestingServer zookeeper;
    private static ZooKeeperRegistry registry;
    private static int dubboPort;
    private static int triplePort;
    private static DubboBootstrap dubbo;

    @BeforeAll
    static void start() throws Exception {
        zookeeper = cleanup.register(new TestingServer(true));
        String address = "zookeeper://" + zookeeper.getConnectString();
        registry = cleanup.register(ZooKeeperRegistry.connect(ServiceUrl.parse(address
                + "?timeout=10000&file-cache=false")));

        dubboPort = DubboPeer.freePort();
        // the consumer role below finds providers at the application level only
        System.setProperty("dubbo.application.migration.step", "FORCE_APPLICATION");
        cleanup.register(() -> System.clearProperty("dubbo.application.migration.step"));
        ApplicationConfig application = new ApplicationConfig(APP);
        application.setQosEnable(false);
        application.setRegisterMode("instance");
        application.setMetadataType("local");
        RegistryConfig dubboRegistry = new RegistryConfig(address);
        dubboRegistry.setUseAsConfigCenter(false);
        ProtocolConfig protocol = new ProtocolConfig("dubbo", dubboPort);
        protocol.setHost("127.0.0.1");
        triplePort = DubboPeer.freePort();
        ProtocolConfig triple = new ProtocolConfig("tri", triplePort);
        triple.setHost("127.0.0.1");
        ServiceConfig<InteropService> service = new ServiceConfig<>();
        service.setInterface(InteropService.class);
        service.setRef(new InteropServiceImpl("dubbo-1.0.0", key -> null, (key, value) -> { }));
        service.setVersion("1.0.0");
        service.setProtocols(List.of(protocol, triple));
        dubbo = DubboBootstrap.newInstance().application(application).registry(dubboRegistry)
                .protocols(List.of(protocol, triple)).service(service);
        dubbo.start();
        cleanup.register(dubbo::destroy);
    }

    @Test
    void ternReadsTheMappingDubboWrites() {
        ZooKeeperApplications apps = registry.applications();
        await().atMost(Duration.ofSeconds(30)).until(() -> apps.mapping(InteropService.class.getName()).contains(APP));
        assertThat(apps.mapping(InteropService.class.getName())).containsExactly(APP);
    }

    @Test
    void ternReadsTheInstanceDubboRegistersAndItsMetadata() throws Exception {
        ZooKeeperApplications apps = registry.applications();
        await().atMost(Duration.ofSeconds(30)).until(() -> !apps.instances(APP).isEmpty());

        InstanceNode instance = apps.instances(APP).get(0);
        assertThat(instance.app()).isEqualTo(APP);
        assertThat(instance.host()).isEqualTo("127.0.0.1");
        assertThat(instance.port()).isEqualTo(dubboPort);
        assertThat(instance.revision()).matches("[0-9a-f]{32}");
        assertThat(instance.metadata()).containsEntry(InstanceMetadata.STORAGE_TYPE, "local")
                .containsKey(InstanceMetadata.METADATA_SERVICE_VERSION);
        JsonNode endpoints = new ObjectMapper().readTree(instance.metadata().get(InstanceMetadata.ENDPOINTS));
        assertThat(endpoints.toString()).contains("{\"port\":" + dubboPort + ",\"protocol\":\"dubbo\"}")
                .contains("{\"port\":" + triplePort + ",\"protocol\":\"tri\"}");
        // Found in the jar: with Triple served, the parameters advertised are MetadataServiceV2's,
        // on the Triple port, and the same port answers version 1.0.0 too (Tern's consumer asks it).
        assertThat(instance.metadata()).containsEntry(InstanceMetadata.METADATA_SERVICE_VERSION, "2.0.0");
        JsonNode params = new ObjectMapper().readTree(instance.metadata().get(InstanceMetadata.METADATA_SERVICE_PARAMS));
        assertThat(params.get("protocol").asText()).isEqualTo("tri");
        assertThat(params.get("port").asText()).isEqualTo(String.valueOf(triplePort));
        assertThat(params.get("version").asText()).isEqualTo("2.0.0");
    }

    @Test
    void aTernConsumerAtEitherStepFindsTheDubboProviderRegisteredOnlyAsAnInstanceAndCallsItOverDubboAndTriple() {
        String address = "zookeeper://" + zookeeper.getConnectString() + "?timeout=10000&file-cache=false";
        for (Migration.Step step : List.of(Migration.Step.APPLICATION_FIRST, Migration.Step.FORCE_APPLICATION)) {
            try (TernClient client = Tern.client().application("tern-buyer").registry(address).migrationStep(step)
                    .build()) {
                Reference<InteropService> overDubbo = client.reference(InteropService.class,
                        options -> options.version("1.0.0"));
                Reference<InteropService> overTriple = client.reference(InteropService.class,
                        options -> options.version("1.0.0").protocol("tri"));
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                        .until(() -> "dubbo-1.0.0".equals(overDubbo.get().identify()));
                assertThat(overDubbo.get().echo("over dubbo")).as(step.name()).isEqualTo("over dubbo");
                assertThat(overTriple.get().echo("over triple")).as(step.name()).isEqualTo("over triple");
                assertThat(client.state().references()).as(step.name())
                        .anySatisfy(r -> assertThat(r.providers()).containsExactly("127.0.0.1:" + dubboPort))
                        .anySatisfy(r -> assertThat(r.providers()).containsExactly("127.0.0.1:" + triplePort));
            }
        }
    }

    @Test
    void aWatchOnTheApplicationSeesDubbosInstance() {
        List<List<InstanceNode>> seen = new CopyOnWriteArrayList<>();
        Registry.Subscription subscription = registry.applications().watchInstances(APP, seen::add);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> !seen.isEmpty()
                    && seen.get(seen.size() - 1).stream().anyMatch(i -> i.port() == dubboPort));
        } finally {
            subscription.close();
        }
        assertThat(registry.applications().watchedApplications()).isZero();
    }

    @Test
    void aDubboConsumerAtTheApplicationLevelFindsATernServerRegisteredAsAnInstanceAndCallsIt() throws Exception {
        String address = "zookeeper://" + zookeeper.getConnectString() + "?timeout=10000&file-cache=false";
        TernServer server = cleanup.register(Tern.server().application("tern-app").registry(address)
                .registerMode(RegisterMode.INSTANCE).service(InteropService.class,
                        new InteropServiceImpl("tern-app-5.0.0", key -> null, (key, value) -> { }),
                        s -> s.version("5.0.0")).start());
        assertThat(registry.lookup(RegistryUrls.consumer("127.0.0.1", InteropService.class, "check", "", "5.0.0")))
                .as("nothing at the interface level")
                .allMatch(ServiceUrl::isEmptyProtocol);
        InstanceNode instance = registry.applications().instances("tern-app").get(0);
        assertThat(instance.port()).isEqualTo(server.port());
        assertThat(registry.applications().mapping(InteropService.class.getName())).contains("tern-app");

        DubboPeer.callUntilIdentified(dubbo, "5.0.0", "tern-app-5.0.0", service -> {
            assertThat(service.echo("found at the application level")).isEqualTo("found at the application level");
        });
        server.close();
        assertThat(registry.applications().instances("tern-app")).as("withdrawn when the server closes").isEmpty();
    }

    @Test
    void aDubboConsumerAsksATernServerServingTripleThroughMetadataServiceV2AndCallsIt() throws Exception {
        String address = "zookeeper://" + zookeeper.getConnectString() + "?timeout=10000&file-cache=false";
        TernServer server = cleanup.register(Tern.server().application("tern-app-v2").registry(address)
                .registerMode(RegisterMode.INSTANCE).triple(true).service(InteropService.class,
                        new InteropServiceImpl("tern-app-6.0.0", key -> null, (key, value) -> { }),
                        s -> s.version("6.0.0")).start());
        InstanceNode instance = registry.applications().instances("tern-app-v2").get(0);
        assertThat(instance.metadata()).containsEntry(InstanceMetadata.METADATA_SERVICE_VERSION, "2.0.0");

        DubboPeer.callUntilIdentified(dubbo, "6.0.0", "tern-app-6.0.0", service -> {
            assertThat(service.echo("metadata over Triple")).isEqualTo("metadata over Triple");
        });
        server.close();
    }
}
