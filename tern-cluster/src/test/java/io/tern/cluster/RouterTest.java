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
                .hasMessage("condition rule 'host 10.20.* => host = x': 'host' has no value (expected: key = value"
                        + "[,value...] or key != value[,value...])");
        assertThatThrownBy(() -> ConditionRouter.parse("=> = x"))
                .hasMessage("condition rule '=> = x': unexpected '=' at 0 (expected: key = value[,value...] or"
                        + " key != value[,value...], joined with &)");
        assertThatThrownBy(() -> ConditionRouter.parse("=> host = a,,b"))
                .hasMessageStartingWith("condition rule '=> host = a,,b': unexpected ',,'");
        assertThatThrownBy(() -> ConditionRouter.parse(" ")).hasMessageContaining("empty");
    }

    @ParameterizedTest(name = "{0} calling {1}({2})")
    @CsvSource(delimiter = '|', value = {
        // rule                                           | method   | argument | providers left
        "arguments[0] = 42 => host = 172.22.3.91          | findById | 42       | 172.22.3.91",
        "arguments[0] = 4* => host = 172.22.3.91          | findById | 43       | 172.22.3.91",
        "arguments[0] = 42 => host = 172.22.3.91          | findById | 7        | 10.20.153.10 10.20.153.11 10.30.1.5 172.22.3.91 192.168.1.22",
        "arguments[1] != x => host = 172.22.3.91          | findById | 7        | 172.22.3.91",
        "arguments[1] = x => host = 172.22.3.91           | findById | 7        | 10.20.153.10 10.20.153.11 10.30.1.5 172.22.3.91 192.168.1.22",
        "attachments[zone] = east => host = 192.168.1.22  | findById | 1        | 192.168.1.22",
        "attachments[region] != x => host = 192.168.1.22  | findById | 1        | 10.20.153.10 10.20.153.11 10.30.1.5 172.22.3.91 192.168.1.22",
        "consumer.method = find* => provider.env = test   | findById | 1        | 172.22.3.91 192.168.1.22",
        "true => port = ~20880                            | findById | 1        | 10.20.153.10 10.20.153.11 10.30.1.5 172.22.3.91 192.168.1.22",
        "=> port = 20881~                                 | findById | 1        | 10.20.153.10 10.20.153.11 10.30.1.5 172.22.3.91 192.168.1.22",
        "=> port = 20881~ & host = 10.*                   | findById | 1        | 10.20.153.10 10.20.153.11 10.30.1.5 172.22.3.91 192.168.1.22",
        "=> application = web                             | findById | 1        | 10.20.153.10 10.20.153.11 10.30.1.5 172.22.3.91 192.168.1.22",
        "=> remote.application = shop & env != prod       | findById | 1        | 172.22.3.91 192.168.1.22",
        "=> region = east                                 | findById | 1        | 10.20.153.10 10.20.153.11 10.30.1.5 172.22.3.91 192.168.1.22",
        "=> region != east                                | findById | 1        | 10.20.153.10 10.20.153.11 10.30.1.5 172.22.3.91 192.168.1.22",
        "method = findById => false                       | findById | 1        | ''",
    })
    void conditionKeysAsDubboReadsThem(String rule, String method, String argument, String expected) {
        ServiceUrl consumer = ServiceUrl.parse("consumer://10.0.0.1/" + Catalog.class.getName() + "?application=web");
        Invocation call = call(method);
        call.arguments()[0] = argument;
        call.setAttachment("zone", "east");
        List<Provider<Catalog>> routed = ConditionRouter.parse(rule).route(providers(), consumer, call);
        assertThat(hosts(routed)).isEqualTo(expected);
    }

    @Test
    void aKeyAProviderLacksMatchesNoConditionOfAForcedRule() {
        ServiceUrl consumer = ServiceUrl.parse("consumer://10.0.0.1/" + Catalog.class.getName());
        assertThat(ConditionRouter.parse("=> region != east", true, 0).route(providers(), consumer, call("save")))
                .as("no provider has a region: none is != east, as in Dubbo").isEmpty();
    }

    @Test
    void multipleDestinationsAreChosenByWeightAmongThoseWithProviders() {
        ServiceUrl consumer = ServiceUrl.parse("consumer://10.0.0.1/" + Catalog.class.getName());
        ConditionRouter router = ConditionRouter.multi("method = save", List.of(
                new ConditionRouter.Target("env = prod", 30), new ConditionRouter.Target("env = test", 70),
                new ConditionRouter.Target("env = staging", 100)), false, "app.condition-router");
        java.util.Map<String, Integer> seen = new java.util.TreeMap<>();
        for (int i = 0; i < 10_000; i++) {
            seen.merge(hosts(router.route(providers(), consumer, call("save"))), 1, Integer::sum);
        }
        assertThat(seen).containsOnlyKeys("10.20.153.10 10.20.153.11 10.30.1.5", "172.22.3.91 192.168.1.22");
        assertThat(seen.get("172.22.3.91 192.168.1.22")).as("70 of 100: staging has no provider")
                .isBetween(6_500, 7_500);
        assertThat(hosts(router.route(providers(), consumer, call("findById")))).as("when does not match")
                .isEqualTo("10.20.153.10 10.20.153.11 10.30.1.5 172.22.3.91 192.168.1.22");
        assertThat(router.destinations(providers(), consumer)).hasSize(2);

        ConditionRouter everything = ConditionRouter.multi("", List.of(new ConditionRouter.Target("", 0)), false, "k");
        assertThat(everything.route(providers(), consumer, call("save"))).hasSize(5);
        ConditionRouter none = ConditionRouter.multi("", List.of(), false, "k");
        assertThat(none.route(providers(), consumer, call("save"))).as("no destination: a black list").isEmpty();
        ConditionRouter missing = ConditionRouter.multi("", List.of(new ConditionRouter.Target("env = x", 1)), true,
                "k");
        assertThat(missing.route(providers(), consumer, call("save"))).as("forced").isEmpty();
        assertThat(missing.toString()).isEqualTo("condition route k ' => env = x (1)' (force)");
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

    @Test
    void aTagRuleNamesProvidersByAddress() {
        ServiceUrl consumer = ServiceUrl.parse("consumer://10.0.0.1/" + Catalog.class.getName());
        TagRouter router = TagRouter.of(TagRule.of("shop.tag-router", false, true, List.of(
                new TagRule.Tag("gray", List.of("10.20.153.10:20880", "10.20.153.11"), List.of()),
                new TagRule.Tag("canary", List.of("192.168.0.0/16"), List.of()),
                new TagRule.Tag("gone", List.of("10.99.*.*"), List.of()))));
        Invocation gray = call("save");
        gray.setAttachment("dubbo.tag", "gray");
        assertThat(hosts(router.route(providers(), consumer, gray))).isEqualTo("10.20.153.10 10.20.153.11");
        Invocation canary = call("save");
        canary.setAttachment("dubbo.tag", "canary|east");
        assertThat(hosts(router.route(providers(), consumer, canary))).as("the longest prefix with addresses")
                .isEqualTo("192.168.1.22");
        assertThat(hosts(router.route(providers(), consumer, call("save")))).as("untagged: those no tag names")
                .isEqualTo("10.30.1.5 172.22.3.91");
        Invocation gone = call("save");
        gone.setAttachment("dubbo.tag", "gone");
        assertThat(hosts(router.route(providers(), consumer, gone))).as("its providers are gone: the untagged")
                .isEqualTo("10.30.1.5 172.22.3.91");
        gone.setAttachment("dubbo.force.tag", "true");
        assertThat(router.route(providers(), consumer, gone)).isEmpty();

        TagRouter forcedRule = TagRouter.of(TagRule.of("shop.tag-router", true, true, List.of(
                new TagRule.Tag("gone", List.of("10.99.0.1"), List.of()))));
        gone.removeAttachment("dubbo.force.tag");
        assertThat(forcedRule.route(providers(), consumer, gone)).as("a forced rule").isEmpty();
        assertThat(TagRouter.of(TagRule.of("k", false, false, List.of(new TagRule.Tag("x", List.of("1.2.3.4"),
                List.of()))))).as("a disabled rule routes by the providers' own tags").isSameAs(TagRouter.create());
    }

    @Test
    void aTagRuleOfTheV30FormNamesProvidersByTheirParameters() {
        ServiceUrl consumer = ServiceUrl.parse("consumer://10.0.0.1/" + Catalog.class.getName() + "?dubbo.tag=test");
        TagRouter router = TagRouter.of(TagRule.of("shop.tag-router", false, true, List.of(
                new TagRule.Tag("test", List.of(), List.of(TagRule.ParamMatch.of("env", StringMatch.Kind.EXACT,
                        "test"))),
                new TagRule.Tag("slow", List.of(), List.of(TagRule.ParamMatch.of("env",
                        StringMatch.Kind.REGEX, "(a+)+b"))))));
        List<Provider<Catalog>> providers = providers();
        assertThat(hosts(router.route(providers, consumer, call("save")))).isEqualTo("172.22.3.91 192.168.1.22");
        assertThat(TagRule.ParamMatch.of("k", StringMatch.Kind.REGEX, "(a+)+b").matches("a".repeat(60)))
                .as("a pattern that backtracks gives up").isFalse();
        assertThat(TagRule.ParamMatch.of("k", StringMatch.Kind.PREFIX, "pro").matches("prod")).isTrue();
        assertThat(TagRule.ParamMatch.of("k", StringMatch.Kind.EMPTY, "").matches(null)).isTrue();
        assertThat(TagRule.ParamMatch.of("k", StringMatch.Kind.NOEMPTY, "").matches("")).isFalse();
        assertThat(TagRule.ParamMatch.of("k", StringMatch.Kind.WILDCARD, "*").matches("x")).isTrue();
    }

    @ParameterizedTest(name = "{0} names {1}:{2}: {3}")
    @CsvSource({
        "10.0.0.1:20880, 10.0.0.1, 20880, true",
        "10.0.0.1:20880, 10.0.0.1, 20881, false",
        "10.0.0.1, 10.0.0.1, 1, true",
        "10.0.*.*, 10.0.7.1, 1, true",
        "10.0.1-9.*, 10.0.7.1, 1, true",
        "10.0.1-6.*, 10.0.7.1, 1, false",
        "10.0.0.0/8, 10.200.7.1, 1, true",
        "10.0.0.0/8, 11.0.0.1, 1, false",
        "0.0.0.0:20880, 10.1.1.1, 20880, true",
        "*, 10.1.1.1, 1, true",
    })
    void addressPatterns(String pattern, String host, int port, boolean matches) {
        assertThat(AddressPattern.matches(pattern, host, port)).isEqualTo(matches);
    }

    @Test
    void aMalformedAddressIsRefused() {
        assertThatThrownBy(() -> TagRule.of("k", false, true, List.of(new TagRule.Tag("t", List.of("10.0.x-y.*"),
                List.of())))).hasMessageStartingWith("tag route address: '10.0.x-y.*' (expected: ip, ip:port");
        assertThatThrownBy(() -> TagRule.of("k", false, true, List.of(new TagRule.Tag("t", List.of("10.0.0.0/40"),
                List.of())))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theRoutesOfARuleRouterChangeWhole() {
        ServiceUrl consumer = ServiceUrl.parse("consumer://10.0.0.1/" + Catalog.class.getName());
        RuleRouter router = RuleRouter.create();
        assertThat(router.route(providers(), consumer, call("save"))).hasSize(5);
        router.set(null, List.of(ConditionRouter.parse("=> env = test", false, 0, "a::.condition-router"),
                ConditionRouter.parse("=> host = 192.*", false, 0, "web.condition-router")));
        assertThat(hosts(router.route(providers(), consumer, call("save")))).isEqualTo("192.168.1.22");
        router.set(null, List.of(ConditionRouter.parse("method = save =>", false, 0, "a::.condition-router")));
        assertThat(router.route(providers(), consumer, call("save"))).isEmpty();
        assertThat(router.whyNone(providers(), consumer, call("save")))
                .isEqualTo("condition route a::.condition-router 'method = save =>' (a black list)");
        assertThat(RouterChain.of(List.of(router)).whyNone(providers(), consumer, call("findById"))).isNull();
        router.set(null, List.of());
        assertThat(router.route(providers(), consumer, call("save"))).hasSize(5);
    }
}
