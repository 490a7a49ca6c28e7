package io.tern.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tern.Invocation;
import io.tern.ServiceDescriptor;
import io.tern.ServiceKey;
import io.tern.ServiceUrl;
import io.tern.core.lifecycle.LifecycleTracker;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Condition and tag routing, table-driven from the examples in Dubbo's documentation. */
class RouterTest {

    interface Catalog {
        String findById(String id);

        String save(String item);
    }

    private static final List<String> PROVIDERS = List.of("10.20.153.10:20880", "10.20.153.11:20880",
            "10.30.1.5:20880", "172.22.3.91:20880", "192.168.1.22:20880");

    private static List<Provider<Catalog>> providers() {
        return PROVIDERS.stream().map(address -> Provider.<Catalog>of(new io.tern.core.AbstractInvoker<Catalog>(
                Catalog.class, ServiceUrl.parse("dubbo://" + address + "/" + Catalog.class.getName()
                        + "?application=shop&env=" + (address.startsWith("10.") ? "prod" : "test")),
                LifecycleTracker.global()) {
            @Override
            protected CompletableFuture<io.tern.Result> doInvoke(Invocation invocation) {
                return CompletableFuture.completedFuture(io.tern.Result.value(null));
            }
        })).toList();
    }

    private static Invocation call(String method) {
        return Invocation.of(ServiceKey.of(Catalog.class.getName()),
                ServiceDescriptor.of(Catalog.class).find(method, "Ljava/lang/String;"), new Object[] {"x"});
    }

    private static String hosts(List<Provider<Catalog>> invokers) {
        return String.join(" ", invokers.stream().map(i -> i.url().host()).toList());
    }

    @ParameterizedTest(name = "{0} from {1} calling {2}")
    @CsvSource(delimiter = '|', value = {
        // rule                                               | consumer host  | method   | providers left
        "=> host != 172.22.3.91                               | 10.20.153.10   | findById | 10.20.153.10 10.20.153.11 10.30.1.5 192.168.1.22",
        "host = 10.20.153.10 => host = 10.20.153.11           | 10.20.153.10   | findById | 10.20.153.11",
        "host = 10.20.153.10 => host = 10.20.153.11           | 10.20.153.99   | findById | 10.20.153.10 10.20.153.11 10.30.1.5 172.22.3.91 192.168.1.22",
        "method = find* => host = 192.168.1.22                | 10.0.0.1       | findById | 192.168.1.22",
        "method = find* => host = 192.168.1.22                | 10.0.0.1       | save     | 10.20.153.10 10.20.153.11 10.30.1.5 172.22.3.91 192.168.1.22",
        "host = 10.20.* => host = 10.30.*                     | 10.20.7.7      | findById | 10.30.1.5",
        "host != 10.20.* => host = 172.22.3.91,192.168.1.22   | 10.99.0.1      | findById | 172.22.3.91 192.168.1.22",
        "host = 10.20.153.10,10.20.153.11 => host != 10.20.*  | 10.20.153.11   | findById | 10.30.1.5 172.22.3.91 192.168.1.22",
        "=> host = $host                                      | 10.30.1.5      | findById | 10.30.1.5",
        "=> env = prod                                        | 10.0.0.1       | findById | 10.20.153.10 10.20.153.11 10.30.1.5",
        "method = save & host = 10.20.* => env = test         | 10.20.1.1      | save     | 172.22.3.91 192.168.1.22",
        "method = save & host = 10.20.* => env = test         | 10.20.1.1      | findById | 10.20.153.10 10.20.153.11 10.30.1.5 172.22.3.91 192.168.1.22",
        "=> port = 20000~20999                                | 10.0.0.1       | findById | 10.20.153.10 10.20.153.11 10.30.1.5 172.22.3.91 192.168.1.22",
        "=> host = 10.0.0.99                                  | 10.0.0.1       | findById | 10.20.153.10 10.20.153.11 10.30.1.5 172.22.3.91 192.168.1.22",
    })
    void conditionRules(String rule, String consumerHost, String method, String expected) {
        ServiceUrl consumer = ServiceUrl.parse("consumer://" + consumerHost + "/" + Catalog.class.getName()
                + "?application=web");
        List<Provider<Catalog>> routed = ConditionRouter.parse(rule).route(providers(), consumer, call(method));
        assertThat(hosts(routed)).isEqualTo(expected);
    }

    @Test
    void aBlackListLeavesNothingAndAForcedRuleMayLeaveNothing() {
        ServiceUrl consumer = ServiceUrl.parse("consumer://10.20.153.10/" + Catalog.class.getName());
        assertThat(ConditionRouter.parse("host = 10.20.153.10 =>").route(providers(), consumer, call("save")))
                .isEmpty();
        assertThat(ConditionRouter.parse("=> host = 10.0.0.99", true, 0).route(providers(), consumer, call("save")))
                .isEmpty();
    }

    @Test
    void malformedRulesAreRefused() {
        assertThatThrownBy(() -> ConditionRouter.parse("host 10.20.* => host = x"))
                .hasMessage("condition: 'host 10.20.*' in rule 'host 10.20.* => host = x' (expected: key = value[,value...]"
                        + " or key != value[,value...])");
        assertThatThrownBy(() -> ConditionRouter.parse("=> host ="))
                .hasMessage("condition: 'host =' in rule '=> host =' (expected: a key and at least one value)");
    }

    private static List<Provider<Catalog>> tagged() {
        List<String> tags = List.of("gray", "gray", "", "blue");
        return java.util.stream.IntStream.range(0, tags.size()).mapToObj(i -> Provider.<Catalog>of(
                new io.tern.core.AbstractInvoker<Catalog>(Catalog.class, ServiceUrl.parse("dubbo://10.0.0."
                        + (i + 1) + ":1/" + Catalog.class.getName()
                        + (tags.get(i).isEmpty() ? "" : "?dubbo.tag=" + tags.get(i))), LifecycleTracker.global()) {
                    @Override
                    protected CompletableFuture<io.tern.Result> doInvoke(Invocation invocation) {
                        return CompletableFuture.completedFuture(io.tern.Result.value(null));
                    }
                })).toList();
    }

    private static List<String> tags(List<Provider<Catalog>> invokers) {
        return invokers.stream().map(i -> i.url().parameter("dubbo.tag", "-")).toList();
    }

    @Test
    void tagRouting() {
        ServiceUrl consumer = ServiceUrl.parse("consumer://10.0.0.1/" + Catalog.class.getName());
        TagRouter router = TagRouter.create();

        Invocation gray = call("save");
        gray.setAttachment("dubbo.tag", "gray");
        assertThat(tags(router.route(tagged(), consumer, gray))).containsExactly("gray", "gray");

        Invocation red = call("save");
        red.setAttachment("dubbo.tag", "red");
        assertThat(tags(router.route(tagged(), consumer, red))).as("falls back to untagged").containsExactly("-");

        Invocation forced = call("save");
        forced.setAttachment("dubbo.tag", "red");
        forced.setAttachment("dubbo.force.tag", "true");
        assertThat(router.route(tagged(), consumer, forced)).isEmpty();

        assertThat(tags(router.route(tagged(), consumer, call("save")))).as("untagged call").containsExactly("-");

        ServiceUrl blueConsumer = consumer.toBuilder().parameter("dubbo.tag", "blue").build();
        assertThat(tags(router.route(tagged(), blueConsumer, call("save")))).containsExactly("blue");
    }
}
