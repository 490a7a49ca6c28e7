package io.tern.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tern.Invoker;
import io.tern.ServiceUrl;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProviderSettingsTest {

    private static ProviderSettings parse(String parameters) {
        return ProviderSettings.parse(ServiceUrl.parse("dubbo://10.0.0.1:20880/x?" + parameters));
    }

    @Test
    void defaultsAreDubbos() {
        ProviderSettings settings = parse("");
        assertThat(settings.weight("any")).isEqualTo(100);
        assertThat(settings.warmupMillis()).isEqualTo(600_000);
        assertThat(settings.startMillis()).isZero();
        assertThat(settings.tag()).isEmpty();
        assertThat(settings.hashNodes()).isEqualTo(160);
        assertThat(settings.hashArguments("any")).containsExactly(0);
    }

    @Test
    void perMethodValuesOverrideTheProvidersOwn() {
        ProviderSettings settings = parse("weight=50&save.weight=5&hash.arguments=1&find.hash.arguments=0,2"
                + "&hash.nodes=320&dubbo.tag=gray");
        assertThat(settings.weight("save")).isEqualTo(5);
        assertThat(settings.weight("find")).isEqualTo(50);
        assertThat(settings.hashArguments("find")).containsExactly(0, 2);
        assertThat(settings.hashArguments("save")).containsExactly(1);
        assertThat(settings.hashNodes()).isEqualTo(320);
        assertThat(settings.tag()).isEqualTo("gray");
    }

    @Test
    void warmUpRampsTheWeightFromTheProvidersStart() {
        long start = 1_000_000;
        ProviderSettings settings = parse("weight=100&timestamp=" + start + "&warmup=600000");
        assertThat(settings.weight("m", start - 5)).as("clock behind the start").isEqualTo(1);
        assertThat(settings.weight("m", start + 60_000)).isEqualTo(10);
        assertThat(settings.weight("m", start + 300_000)).isEqualTo(50);
        assertThat(settings.weight("m", start + 600_000)).isEqualTo(100);
        assertThat(parse("weight=0&timestamp=" + start).weight("m", start + 60_000)).isZero();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "weight=heavy              | weight: 'heavy' (expected: an integer >= 0)",
        "weight=-1                 | weight: '-1' (expected: an integer >= 0)",
        "save.weight=x             | save.weight: 'x' (expected: an integer >= 0)",
        "timestamp=yesterday       | timestamp: 'yesterday' (expected: an integer >= 0)",
        "warmup=-5                 | warmup: '-5' (expected: an integer >= 0)",
        "hash.nodes=0              | hash.nodes: '0' (expected: an integer > 0)",
        "hash.arguments=0,a        | hash.arguments: '0,a' (expected: argument indexes >= 0, separated by commas)",
    })
    void badValuesAreRefusedNamingTheKey(String parameters, String message) {
        assertThatThrownBy(() -> parse(parameters)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        ServiceUrl url = ServiceUrl.parse("dubbo://10.0.0.1:20880/x?" + parameters);
        FakeInvoker invoker = new FakeInvoker(url, i -> null, io.tern.core.lifecycle.LifecycleTracker.global());
        assertThatThrownBy(() -> StaticDirectory.of(FakeInvoker.Service.class, url, List.of(invoker)))
                .hasMessage("provider 10.0.0.1:20880 of x: " + message);
    }

    @Test
    void loadBalancersFoundThroughServiceLoaderAreSelectedByName() {
        assertThat(LoadBalancers.names()).containsSubsequence("random", "roundrobin", "leastactive", "consistenthash",
                "shortestresponse", "p2c").contains("first");
        ServiceUrl consumer = ServiceUrl.parse("consumer://127.0.0.1/" + FakeInvoker.Service.class.getName()
                + "?loadbalance=first");
        FakeInvoker a = FakeInvoker.answering("10.0.0.1:1", "a");
        FakeInvoker b = FakeInvoker.answering("10.0.0.2:1", "b");
        try (Invoker<FakeInvoker.Service> cluster = Clusters.join(StaticDirectory.of(FakeInvoker.Service.class,
                consumer, List.of(a, b)), RouterChain.empty(), ClusterConfig.from(consumer, ClusterConfig.DEFAULT),
                new Random(1), io.tern.core.lifecycle.LifecycleTracker.global())) {
            for (int i = 0; i < 20; i++) {
                assertThat(io.tern.Result.await(cluster.invoke(FakeInvoker.invocation("x"))).value()).isEqualTo("a");
            }
        }
        assertThatThrownBy(() -> ClusterConfig.from(ServiceUrl.parse("consumer://h/x?loadbalance=fastest"),
                ClusterConfig.DEFAULT)).hasMessage("loadbalance: 'fastest' (expected one of: random, roundrobin,"
                        + " leastactive, consistenthash, shortestresponse, p2c, first)");
        assertThat(Map.of("known", LoadBalancers.checkName("loadbalance", "first"))).containsEntry("known", "first");
    }
}
