package io.tern.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tern.RpcException;
import io.tern.ServiceUrl;
import io.tern.core.RpcContext;
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
 * An operator's route rules, written where Dubbo's consumers read them, obeyed live by a Tern
 * consumer: the service's condition route (v3.0 and the multi-destination v3.1), the consumer
 * application's and the provider application's, the provider application's tag route, and a
 * legacy {@code route://} under {@code /dubbo/<interface>/routers}; a rule that does not parse
 * and a script route are refused and change nothing; a black list says so in the call's error;
 * closing the client leaves no watch behind.
 */
class RouteRulesConsumerTest {

    @RegisterExtension
    static final TernCleanup cleanup = new TernCleanup();

    public interface Quote {
        String who();
    }

    private static final String CONFIG = "/dubbo/config/dubbo/";
    private static final String SERVICE_RULE = CONFIG + Quote.class.getName() + "::.condition-router";
    private static TestingServer zookeeper;
    private static String address;
    private static CuratorFramework raw;
    /** The providers' ports (not the servers: a closed server held in a static field would be reported as a leak). */
    private static int first;
    private static int second;
    private static int third;

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
        third = serve("third").port();
    }

    private static TernServer serve(String name) {
        return cleanup.register(Tern.server().application("quotes").registry(address)
                .service(Quote.class, () -> name).start());
    }

    private static Set<String> reached(Quote quote) {
        return reached(quote, null);
    }

    private static Set<String> reached(Quote quote, String tag) {
        Set<String> reached = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            if (tag != null) {
                RpcContext.setAttachment("dubbo.tag", tag);
            }
            reached.add(quote.who());
        }
        return reached;
    }

    private static void write(String path, String text) throws Exception {
        ZooKeeperNodes.write(raw, path, text);
    }

    private static void awaitReached(Quote quote, String... names) {
        await().atMost(Duration.ofSeconds(2)).until(() -> reached(quote).equals(Set.of(names)));
    }

    @Test
    void conditionTagAndLegacyRoutesApplyLiveAndGoWithTheClient() throws Exception {
        long watchesBefore = ZooKeeperStats.settledWatchCount("127.0.0.1", zookeeper.getPort());
        LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.PARANOID, 1, 10);
        callWhileRoutesChange(tracker); // in a frame of its own: the client and proxy go with it
        assertThat(ZooKeeperStats.watchCount("127.0.0.1", zookeeper.getPort())).as("the rules' watches gone with the"
                + " client").isEqualTo(watchesBefore);
        assertThat(tracker.counts(ResourceKind.RULES).created()).as("overrides and routes").isEqualTo(2);
        assertThat(LifecycleAssertions.assertAllCollected(tracker, Duration.ofSeconds(30))
                .counts(ResourceKind.RULES).live()).isZero();
    }

    private static void callWhileRoutesChange(LifecycleTracker tracker) throws Exception {
        try (TernClient client = Tern.client().application("buyer").registry(address).tracker(tracker).build()) {
            Quote quote = client.reference(Quote.class, options -> options.retries(2)).get();
            awaitReached(quote, "first", "second", "third");

            write(SERVICE_RULE, """
                    scope: service
                    key: %s
                    force: true
                    conditions:
                      - "=> address = 127.0.0.1:%d"
                    """.formatted(Quote.class.getName(), first));
            awaitReached(quote, "first");

            write(SERVICE_RULE, "conditions: [\"=> port = 1\"]\nweights: 3\n");
            assertThat(reached(quote)).as("a rule with a field Dubbo does not know is refused; the one before stays")
                    .containsExactly("first");

            write(SERVICE_RULE, """
                    configVersion: v3.1
                    scope: service
                    key: %s
                    conditions:
                      - from: {match: "method = who"}
                        to:
                          - {match: "port = %d", weight: 50}
                          - {match: "port = %d", weight: 50}
                    """.formatted(Quote.class.getName(), first, second));
            awaitReached(quote, "first", "second");
            raw.delete().forPath(SERVICE_RULE);
            awaitReached(quote, "first", "second", "third");

            write(CONFIG + "buyer.condition-router", """
                    scope: application
                    key: buyer
                    conditions: ["method = who =>"]
                    """);
            await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThatThrownBy(quote::who)
                    .isInstanceOf(RpcException.class).hasMessageContaining("every provider is routed out by the"
                            + " condition route buyer.condition-router 'method = who =>' (a black list)"));
            raw.delete().forPath(CONFIG + "buyer.condition-router");
            awaitReached(quote, "first", "second", "third");

            write(CONFIG + "quotes.condition-router", """
                    scope: application
                    key: quotes
                    conditions: ["=> port != %d"]
                    """.formatted(third));
            awaitReached(quote, "first", "second");
            raw.delete().forPath(CONFIG + "quotes.condition-router");
            awaitReached(quote, "first", "second", "third");

            write(CONFIG + "quotes.tag-router", """
                    force: false
                    key: quotes
                    tags:
                      - name: gray
                        addresses: ["127.0.0.1:%d"]
                    """.formatted(third));
            awaitReached(quote, "first", "second");
            assertThat(reached(quote, "gray")).containsExactly("third");
            assertThat(reached(quote, "blue")).as("a tag no rule names: the untagged").containsOnly("first", "second");

            write(CONFIG + "quotes.script-router", "script: return invokers;\n");
            assertThat(reached(quote)).as("a script route is refused").containsOnly("first", "second");
            raw.delete().forPath(CONFIG + "quotes.tag-router");
            awaitReached(quote, "first", "second", "third");

            String legacy = "/dubbo/" + Quote.class.getName() + "/routers/" + ServiceUrl.encode("route://0.0.0.0/"
                    + Quote.class.getName() + "?category=routers&router=condition&dynamic=false&enabled=true&force=true"
                    + "&name=one&priority=0&runtime=false&rule=" + ServiceUrl.encode("=> port = " + second));
            raw.create().creatingParentsIfNeeded().forPath(legacy);
            awaitReached(quote, "second");
            raw.delete().forPath(legacy);
            awaitReached(quote, "first", "second", "third");
        }
    }

    /**
     * A registry with a root of its own ({@code group=estate}) is its config center as Dubbo takes
     * it: namespace and rule group {@code estate}; {@code config-center.group} names another group.
     */
    @Test
    void aRegistryOfItsOwnGroupReadsRulesWhereDubboWould() throws Exception {
        String estate = "zookeeper://" + zookeeper.getConnectString() + "?group=estate&file-cache=false";
        int one = cleanup.register(Tern.server().application("estate-quotes").registry(estate)
                .service(Quote.class, () -> "one").start()).port();
        cleanup.register(Tern.server().application("estate-quotes").registry(estate)
                .service(Quote.class, () -> "two").start());
        String rule = Quote.class.getName() + "::.condition-router";
        write("/estate/config/estate/" + rule, "conditions: ['=> port = " + one + "']\n");
        write("/estate/config/ops/" + rule, "conditions: ['=> port != " + one + "']\n");
        try (TernClient client = Tern.client().application("buyer").registry(estate).build();
                TernClient ops = Tern.client().application("buyer").registry(estate + "&config-center.group=ops")
                        .build()) {
            Quote quote = client.reference(Quote.class, options -> options.retries(2)).get();
            awaitReached(quote, "one");
            Quote viaOps = ops.reference(Quote.class, options -> options.retries(2)).get();
            awaitReached(viaOps, "two");
        }
    }
}
