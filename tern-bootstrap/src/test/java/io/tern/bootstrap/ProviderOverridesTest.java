package io.tern.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.ServiceUrl;
import io.tern.registry.Migration;
import io.tern.registry.ZooKeeperApplications;
import io.tern.registry.ZooKeeperRegistry;
import io.tern.testing.TernCleanup;
import io.tern.testing.ZooKeeperNodes;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A provider applies the provider-side override rules for it to itself and registers again, as a
 * Dubbo provider does: the URL at the interface level and the revision at the application level
 * change with the rule, consumers at either level see it (a weight, a provider disabled), and the
 * provider goes back to its own URL when the rule goes.
 */
class ProviderOverridesTest {

    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    public interface Quote {
        String who();
    }

    private static final String PROVIDERS = "/dubbo/" + Quote.class.getName() + "/providers";

    @Test
    void aProviderRegistersAgainAsItsRulesConfigureIt() throws Exception {
        TestingServer zookeeper = cleanup.register(new TestingServer(true));
        String address = "zookeeper://" + zookeeper.getConnectString() + "?file-cache=false";
        CuratorFramework raw = cleanup.register(CuratorFrameworkFactory.newClient(zookeeper.getConnectString(),
                new RetryOneTime(100)));
        raw.start();
        int first = cleanup.register(Tern.server().application("quotes").registry(address)
                .service(Quote.class, () -> "first").start()).port();
        int second = cleanup.register(Tern.server().application("quotes").registry(address)
                .service(Quote.class, () -> "second").start()).port();
        ZooKeeperRegistry look = cleanup.register(ZooKeeperRegistry.connect(ServiceUrl.parse(address)));
        ZooKeeperApplications level = java.util.Objects.requireNonNull(look.applications());
        String revisionBefore = revisionOf(level, first);

        // what dubbo-admin writes for a weight: a provider-side item naming the provider
        ZooKeeperNodes.write(raw, "/dubbo/config/dubbo/quotes.configurators", """
                configVersion: v3.0
                scope: application
                key: quotes
                enabled: true
                configs:
                  - type: weight
                    enabled: true
                    side: provider
                    addresses: ["127.0.0.1:%d"]
                    parameters:
                      weight: 37
                """.formatted(first));
        await().atMost(Duration.ofSeconds(5)).until(() -> registered(raw, first).contains("weight=37"));
        assertThat(registered(raw, second)).doesNotContain("weight=");
        assertThat(raw.getChildren().forPath(PROVIDERS)).as("the old URL taken away").hasSize(2);
        await().atMost(Duration.ofSeconds(5)).until(() -> !revisionOf(level, first).equals(revisionBefore));

        // a provider taking itself out: consumers at both levels stop calling it
        ZooKeeperNodes.write(raw, "/dubbo/config/dubbo/" + Quote.class.getName() + "::.configurators", """
                configVersion: v3.0
                scope: service
                key: %s
                configs:
                  - side: provider
                    addresses: ["127.0.0.1:%d"]
                    parameters: {disabled: true}
                """.formatted(Quote.class.getName(), second));
        await().atMost(Duration.ofSeconds(5)).until(() -> registered(raw, second).contains("disabled=true"));
        for (Migration.Step step : List.of(Migration.Step.FORCE_INTERFACE, Migration.Step.FORCE_APPLICATION)) {
            try (TernClient client = Tern.client().application("buyer").registry(address).migrationStep(step)
                    .build()) {
                Quote quote = client.reference(Quote.class, options -> options.retries(2)).get();
                await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
                        .until(() -> reached(quote).equals(Set.of("first")));
            }
        }
        raw.delete().forPath("/dubbo/config/dubbo/" + Quote.class.getName() + "::.configurators");
        await().atMost(Duration.ofSeconds(5)).until(() -> !registered(raw, second).contains("disabled"));

        // the legacy form, a provider-side override:// under /configurators
        String legacy = "/dubbo/" + Quote.class.getName() + "/configurators/" + ServiceUrl.encode("override://"
                + "127.0.0.1:" + second + "/" + Quote.class.getName() + "?category=configurators&dynamic=false"
                + "&timeout=4321");
        raw.create().creatingParentsIfNeeded().forPath(legacy);
        await().atMost(Duration.ofSeconds(5)).until(() -> registered(raw, second).contains("timeout=4321"));
        raw.delete().forPath(legacy);
        raw.delete().forPath("/dubbo/config/dubbo/quotes.configurators");
        await().atMost(Duration.ofSeconds(5)).until(() -> !registered(raw, first).contains("weight")
                && !registered(raw, second).contains("timeout=4321"));
        assertThat(raw.getChildren().forPath(PROVIDERS)).hasSize(2);
        await().atMost(Duration.ofSeconds(5)).until(() -> revisionOf(level, first).equals(revisionBefore));
    }

    private static Set<String> reached(Quote quote) {
        Set<String> reached = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            reached.add(quote.who());
        }
        return reached;
    }

    /** The URL registered at the interface level for the provider on {@code port}, decoded. */
    private static String registered(CuratorFramework raw, int port) throws Exception {
        for (String child : raw.getChildren().forPath(PROVIDERS)) {
            String url = ServiceUrl.decode(child);
            if (url.contains("127.0.0.1:" + port + "/")) {
                return url;
            }
        }
        return "";
    }

    private static String revisionOf(ZooKeeperApplications level, int port) {
        return level.instances("quotes").stream().filter(i -> i.port() == port).map(i -> i.revision())
                .findFirst().orElse("");
    }
}
