package io.tern.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.tern.Invocation;
import io.tern.ServiceUrl;
import io.tern.cluster.internal.InvokerStats;
import io.tern.core.lifecycle.LifecycleTracker;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Each balancer over large seeded samples. Where picks are random, counts are binomial: for n
 * picks at probability p the standard deviation is sqrt(n p (1 - p)), and a count within five of
 * them of n p fails by chance less than once in a million runs. Seeds make runs repeatable.
 */
class LoadBalancerDistributionTest {

    private static final int N = 100_000;
    private static final long NOW = 1_800_000_000_000L;

    private static Provider<FakeInvoker.Service> provider(String address, String parameters) {
        return Provider.of(new FakeInvoker(ServiceUrl.parse("dubbo://" + address + "/"
                + FakeInvoker.Service.class.getName() + (parameters.isEmpty() ? "" : "?" + parameters)),
                i -> CompletableFuture.completedFuture(io.tern.Result.value("ok")), LifecycleTracker.global()));
    }

    private static LoadBalancer balancer(String name, InvokerStats stats, Random random) {
        return LoadBalancers.create(name, new LoadBalancerContext(stats::of, random, () -> NOW));
    }

    private static Map<Provider<FakeInvoker.Service>, Integer> pick(LoadBalancer lb, List<Provider<FakeInvoker.Service>> invokers,
            int n) {
        Map<Provider<FakeInvoker.Service>, Integer> counts = new HashMap<>();
        Invocation invocation = FakeInvoker.invocation("x");
        for (int i = 0; i < n; i++) {
            counts.merge(lb.select(invokers, invocation), 1, Integer::sum);
        }
        return counts;
    }

    private static void assertBinomial(int count, int n, double p) {
        double sd = Math.sqrt(n * p * (1 - p));
        assertThat((double) count).isBetween(n * p - 5 * sd, n * p + 5 * sd);
    }

    @Test
    void weightedRandomFollowsWeights() {
        List<Provider<FakeInvoker.Service>> invokers = List.of(provider("10.0.0.1:1", "weight=100"),
                provider("10.0.0.2:1", "weight=200"), provider("10.0.0.3:1", "weight=700"));
        LoadBalancer lb = balancer("random", new InvokerStats(), new Random(1));

        Map<Provider<FakeInvoker.Service>, Integer> counts = pick(lb, invokers, N);

        assertBinomial(counts.get(invokers.get(0)), N, 0.1);
        assertBinomial(counts.get(invokers.get(1)), N, 0.2);
        assertBinomial(counts.get(invokers.get(2)), N, 0.7);
    }

    @Test
    void equalWeightsAreUniform() {
        List<Provider<FakeInvoker.Service>> invokers = List.of(provider("10.0.0.1:1", ""), provider("10.0.0.2:1", ""),
                provider("10.0.0.3:1", ""), provider("10.0.0.4:1", ""));
        Map<Provider<FakeInvoker.Service>, Integer> counts = pick(
                balancer("random", new InvokerStats(), new Random(2)), invokers, N);
        invokers.forEach(i -> assertBinomial(counts.get(i), N, 0.25));
    }

    @Test
    void warmingUpProvidersGetAShareRampedByUptime() {
        // One minute into a ten-minute warm-up, weight 100 counts as 10 (Dubbo: uptime / (warmup / weight)).
        long started = NOW - 60_000;
        List<Provider<FakeInvoker.Service>> invokers = List.of(provider("10.0.0.1:1", ""),
                provider("10.0.0.2:1", "timestamp=" + started + "&warmup=600000"));
        Map<Provider<FakeInvoker.Service>, Integer> counts = pick(
                balancer("random", new InvokerStats(), new Random(3)), invokers, N);
        assertBinomial(counts.get(invokers.get(1)), N, 10.0 / 110);
    }

