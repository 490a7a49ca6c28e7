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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Which override rules a real Apache Dubbo 3.3.5 consumer obeys, next to a Tern consumer, both of
 * application {@code rules-buyer}, both finding providers at the application level
 * ({@code FORCE_APPLICATION}). What the jar showed:
 * <ul>
 *   <li>both obey a {@code side: consumer} YAML rule at {@code <interface>:<version>:<group>.configurators}
 *       whose key names the service with its version, written before or while they call;</li>
 *   <li>neither obeys a {@code side: provider} rule itself: the provider applies that to itself, as a
 *       Dubbo provider does, and registers again (here disabled, so neither reaches it); neither obeys a
 *       rule whose service leaves out the provider's version, nor an empty node;</li>
 *   <li>an empty node is a rule Dubbo fails to parse: the rules before it stay, in both;</li>
 *   <li>deleting the node takes the rules away: Tern brings a disabled provider back at once;
 *       Dubbo clears its configurators, but brings the provider back in some runs and not in
 *       others (apache/dubbo#10207);</li>
 *   <li>both obey the consumer application's rule ({@code rules-buyer.configurators}) for the service;</li>
 *   <li>the legacy {@code override://} URL under {@code /dubbo/<interface>/configurators} naming a provider
 *       (with its port) is not read by Dubbo's application-level directory, but the provider it names applies
 *       it to itself, as a Dubbo provider does, and registers again disabled: neither consumer reaches it.</li>
 * </ul>
 */
class OverrideRulesInteropTest {

    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    private static final String SERVICE = InteropService.class.getName();

    @Test
    void aDubboConsumerAndATernConsumerReachTheSameProvidersUnderEachRuleForm() throws Exception {
        DubboPeer.freePort(); // hides the other interfaces from Dubbo in this JVM too
        TestingServer zookeeper = cleanup.register(new TestingServer(true));
        String address = "zookeeper://" + zookeeper.getConnectString();
        CuratorFramework raw = cleanup.register(CuratorFrameworkFactory.newClient(zookeeper.getConnectString(),
                new RetryOneTime(100)));
        raw.start();
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String name : new String[] {"tern-a", "tern-b"}) {
            ports.put(name, cleanup.register(Tern.server().application("rules-provider").registry(address
                    + "?file-cache=false").service(InteropService.class, new InteropServiceImpl(name, key -> null,
                    (key, value) -> { }), s -> s.version("1.0.0")).start()).port());
        }
        // both at the application level: a Dubbo reference at APPLICATION_FIRST may start at either level,
        // and its interface-level directory answers these rules otherwise (not recorded here yet)
        System.setProperty("dubbo.application.migration.step", "FORCE_APPLICATION");
        cleanup.register(() -> System.clearProperty("dubbo.application.migration.step"));
        TernClient client = cleanup.register(Tern.client().application("rules-buyer").registry(address
                + "?file-cache=false").migrationStep(Migration.Step.FORCE_APPLICATION).build());
        DubboPeer dubbo = cleanup.register(DubboPeer.registryConsumer("rules-buyer", address, true));
        InteropService liveTern = client.reference(InteropService.class,
                options -> options.version("1.0.0").retries(2)).get();
        InteropService liveDubbo = dubbo.interop();
        Set<String> both = Set.of("tern-a", "tern-b");
        Set<String> second = Set.of("tern-b");
        agree(liveDubbo, liveTern, both);

        String serviceKey = "/dubbo/config/dubbo/" + SERVICE + ":1.0.0:.configurators";
        String applicationKey = "/dubbo/config/dubbo/rules-buyer.configurators";
        int a = ports.get("tern-a");
        String legacy = "/dubbo/" + SERVICE + "/configurators/" + ServiceUrl.encode("override://127.0.0.1:" + a + "/"
                + SERVICE + "?version=1.0.0&category=configurators&dynamic=false&disabled=true");
        Map<String, Rule> forms = new LinkedHashMap<>();
        forms.put("a consumer-side rule for the service, naming the provider", new Rule(serviceKey,
                rule("scope: service\nkey: " + SERVICE + ":1.0.0", "side: consumer\n    providerAddresses: [\"127.0.0.1:"
                        + a + "\"]"), second));
        forms.put("the consumer application's rule", new Rule(applicationKey, rule("scope: application\nkey: rules-buyer",
                "side: consumer\n    services: [\"" + SERVICE + ":1.0.0\"]\n    providerAddresses: [\"127.0.0.1:" + a
                        + "\"]"), second));
        // Dubbo at the application level does not read /configurators (only its interface-level directory does),
        // but a legacy rule with a port applies to that provider on the provider too, as a Dubbo provider applies
        // it: the provider registers again disabled, and so both consumers leave it out
        forms.put("the legacy override URL", new Rule(legacy, null, second));
        // neither consumer applies a provider-side rule; the provider applies it to itself and registers again
        // disabled, so neither reaches it
        forms.put("a provider-side rule (for the provider to apply to itself)", new Rule(serviceKey,
                rule("scope: service\nkey: " + SERVICE + ":1.0.0", "side: provider\n    addresses: [\"127.0.0.1:" + a
                        + "\"]"), second));
        forms.put("a rule whose service leaves out the provider's version", new Rule(serviceKey,
                rule("scope: service\nkey: " + SERVICE, "side: consumer"), both));
        forms.put("an empty node", new Rule(serviceKey, "", both));
        for (Map.Entry<String, Rule> form : forms.entrySet()) {
            Rule rule = form.getValue();
            if (rule.text() == null) {
                raw.create().creatingParentsIfNeeded().forPath(rule.path());
            } else {
                ZooKeeperNodes.write(raw, rule.path(), rule.text());
            }
            try (DubboPeer.OwnReference fresh = dubbo.newReference();
                    io.tern.bootstrap.Reference<InteropService> ternFresh = client.reference(InteropService.class,
                            options -> options.version("1.0.0").retries(2))) {
                await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
                    assertThat(reached(fresh.service())).as("the Dubbo consumer, " + form.getKey()).isEqualTo(rule.dubbo());
                    assertThat(reached(ternFresh.get())).as("the Tern consumer, " + form.getKey()).isEqualTo(rule.tern());
                });
            }
            raw.delete().forPath(rule.path());
        }

        // live: both obey a rule written while they call, and keep it while its node is empty
        ZooKeeperNodes.write(raw, serviceKey, forms.get("a consumer-side rule for the service, naming the provider").text());
        agree("written live", liveDubbo, liveTern, second);
        ZooKeeperNodes.write(raw, serviceKey, "");
        Thread.sleep(1_000); // what would have changed, has
        agree("emptied live", liveDubbo, liveTern, second);
        // Deleting the node takes the rule away: Tern brings the provider back at once. Dubbo 3.3.5
        // clears its configurators too, but its directory brings the provider back in some runs and
        // not in others (apache/dubbo#10207), so what it does here is not asserted.
        raw.delete().forPath(serviceKey);
        await().atMost(Duration.ofSeconds(10)).until(() -> reached(liveTern).equals(both));
    }

    /**
     * A rule at {@code path} ({@code text} null: a node whose name is the rule), and what a Dubbo
     * and a Tern consumer reach under it.
     */
    private record Rule(String path, @org.jspecify.annotations.Nullable String text, Set<String> dubbo,
            Set<String> tern) {
        Rule(String path, @org.jspecify.annotations.Nullable String text, Set<String> both) {
            this(path, text, both, both);
        }
    }

    private static String rule(String head, String item) {
        return "configVersion: v3.0\n" + head + "\nenabled: true\nconfigs:\n  - " + item
                + "\n    parameters:\n      disabled: true\n";
    }

    /** Both consumers come to reach exactly {@code expected}. */
    private static void agree(InteropService dubbo, InteropService tern, Set<String> expected) {
        agree("", dubbo, tern, expected);
    }

    private static void agree(String form, InteropService dubbo, InteropService tern, Set<String> expected) {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
            assertThat(reached(dubbo)).as("the Dubbo consumer, " + form).isEqualTo(expected);
            assertThat(reached(tern)).as("the Tern consumer, " + form).isEqualTo(expected);
        });
    }

    private static Set<String> reached(InteropService service) {
        Set<String> reached = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            reached.add(service.identify());
        }
        return reached;
    }
}
