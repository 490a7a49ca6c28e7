package io.tern.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tern.Exporter;
import io.tern.Invoker;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.cluster.Clusters;
import io.tern.cluster.DynamicDirectory;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.dubbo.DubboProtocol;
import io.tern.testing.TernCleanup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TernMetricsTest {

    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        public Refused(String message) {
            super(message);
        }
    }

    public interface Greeter {
        String greet(String name);

        String refuse(String name) throws Refused;

        String sleep(long millis);
    }

    public static final class GreeterImpl implements Greeter {
        @Override
        public String greet(String name) {
            return "Hello, " + name;
        }

        @Override
        public String refuse(String name) throws Refused {
            throw new Refused("no, " + name);
        }

        @Override
        public String sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "slept";
        }
    }

    private static final String PATH = Greeter.class.getName();

    private PrometheusMeterRegistry registry;
    private TernMetrics providerMetrics;
    private TernMetrics consumerMetrics;
    private DubboProtocol provider;
    private DubboProtocol consumer;

    @BeforeEach
    void start() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        providerMetrics = cleanup.register(TernMetrics.create(registry, "shop"));
        consumerMetrics = cleanup.register(TernMetrics.create(registry, "front"));
        provider = cleanup.register(
                DubboProtocol.builder().providerFilters(List.of(providerMetrics.providerFilter())).build());
        consumer = cleanup.register(
                DubboProtocol.builder().consumerFilters(List.of(consumerMetrics.consumerFilter())).build());
    }

    private Exporter<Greeter> export(String version) {
        return provider.export(Invokers.of(Greeter.class, new GreeterImpl(),
                ServiceUrl.parse("dubbo://127.0.0.1:0/" + PATH + "?version=" + version)));
    }

    /** The value of one Prometheus series, or -1 when it is not there. */
    private double series(String name, String method, String application) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(registry.scrape());
        while (m.find()) {
            String labels = m.group(1);
            if (labels.contains("method=\"" + method + "\"") && labels.contains("application_name=\"" + application + "\"")
                    && labels.contains("interface=\"" + PATH + "\"")) {
                return Double.parseDouble(m.group(2));
            }
        }
        return -1;
    }

    @Test
    void callsAreCountedUnderDubbosNamesOnBothSides() {
        ServiceUrl url = export("1.0").url();
        Greeter greeter = Proxies.create(consumer.refer(Greeter.class, url.toBuilder().parameter("timeout", 100).build()));
        for (int i = 0; i < 3; i++) {
            assertThat(greeter.greet("n" + i)).isEqualTo("Hello, n" + i);
        }
        assertThatThrownBy(() -> greeter.refuse("x")).isInstanceOf(Refused.class);
        assertThatThrownBy(() -> greeter.sleep(500)).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.status()).isEqualTo(RpcStatus.TIMEOUT));

        assertThat(series("dubbo_provider_requests_total", "greet", "shop")).isEqualTo(3);
        assertThat(series("dubbo_provider_requests_succeed_total", "greet", "shop")).isEqualTo(3);
        assertThat(series("dubbo_consumer_requests_total", "greet", "front")).isEqualTo(3);
        assertThat(series("dubbo_consumer_requests_succeed_total", "greet", "front")).isEqualTo(3);
        assertThat(series("dubbo_provider_requests_business_failed_total", "refuse", "shop")).isEqualTo(1);
        assertThat(series("dubbo_consumer_requests_business_failed_total", "refuse", "front")).isEqualTo(1);
        assertThat(series("dubbo_consumer_requests_timeout_total", "sleep", "front")).isEqualTo(1);
        assertThat(series("dubbo_consumer_requests_failed_total", "sleep", "front")).isEqualTo(1);
        assertThat(series("dubbo_consumer_requests_processing", "greet", "front")).isZero();
        assertThat(series("dubbo_provider_rt_seconds_count", "greet", "shop")).isEqualTo(3);
        assertThat(series("dubbo_provider_rt_milliseconds_max", "greet", "shop")).isGreaterThanOrEqualTo(0);
        assertThat(registry.scrape()).contains("dubbo_provider_rt_seconds_bucket{")
                .contains("version=\"1.0\"").contains("group=\"\"");
    }

    @Test
    void aMethodsMetersGoWithItsLastInvoker() {
        Exporter<Greeter> exporter = export("1.0");
        Invoker<Greeter> first = consumer.refer(Greeter.class, exporter.url());
        Invoker<Greeter> second = consumer.refer(Greeter.class, exporter.url());
        Proxies.create(first).greet("a");
        assertThat(series("dubbo_consumer_requests_total", "greet", "front")).isEqualTo(1);

        first.close();
        assertThat(series("dubbo_consumer_requests_total", "greet", "front")).isEqualTo(1); // second holds them
        second.close();
        assertThat(series("dubbo_consumer_requests_total", "greet", "front")).isEqualTo(-1);
        assertThat(consumerMetrics.meteredMethods()).isZero();

        assertThat(series("dubbo_provider_requests_total", "greet", "shop")).isEqualTo(1);
        exporter.close();
        assertThat(series("dubbo_provider_requests_total", "greet", "shop")).isEqualTo(-1);
        assertThat(providerMetrics.meteredMethods()).isZero();
    }

    @Test
    void churnOfProviderNotificationsLeavesOnlyTheLiveSetsMeters() {
        List<ServiceUrl> versions = List.of(export("1").url(), export("2").url(), export("3").url());
        int baseline = registry.getMeters().size();
        int perMethodSet = metersOfOneMethod();
        ServiceUrl consumerUrl = ServiceUrl.parse("consumer://127.0.0.1/" + PATH);
        DynamicDirectory<Greeter> directory = DynamicDirectory.create(Greeter.class, consumerUrl,
                url -> consumer.refer(Greeter.class, url), Duration.ZERO, LifecycleTracker.global());
        Invoker<Greeter> cluster = Clusters.join(directory, List.of()); // owns the directory
        Greeter greeter = Proxies.create(cluster);
        Random random = new Random(17);
        List<ServiceUrl> live = List.of();
        for (int i = 0; i < 5_000; i++) {
            List<ServiceUrl> next = new ArrayList<>();
            for (ServiceUrl url : versions) {
                if (random.nextBoolean()) {
                    next.add(url.toBuilder().parameter("weight", 1 + random.nextInt(100)).build());
                }
            }
            if (next.isEmpty()) {
                next.add(versions.get(random.nextInt(versions.size()))); // an empty list is ignored, not applied
            }
            directory.notify(next);
            live = next;
            if (i % 500 == 0) {
                assertThat(greeter.greet("churn")).isEqualTo("Hello, churn");
            }
        }
        long liveVersions = live.stream().map(u -> u.serviceKey().version()).distinct().count();
        // Removed providers close in the background once their calls are done: give them a moment.
        await().atMost(Duration.ofSeconds(10)).until(() -> consumerMetrics.meteredMethods() == 3 * liveVersions);
        assertThat(registry.getMeters()).hasSize(baseline + (int) (3 * liveVersions) * perMethodSet);

        cluster.close();
        // The directory's last invokers close in the background, each once its calls are done.
        await().atMost(Duration.ofSeconds(10)).until(() -> consumerMetrics.meteredMethods() == 0);
        assertThat(registry.getMeters()).hasSize(baseline);
    }

    /** How many meters one method of one service has on one side. */
    private int metersOfOneMethod() {
        PrometheusMeterRegistry scratch = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new RequestMeters(scratch, "consumer", MeterSetKeys.any().tags());
        return scratch.getMeters().size();
    }

    @Test
    void twoOwnersOfOneSharedMeterEachKeepItUntilTheLastLetsGo() {
        LifecycleTracker tracker = LifecycleTracker.global();
        providerMetrics.bindLifecycle(tracker).bindProtocol("provider", provider.stats());
        consumerMetrics.bindLifecycle(tracker).bindProtocol("provider", consumer.stats());
        export("1.0");
        String live = "tern_lifecycle_live{kind=\"exporter\"} ";
        assertThat(registry.scrape()).contains(live + tracker.counts(io.tern.core.lifecycle.ResourceKind.EXPORTER).live()
                + ".0"); // the one tracker counts once, though bound twice
        assertThat(registry.scrape()).contains("tern_services_exported{protocol=\"dubbo\",role=\"provider\"} 1.0");

        providerMetrics.close();
        assertThat(registry.scrape()).contains(live).contains("tern_services_exported{"); // the consumer's share
        consumerMetrics.close();
        assertThat(registry.scrape()).doesNotContain("tern_lifecycle_live").doesNotContain("tern_services_exported");
    }

    @Test
    void lifecycleAndProtocolMetersAreBoundAndRemovedOnClose() {
        providerMetrics.bindLifecycle(LifecycleTracker.global()).bindProtocol("provider", provider.stats());
        Exporter<Greeter> exporter = export("1.0");
        Proxies.create(consumer.refer(Greeter.class, exporter.url())).greet("x");
        // The provider counts a call finished just after it has sent the answer the caller already has.
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.scrape()
                .contains("tern_server_calls{protocol=\"dubbo\",role=\"provider\"} 0.0"));
        String scrape = registry.scrape();
        Matcher created = Pattern.compile("tern_lifecycle_events_total\\{event=\"created\",kind=\"invoker\"\\} (\\S+)").matcher(scrape);
        assertThat(created.find()).as(scrape).isTrue();
        assertThat(Double.parseDouble(created.group(1))).isPositive();
        assertThat(scrape).contains("tern_lifecycle_live{kind=\"exporter\"} 1.0")
                .contains("tern_lifecycle_events_total{event=\"leaked\",kind=\"client\"} 0.0")
                .contains("tern_services_exported{protocol=\"dubbo\",role=\"provider\"} 1.0")
                .contains("tern_connections{protocol=\"dubbo\",role=\"provider\"} 1.0")
                .contains("tern_server_calls{protocol=\"dubbo\",role=\"provider\"} 0.0")
                .contains("tern_server_pool_active{protocol=\"dubbo\",role=\"provider\"}")
                .contains("tern_server_pool_queued{protocol=\"dubbo\",role=\"provider\"} 0.0");

        providerMetrics.close();
        assertThat(registry.scrape()).doesNotContain("tern_lifecycle").doesNotContain("tern_services_exported")
                .doesNotContain("dubbo_provider_");
    }
}
