package io.tern.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tern.Invoker;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.core.lifecycle.LifecycleTracker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Each strategy against fake providers that fail in scripted ways. */
class ClusterStrategyTest {

    private static final ServiceUrl CONSUMER = ServiceUrl.parse("consumer://127.0.0.1/"
            + FakeInvoker.Service.class.getName());

    private static Invoker<FakeInvoker.Service> cluster(ClusterConfig config, List<FakeInvoker> providers) {
        return Clusters.join(StaticDirectory.of(FakeInvoker.Service.class, CONSUMER, providers), RouterChain.empty(),
                config, new Random(11), LifecycleTracker.global());
    }

    private static ClusterConfig config(ClusterStrategy strategy) {
        ClusterConfig d = ClusterConfig.DEFAULT;
        return new ClusterConfig(strategy, LoadBalancers.ROUND_ROBIN, d.retries(), d.forks(), false, d.failbackTasks(),
                d.failbackRetries(), Duration.ofMillis(50), Map.of());
    }

    private static Object call(Invoker<FakeInvoker.Service> invoker) {
        return Result.await(invoker.invoke(FakeInvoker.invocation("x"))).recreate();
    }

    @Test
    void failoverRetriesNetworkFailuresOnADifferentProviderEachTime() {
        FakeInvoker down = FakeInvoker.failing("10.0.0.1:1", RpcStatus.NETWORK);
        FakeInvoker slow = FakeInvoker.failing("10.0.0.2:1", RpcStatus.TIMEOUT);
        FakeInvoker up = FakeInvoker.answering("10.0.0.3:1", "ok");
        try (Invoker<FakeInvoker.Service> cluster = cluster(config(ClusterStrategy.FAILOVER), List.of(down, slow, up))) {
            for (int i = 0; i < 30; i++) {
                assertThat(call(cluster)).isEqualTo("ok");
            }
            assertThat(up.calls.get()).isEqualTo(30);
            // Never the same failed provider twice within one call: at most one attempt each per call.
            assertThat(down.calls.get()).isLessThanOrEqualTo(30);
            assertThat(slow.calls.get()).isLessThanOrEqualTo(30);
        }
    }

    @Test
    void failoverNeverRetriesAServiceException() {
        FakeInvoker throwing = new FakeInvoker(FakeInvoker.url("10.0.0.1:1"), i -> CompletableFuture.completedFuture(
                Result.exception(new IllegalStateException("business rule"))), LifecycleTracker.global());
        FakeInvoker other = FakeInvoker.answering("10.0.0.2:1", "ok");
        try (Invoker<FakeInvoker.Service> cluster = cluster(config(ClusterStrategy.FAILOVER), List.of(throwing, other))) {
            int thrown = 0;
            for (int i = 0; i < 10; i++) {
                try {
                    call(cluster);
                } catch (IllegalStateException e) {
                    thrown++;
                }
            }
            assertThat(thrown).isEqualTo(throwing.calls.get()).isPositive();
            assertThat(other.calls.get() + throwing.calls.get()).isEqualTo(10);
        }
    }

    @Test
    void failoverNeverRetriesOtherRpcFailures() {
        FakeInvoker bad = FakeInvoker.failing("10.0.0.1:1", RpcStatus.BAD_REQUEST);
        FakeInvoker also = FakeInvoker.failing("10.0.0.2:1", RpcStatus.BAD_REQUEST);
        try (Invoker<FakeInvoker.Service> cluster = cluster(config(ClusterStrategy.FAILOVER), List.of(bad, also))) {
            assertThatThrownBy(() -> call(cluster)).isInstanceOfSatisfying(RpcException.class,
                    e -> assertThat(e.status()).isEqualTo(RpcStatus.BAD_REQUEST));
            assertThat(bad.calls.get() + also.calls.get()).isEqualTo(1);
        }
    }

