package io.tern.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.Exporter;
import io.tern.Invoker;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.dubbo.DubboProtocol;
import io.tern.testing.TernCleanup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A cluster over real dubbo connections: spreading load, and losing a provider without failing a call. */
class ClusterOverDubboTest {

    public interface Identity {
        String whoAmI();
    }

    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    @Test
    void callsSpreadAndSurviveAProviderLeaving() {
        ConcurrentHashMap<String, AtomicInteger> served = new ConcurrentHashMap<>();
        DubboProtocol providers = cleanup.register(DubboProtocol.create());
        DubboProtocol consumer = cleanup.register(DubboProtocol.create());
        List<Exporter<Identity>> exporters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String name = "provider-" + i;
            exporters.add(providers.export(Invokers.of(Identity.class, () -> {
                served.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
                return name;
            }, ServiceUrl.parse("dubbo://127.0.0.1:0/" + Identity.class.getName()))));
        }
        List<ServiceUrl> urls = exporters.stream().map(Exporter::url).toList();
        ServiceUrl consumerUrl = ServiceUrl.parse("consumer://127.0.0.1/" + Identity.class.getName()
                + "?loadbalance=roundrobin&retries=2");
        DynamicDirectory<Identity> directory = DynamicDirectory.create(Identity.class, consumerUrl,
                url -> consumer.refer(Identity.class, url));
        directory.notify(urls);
        Invoker<Identity> cluster = Clusters.join(directory, List.of());
        Identity identity = Proxies.create(cluster);
        // round robin spreads evenly over the providers that are connected: wait until all three are
        await().atMost(Duration.ofSeconds(10)).until(() -> directory.providers().stream()
                .allMatch(Provider::isAvailable));

        for (int i = 0; i < 300; i++) {
            identity.whoAmI();
        }
        assertThat(served).containsOnlyKeys("provider-0", "provider-1", "provider-2");
        served.values().forEach(count -> assertThat(count.get()).isEqualTo(100));

        // Provider 1 shuts down gracefully; the registry has not told the consumer yet.
        exporters.get(1).close();
        for (int i = 0; i < 300; i++) {
            assertThat(identity.whoAmI()).isNotEqualTo("provider-1");
        }

        // Then the notification arrives: the directory drops it and its shared client closes.
        directory.notify(List.of(urls.get(0), urls.get(2)));
        await().atMost(Duration.ofSeconds(10)).until(() -> consumer.stats().clientCount() == 2);
        assertThat(directory.providers()).hasSize(2);
        assertThat(identity.whoAmI()).isIn("provider-0", "provider-2");

        cluster.close();
        assertThat(consumer.stats().clientCount()).isZero();
        assertThat(consumer.stats().referredCount()).isZero();
    }
}