    @Test
    void smoothRoundRobinInterleavesByWeight() {
        Provider<FakeInvoker.Service> a = provider("10.0.0.1:1", "weight=5");
        Provider<FakeInvoker.Service> b = provider("10.0.0.2:1", "weight=1");
        Provider<FakeInvoker.Service> c = provider("10.0.0.3:1", "weight=1");
        LoadBalancer lb = balancer("roundrobin", new InvokerStats(), new Random(4));
        Invocation invocation = FakeInvoker.invocation("x");
        List<Provider<FakeInvoker.Service>> invokers = List.of(a, b, c);

        List<Provider<FakeInvoker.Service>> sequence = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            sequence.add(lb.select(invokers, invocation));
        }
        assertThat(sequence).containsExactly(a, a, b, a, c, a, a);
        Map<Provider<FakeInvoker.Service>, Integer> counts = pick(lb, invokers, 70_000);
        assertThat(counts).containsEntry(a, 50_000).containsEntry(b, 10_000).containsEntry(c, 10_000);
    }

    @Test
    void leastActivePicksTheIdlest() {
        InvokerStats stats = new InvokerStats();
        Provider<FakeInvoker.Service> busy = provider("10.0.0.1:1", "");
        Provider<FakeInvoker.Service> idle = provider("10.0.0.2:1", "");
        Provider<FakeInvoker.Service> idleToo = provider("10.0.0.3:1", "");
        for (int i = 0; i < 3; i++) {
            stats.of(busy).start();
        }
        Map<Provider<FakeInvoker.Service>, Integer> counts = pick(
                balancer("leastactive", stats, new Random(5)), List.of(busy, idle, idleToo), N);
        assertThat(counts).doesNotContainKey(busy);
        assertBinomial(counts.get(idle), N, 0.5); // ties broken by weight, here equal
    }

    @Test
    void shortestResponsePicksTheFastest() {
        InvokerStats stats = new InvokerStats();
        Provider<FakeInvoker.Service> slow = provider("10.0.0.1:1", "");
        Provider<FakeInvoker.Service> fast = provider("10.0.0.2:1", "");
        stats.of(slow).start();
        stats.of(slow).end(5_000_000, false);
        stats.of(fast).start();
        stats.of(fast).end(1_000_000, false);
        Map<Provider<FakeInvoker.Service>, Integer> counts = pick(
                balancer("shortestresponse", stats, new Random(6)), List.of(slow, fast), 1_000);
        assertThat(counts).containsOnlyKeys(fast);
    }

    @Test
    void powerOfTwoChoicesNeverPicksTheMostLoadedOfTwo() {
        InvokerStats stats = new InvokerStats();
        Provider<FakeInvoker.Service> overloaded = provider("10.0.0.1:1", "");
        List<Provider<FakeInvoker.Service>> invokers = List.of(overloaded, provider("10.0.0.2:1", ""),
                provider("10.0.0.3:1", ""));
        for (int i = 0; i < 100; i++) {
            stats.of(overloaded).start();
        }
        Map<Provider<FakeInvoker.Service>, Integer> counts = pick(
                balancer("p2c", stats, new Random(7)), invokers, N);
        assertThat(counts).doesNotContainKey(overloaded);
        // The other two meet each other in one pair out of three and win every pair with the overloaded one.
        assertBinomial(counts.get(invokers.get(1)), N, 0.5);
    }

    @Test
    void consistentHashKeepsKeysOnTheirProviderAndSpreadsThem() {
        List<Provider<FakeInvoker.Service>> three = List.of(provider("10.0.0.1:1", ""), provider("10.0.0.2:1", ""),
                provider("10.0.0.3:1", ""));
        LoadBalancer lb = balancer("consistenthash", new InvokerStats(), new Random(8));
        Map<String, Provider<FakeInvoker.Service>> placement = new HashMap<>();
        Map<Provider<FakeInvoker.Service>, Integer> counts = new HashMap<>();
        for (int k = 0; k < 30_000; k++) {
            String key = "user-" + k;
            Provider<FakeInvoker.Service> chosen = lb.select(three, FakeInvoker.invocation(key));
            assertThat(lb.select(three, FakeInvoker.invocation(key))).isSameAs(chosen);
            placement.put(key, chosen);
            counts.merge(chosen, 1, Integer::sum);
        }
        // With 160 virtual nodes a provider's share varies by about 1/sqrt(160) = 8% of itself;
        // five of those either side of a third.
        for (Provider<FakeInvoker.Service> invoker : three) {
            assertThat(counts.get(invoker) / 30_000.0).isBetween(1 / 3.0 * 0.6, 1 / 3.0 * 1.4);
        }
        // Removing a provider moves only its keys.
        List<Provider<FakeInvoker.Service>> two = List.of(three.get(0), three.get(1));
        for (Map.Entry<String, Provider<FakeInvoker.Service>> e : placement.entrySet()) {
            if (e.getValue() != three.get(2)) {
                assertThat(lb.select(two, FakeInvoker.invocation(e.getKey()))).isSameAs(e.getValue());
            }
        }
    }
}