    @Test
    void failoverGivesUpAfterItsRetriesWithTheLastFailure() {
        List<FakeInvoker> providers = List.of(FakeInvoker.failing("10.0.0.1:1", RpcStatus.NETWORK),
                FakeInvoker.failing("10.0.0.2:1", RpcStatus.NETWORK), FakeInvoker.failing("10.0.0.3:1", RpcStatus.NETWORK),
                FakeInvoker.failing("10.0.0.4:1", RpcStatus.NETWORK));
        try (Invoker<FakeInvoker.Service> cluster = cluster(config(ClusterStrategy.FAILOVER), providers)) {
            assertThatThrownBy(() -> call(cluster)).isInstanceOfSatisfying(RpcException.class, e -> {
                assertThat(e.status()).isEqualTo(RpcStatus.NETWORK);
                assertThat(e.getMessage()).contains("failed with NETWORK");
            });
            assertThat(providers.stream().mapToInt(p -> p.calls.get()).sum()).isEqualTo(3); // retries 2
        }
    }

    @Test
    void failfastMakesOneAttempt() {
        FakeInvoker down = FakeInvoker.failing("10.0.0.1:1", RpcStatus.NETWORK);
        FakeInvoker alsoDown = FakeInvoker.failing("10.0.0.2:1", RpcStatus.NETWORK);
        try (Invoker<FakeInvoker.Service> cluster = cluster(config(ClusterStrategy.FAILFAST), List.of(down, alsoDown))) {
            assertThatThrownBy(() -> call(cluster)).isInstanceOf(RpcException.class);
            assertThat(down.calls.get() + alsoDown.calls.get()).isEqualTo(1);
        }
    }

    @Test
    void failsafeAnswersNullOnFailure() {
        try (Invoker<FakeInvoker.Service> cluster = cluster(config(ClusterStrategy.FAILSAFE),
                List.of(FakeInvoker.failing("10.0.0.1:1", RpcStatus.NETWORK)))) {
            assertThat(call(cluster)).isNull();
        }
    }

    @Test
    void failbackAnswersNullAndRetriesInTheBackground() {
        FakeInvoker flaky = FakeInvoker.failing("10.0.0.1:1", RpcStatus.NETWORK);
        try (Invoker<FakeInvoker.Service> cluster = cluster(config(ClusterStrategy.FAILBACK), List.of(flaky))) {
            assertThat(call(cluster)).isNull();
            flaky.behave(i -> CompletableFuture.completedFuture(Result.value("recovered")));
            await().atMost(Duration.ofSeconds(10)).until(() -> flaky.calls.get() >= 2);
            await().atMost(Duration.ofSeconds(10)).until(() -> ((ClusterInvoker<?>) cluster).failbackQueueSize() == 0);
        }
    }

    @Test
    void failbackRetriesExactlyFailbackRetriesTimes() {
        for (int retries : new int[] {0, 1, 3}) {
            FakeInvoker down = FakeInvoker.failing("10.0.0.1:1", RpcStatus.NETWORK);
            ClusterConfig config = new ClusterConfig(ClusterStrategy.FAILBACK, LoadBalancers.RANDOM, 0, 1, false, 10,
                    retries, Duration.ofMillis(20), Map.of());
            try (Invoker<FakeInvoker.Service> cluster = cluster(config, List.of(down))) {
                ClusterInvoker<?> failback = (ClusterInvoker<?>) cluster;
                assertThat(call(cluster)).isNull();
                if (retries == 0) {
                    assertThat(failback.failbackQueueSize()).as("nothing queued with failbackretries=0").isZero();
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> failback.failbackAbandoned() == 1);
                assertThat(failback.failbackQueueSize()).isZero();
                assertThat(down.calls.get()).as("calls with failbackretries=%d", retries).isEqualTo(1 + retries);
            }
        }
    }

