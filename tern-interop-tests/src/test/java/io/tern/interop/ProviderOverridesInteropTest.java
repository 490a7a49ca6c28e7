package io.tern.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.ServiceUrl;
import io.tern.bootstrap.Tern;
import io.tern.bootstrap.TernClient;
import io.tern.registry.Migration;
import io.tern.testing.TernCleanup;
import io.tern.testing.ZooKeeperNodes;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Provider-side override rules, applied by a real Apache Dubbo 3.3.5 provider and a Tern provider
 * to themselves: each registers again as the rule configures it (a weight, as dubbo-admin writes
 * it; a provider disabled, as Dubbo's documentation tells operators to isolate one), a Dubbo and a
 * Tern consumer at the application level obey what they register, and each provider goes back to
 * its own URL when the rule is taken away.
 */
class ProviderOverridesInteropTest {

    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    private static final String SERVICE = InteropService.class.getName();
    private static final String PROVIDERS = "/dubbo/" + SERVICE + "/providers";

    @Test
    void aDubboProviderAndATernProviderEachApplyTheirProviderSideRules() throws Exception {
        int dubboPort = DubboPeer.freePort(); // hides the other interfaces from Dubbo in this JVM too
        TestingServer zookeeper = cleanup.register(new TestingServer(true));
        String address = "zookeeper://" + zookeeper.getConnectString();
        CuratorFramework raw = cleanup.register(CuratorFrameworkFactory.newClient(zookeeper.getConnectString(),
                new RetryOneTime(100)));
        raw.start();
        cleanup.register(DubboProcess.provider("rules-provider", address, "all", dubboPort, "dubbo-a", true));
        int ternPort = cleanup.register(Tern.server().application("rules-provider").registry(address
                + "?file-cache=false").service(InteropService.class, new InteropServiceImpl("tern-a", key -> null,
                (key, value) -> { }), s -> s.version("1.0.0")).start()).port();
        System.setProperty("dubbo.application.migration.step", "FORCE_APPLICATION");
        cleanup.register(() -> System.clearProperty("dubbo.application.migration.step"));
        TernClient client = cleanup.register(Tern.client().application("rules-buyer").registry(address
                + "?file-cache=false").migrationStep(Migration.Step.FORCE_APPLICATION).build());
        DubboPeer dubbo = cleanup.register(DubboPeer.registryConsumer("rules-buyer", address, true));
        InteropService viaTern = client.reference(InteropService.class,
                options -> options.version("1.0.0").retries(2)).get();
        await().atMost(Duration.ofSeconds(20)).until(() -> registered(raw).size() == 2);
        Map<Integer, String> before = registered(raw);

        String application = "/dubbo/config/dubbo/rules-provider.configurators";
        ZooKeeperNodes.write(raw, application, """
                configVersion: v3.0
                scope: application
                key: rules-provider
                enabled: true
                configs:
                  - type: weight
                    enabled: true
                    side: provider
                    addresses: ["127.0.0.1:%d", "127.0.0.1:%d"]
                    parameters:
                      weight: 37
                """.formatted(dubboPort, ternPort));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(registered(raw))
                .as("each provider registers again with the weight").allSatisfy((port, url) ->
                        assertThat(url).contains("weight=37")).hasSize(2));
        raw.delete().forPath(application);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(registered(raw))
                .as("each back at its own URL").allSatisfy((port, url) -> assertThat(url).doesNotContain("weight="))
                .hasSize(2));

        String service = "/dubbo/config/dubbo/" + SERVICE + ":1.0.0:.configurators";
        for (Map.Entry<Integer, String> disabled : Map.of(dubboPort, "tern-a", ternPort, "dubbo-a").entrySet()) {
            ZooKeeperNodes.write(raw, service, """
                    configVersion: v3.0
                    scope: service
                    key: %s:1.0.0
                    configs:
                      - side: provider
                        addresses: ["127.0.0.1:%d"]
                        parameters: {disabled: true}
                    """.formatted(SERVICE, disabled.getKey()));
            await().atMost(Duration.ofSeconds(10)).until(() -> registered(raw).getOrDefault(disabled.getKey(), "")
                    .contains("disabled=true"));
            Set<String> left = Set.of(disabled.getValue());
            // A Dubbo reference made now, on what the providers register. The long-lived one is not
            // asked: Dubbo 3.3.5's application-level directory, refreshing while a provider registers
            // again under the rule, at times destroys invokers it still lists ("Remote invoker has
            // been destroyed", both left in invokersToReconnect) and stays without a provider.
            try (DubboPeer.OwnReference fresh = dubbo.newReference()) {
                await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
                    assertThat(reached(fresh.service())).as("a Dubbo consumer, port " + disabled.getKey()
                            + " disabled").isEqualTo(left);
                    assertThat(reached(viaTern)).as("the Tern consumer, port " + disabled.getKey() + " disabled")
                            .isEqualTo(left);
                });
            }
            raw.delete().forPath(service);
            await().atMost(Duration.ofSeconds(10)).until(() -> registered(raw).equals(before));
        }
        System.out.println("registered after the rules: " + registered(raw));
    }

    private static Set<String> reached(InteropService service) {
        Set<String> reached = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            reached.add(service.identify());
        }
        return reached;
    }

    /** The URLs registered at the interface level, decoded, by port. */
    private static Map<Integer, String> registered(CuratorFramework raw) throws Exception {
        Map<Integer, String> byPort = new TreeMap<>();
        if (raw.checkExists().forPath(PROVIDERS) == null) {
            return byPort;
        }
        for (String child : raw.getChildren().forPath(PROVIDERS)) {
            ServiceUrl url = ServiceUrl.parse(ServiceUrl.decode(child));
            byPort.merge(url.port(), url.toString(), (a, b) -> a + " AND " + b);
        }
        return byPort;
    }
}
