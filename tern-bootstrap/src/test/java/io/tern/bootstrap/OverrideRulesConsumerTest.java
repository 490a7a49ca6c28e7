package io.tern.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tern.RpcException;
import io.tern.ServiceUrl;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.testing.LifecycleAssertions;
import io.tern.testing.TernCleanup;
import io.tern.testing.ZooKeeperNodes;
import io.tern.testing.ZooKeeperStats;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.server.command.FourLetterCommands;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An operator's override rules, written where Dubbo's consumers read them, obeyed live by a Tern
 * consumer: a YAML rule in the config center and a legacy {@code override://} URL under
 * {@code /dubbo/<interface>/configurators} each take a provider out and bring it back; a rule
 * that does not parse leaves the one before it in force; disabling every provider says so in the
 * call's error; closing the client leaves no watch behind.
 */
class OverrideRulesConsumerTest {

    @RegisterExtension
    static final TernCleanup cleanup = new TernCleanup();

    public interface Quote {
        String who();
    }

    private static final String SERVICE_RULE = "/dubbo/config/dubbo/" + Quote.class.getName() + "::.configurators";
    private static TestingServer zookeeper;
    private static String address;
    private static CuratorFramework raw;
    /** The providers' ports (not the servers: a closed server held in a static field would be reported as a leak). */
    private static int first;
    private static int second;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("zookeeper.4lw.commands.whitelist", "mntr");
        FourLetterCommands.resetWhiteList();
        zookeeper = cleanup.register(new TestingServer(true));
        address = "zookeeper://" + zookeeper.getConnectString() + "?timeout=10000&file-cache=false";
        raw = cleanup.register(CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryOneTime(100)));
        raw.start();
        first = serve("first").port();
        second = serve("second").port();
    }

    private static TernServer serve(String name) {
        return cleanup.register(Tern.server().application("quotes").registry(address)
                .service(Quote.class, () -> name).start());
    }

    private static Set<String> reached(Quote quote) {
        Set<String> reached = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            reached.add(quote.who());
        }
        return reached;
    }

    /** Whether 24 calls in a row alternate between the two providers, as round robin makes them and random would not. */
    private static boolean alternates(Quote quote) {
        String last = quote.who();
        for (int i = 0; i < 24; i++) {
            String next = quote.who();
            if (next.equals(last)) {
                return false;
            }
            last = next;
        }
        return true;
    }

    private static void write(String path, String text) throws Exception {
        ZooKeeperNodes.write(raw, path, text);
    }

    private static String disable(int port) {
        return """
                configVersion: v3.0
                scope: service
                key: %s
                configs:
                  - side: consumer
                    providerAddresses: ["127.0.0.1:%d"]
                    parameters:
                      disabled: true
                """.formatted(Quote.class.getName(), port);
    }

    @Test
    void aYamlRuleAndALegacyOverrideEachTakeAProviderOutLiveAndBringItBack() throws Exception {
        long watchesBefore = ZooKeeperStats.settledWatchCount("127.0.0.1", zookeeper.getPort());
        LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.PARANOID, 1, 10);
        callWhileRulesChange(tracker); // in a frame of its own: the client and proxy go with it
        assertThat(ZooKeeperStats.watchCount("127.0.0.1", zookeeper.getPort())).as("the rules' watches gone with the"
                + " client").isEqualTo(watchesBefore);
        assertThat(tracker.counts(ResourceKind.RULES).created()).as("overrides and routes").isEqualTo(2);
        assertThat(LifecycleAssertions.assertAllCollected(tracker, Duration.ofSeconds(30))
                .counts(ResourceKind.RULES).live()).isZero();
    }

    private static void callWhileRulesChange(LifecycleTracker tracker) throws Exception {
        try (TernClient client = Tern.client().application("buyer").registry(address).tracker(tracker).build()) {
            Quote quote = client.reference(Quote.class, options -> options.retries(2)).get();
            await().atMost(Duration.ofSeconds(10)).until(() -> reached(quote).equals(Set.of("first", "second")));

            write(SERVICE_RULE, disable(first));
            await().atMost(Duration.ofSeconds(2)).until(() -> reached(quote).equals(Set.of("second")));

            write(SERVICE_RULE, "configs: [oops\n");
            assertThat(reached(quote)).as("a rule that does not parse leaves the one before in force")
                    .containsExactly("second");

            write(SERVICE_RULE, "");
            assertThat(reached(quote)).as("an empty node is no rule to Dubbo either: the one before stays")
                    .containsExactly("second");

            raw.delete().forPath(SERVICE_RULE);
            await().atMost(Duration.ofSeconds(2)).until(() -> reached(quote).equals(Set.of("first", "second")));

            String legacy = "/dubbo/" + Quote.class.getName() + "/configurators/" + ServiceUrl.encode("override://"
                    + "127.0.0.1:" + second + "/" + Quote.class.getName()
                    + "?category=configurators&dynamic=false&disabled=true");
            raw.create().creatingParentsIfNeeded().forPath(legacy);
            await().atMost(Duration.ofSeconds(2)).until(() -> reached(quote).equals(Set.of("first")));
            raw.delete().forPath(legacy);
            await().atMost(Duration.ofSeconds(2)).until(() -> reached(quote).equals(Set.of("first", "second")));

            write("/dubbo/config/dubbo/buyer.configurators", """
                    configVersion: v3.0
                    scope: application
                    key: buyer
                    configs:
                      - side: consumer
                        parameters: {disabled: true}
                    """);
            await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThatThrownBy(quote::who)
                    .isInstanceOf(RpcException.class).hasMessageContaining("every provider (2) is disabled, by its own URL or by an override rule"));
            raw.delete().forPath("/dubbo/config/dubbo/buyer.configurators");
            await().atMost(Duration.ofSeconds(2)).until(() -> reached(quote).equals(Set.of("first", "second")));

            // what dubbo-admin writes to change load balancing: the reference takes it from its next call
            write(SERVICE_RULE, """
                    configVersion: v3.0
                    scope: service
                    key: %s
                    configs:
                      - type: balancing
                        enabled: true
                        side: consumer
                        parameters: {loadbalance: roundrobin}
                    """.formatted(Quote.class.getName()));
            await().atMost(Duration.ofSeconds(2)).until(() -> alternates(quote));
            raw.delete().forPath(SERVICE_RULE);
            await().atMost(Duration.ofSeconds(2)).until(() -> !alternates(quote));
        }
    }
}