    @Test
    void failbackMemoryStaysBoundedThroughAnOutage() {
        FakeInvoker down = FakeInvoker.failing("10.0.0.1:1", RpcStatus.NETWORK);
        ClusterConfig bounded = new ClusterConfig(ClusterStrategy.FAILBACK, LoadBalancers.RANDOM, 0, 1, false, 100, 3,
                Duration.ofMillis(20), Map.of());
        try (Invoker<FakeInvoker.Service> cluster = cluster(bounded, List.of(down))) {
            ClusterInvoker<?> failback = (ClusterInvoker<?>) cluster;
            int largest = 0;
            for (int i = 0; i < 100_000; i++) {
                assertThat(call(cluster)).isNull();
                largest = Math.max(largest, failback.failbackQueueSize());
            }
            assertThat(largest).isLessThanOrEqualTo(100);
        }
    }

    @Test
    void forkingTakesTheFirstSuccessAndCancelsTheRest() {
        CompletableFuture<Result> never = new CompletableFuture<>();
        FakeInvoker hanging = new FakeInvoker(FakeInvoker.url("10.0.0.1:1"), i -> never, LifecycleTracker.global());
        FakeInvoker quick = FakeInvoker.answering("10.0.0.2:1", "quick");
        try (Invoker<FakeInvoker.Service> cluster = cluster(config(ClusterStrategy.FORKING), List.of(hanging, quick))) {
            assertThat(call(cluster)).isEqualTo("quick");
            assertThat(hanging.calls.get()).isEqualTo(1);
            assertThat(never).isCancelled();
        }
    }

    @Test
    void forkingFailsOnlyWhenEveryForkFails() {
        try (Invoker<FakeInvoker.Service> cluster = cluster(config(ClusterStrategy.FORKING),
                List.of(FakeInvoker.failing("10.0.0.1:1", RpcStatus.NETWORK),
                        FakeInvoker.failing("10.0.0.2:1", RpcStatus.TIMEOUT)))) {
            assertThatThrownBy(() -> call(cluster)).isInstanceOf(RpcException.class);
        }
    }

    @Test
    void broadcastCallsEveryProviderAndFailsIfAnyFails() {
        FakeInvoker a = FakeInvoker.answering("10.0.0.1:1", "a");
        FakeInvoker b = FakeInvoker.answering("10.0.0.2:1", "b");
        FakeInvoker c = FakeInvoker.failing("10.0.0.3:1", RpcStatus.NETWORK);
        try (Invoker<FakeInvoker.Service> cluster = cluster(config(ClusterStrategy.BROADCAST), List.of(a, b, c))) {
            assertThatThrownBy(() -> call(cluster)).isInstanceOf(RpcException.class).hasMessageContaining("10.0.0.3:1");
            assertThat(List.of(a.calls.get(), b.calls.get(), c.calls.get())).containsOnly(1);
        }
    }

    @Test
    void availableTakesTheFirstAvailableProvider() {
        FakeInvoker off = FakeInvoker.answering("10.0.0.1:1", "off");
        off.available(false);
        FakeInvoker on = FakeInvoker.answering("10.0.0.2:1", "on");
        try (Invoker<FakeInvoker.Service> cluster = cluster(config(ClusterStrategy.AVAILABLE), List.of(off, on))) {
            assertThat(call(cluster)).isEqualTo("on");
        }
    }

    @Test
    void stickyStaysWithOneProviderWhileItIsAvailable() {
        FakeInvoker a = FakeInvoker.answering("10.0.0.1:1", "a");
        FakeInvoker b = FakeInvoker.answering("10.0.0.2:1", "b");
        ClusterConfig sticky = new ClusterConfig(ClusterStrategy.FAILOVER, LoadBalancers.ROUND_ROBIN, 2, 2, true, 100, 3,
                Duration.ofSeconds(5), Map.of());
        try (Invoker<FakeInvoker.Service> cluster = cluster(sticky, List.of(a, b))) {
            Object first = call(cluster);
            for (int i = 0; i < 20; i++) {
                assertThat(call(cluster)).isEqualTo(first);
            }
            FakeInvoker chosen = "a".equals(first) ? a : b;
            chosen.available(false);
            assertThat(call(cluster)).isNotEqualTo(first);
        }
    }

    @Test
    void unavailableProvidersAreSkippedAndTheFailureSaysWhy() {
        FakeInvoker readOnly = FakeInvoker.answering("10.0.0.1:1", "x");
        readOnly.available(false);
        FakeInvoker down = FakeInvoker.failing("10.0.0.2:1", RpcStatus.NETWORK);
        try (Invoker<FakeInvoker.Service> cluster = cluster(config(ClusterStrategy.FAILOVER), List.of(readOnly, down))) {
            assertThatThrownBy(() -> call(cluster)).isInstanceOfSatisfying(RpcException.class, e -> {
                assertThat(e.status()).isEqualTo(RpcStatus.NETWORK);
                assertThat(e.getMessage()).startsWith("no provider available for " + FakeInvoker.Service.class.getName()
                        + "#call: 2 providers, 2 after routing (10.0.0.1:1 unavailable; 10.0.0.2:1 failed this call)");
            });
            assertThat(readOnly.calls.get()).isZero();
        }
    }

    @Test
    void aFailureNamesTenProvidersAndCountsTheRest() {
        List<FakeInvoker> providers = new java.util.ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            FakeInvoker provider = FakeInvoker.answering("10.0." + i / 250 + "." + i % 250 + ":1", "x");
            provider.available(false);
            providers.add(provider);
        }
        try (Invoker<FakeInvoker.Service> cluster = cluster(config(ClusterStrategy.FAILOVER), providers)) {
            assertThatThrownBy(() -> call(cluster)).isInstanceOfSatisfying(RpcException.class, e -> {
                assertThat(e.getMessage()).startsWith("no provider available for " + FakeInvoker.Service.class.getName()
                        + "#call: 5000 providers, 5000 after routing (10.0.0.0:1 unavailable; 10.0.0.1:1 unavailable;")
                        .contains("10.0.0.9:1 unavailable; and 4990 more)").doesNotContain("10.0.0.10:1");
            });
        }
    }

    @Test
    void anEmptyClusterSaysSo() {
        try (Invoker<FakeInvoker.Service> cluster = cluster(config(ClusterStrategy.FAILOVER), List.of())) {
            assertThatThrownBy(() -> call(cluster)).isInstanceOfSatisfying(RpcException.class, e -> {
                assertThat(e.status()).isEqualTo(RpcStatus.NO_PROVIDER);
                assertThat(e.getMessage()).isEqualTo("no provider available for "
                        + FakeInvoker.Service.class.getName() + "#call: 0 providers, 0 after routing");
            });
        }
    }

    @Test
    void configurationIsReadFromDubboNamesAndValidated() {
        ClusterConfig config = ClusterConfig.from(ServiceUrl.parse("consumer://h/x?cluster=forking&loadbalance=leastactive"
                + "&retries=4&forks=3&sticky=true&call.retries=0&call.loadbalance=roundrobin"), ClusterConfig.DEFAULT);
        assertThat(config.strategy()).isEqualTo(ClusterStrategy.FORKING);
        assertThat(config.retries("other")).isEqualTo(4);
        assertThat(config.retries("call")).isZero();
        assertThat(config.loadBalancer("call")).isEqualTo("roundrobin");
        assertThat(config.loadBalancer("other")).isEqualTo("leastactive");
        assertThat(config.forks()).isEqualTo(3);
        assertThat(config.sticky()).isTrue();
        assertThatThrownBy(() -> ClusterConfig.from(ServiceUrl.parse("consumer://h/x?loadbalance=fastest"),
                ClusterConfig.DEFAULT)).hasMessage("loadbalance: 'fastest' (expected one of: random, roundrobin,"
                + " leastactive, consistenthash, shortestresponse, p2c, first)");
        assertThatThrownBy(() -> ClusterConfig.from(ServiceUrl.parse("consumer://h/x?cluster=hope"),
                ClusterConfig.DEFAULT)).hasMessage("cluster: 'hope' (expected one of: failover, failfast, failsafe,"
                + " failback, forking, broadcast, available)");
    }
}
