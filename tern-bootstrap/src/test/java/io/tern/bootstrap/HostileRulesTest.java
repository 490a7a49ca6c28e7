package io.tern.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.tern.registry.RuleCheck;
import io.tern.registry.ZooKeeperRegistry;
import io.tern.testing.TernCleanup;
import io.tern.testing.ZooKeeperNodes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rules written to hurt, in place of a rule in force: a 10 MB text, a "billion laughs" of YAML
 * aliases, nesting 10,000 deep, a condition of 100,000 clauses wrong at its end, a regular
 * expression built to backtrack, and 10,000 rule keys
 * beside the reference's. Each is refused or bounded, the reference keeps calling, and the rule
 * before stays in force throughout.
 */
class HostileRulesTest {

    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    public interface Quote {
        String who();
    }

    @Test
    void hostileRulesAreRefusedOrBoundedAndTheRuleBeforeStays() throws Exception {
        // ZooKeeper reads its packet limit once per JVM; the build sets it for this module's tests
        assertThat(Integer.getInteger("jute.maxbuffer", 0)).as("jute.maxbuffer, so that ZooKeeper holds a 10 MB rule")
                .isGreaterThan(11 << 20);
        TestingServer zookeeper = cleanup.register(new TestingServer(true));
        String address = "zookeeper://" + zookeeper.getConnectString() + "?file-cache=false";
        CuratorFramework raw = cleanup.register(CuratorFrameworkFactory.newClient(zookeeper.getConnectString(),
                new RetryOneTime(100)));
        raw.start();
        int first = cleanup.register(Tern.server().application("quotes").registry(address)
                .service(Quote.class, () -> "first").start()).port();
        cleanup.register(Tern.server().application("quotes").registry(address).service(Quote.class, () -> "second")
                .start());
        TernClient client = cleanup.register(Tern.client().application("buyer").registry(address).build());
        Quote quote = client.reference(Quote.class, options -> options.retries(2)).get();
        String route = "/dubbo/config/dubbo/" + Quote.class.getName() + "::.condition-router";
        ZooKeeperNodes.write(raw, route, "conditions: ['=> port = " + first + "']\n");
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> reached(quote).equals(Set.of("first")));

        String laughs = "key: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\nscope: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                + "priority: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nconditions: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n";
        List<String> hostile = List.of(
                "conditions:\n" + "  - '=> host = 10.0.0.1'\n".repeat(10 * (1 << 20) / 24),
                laughs,
                "conditions: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n",
                "conditions: ['=> " + "a=b&".repeat(100_000) + "=c']\n"); // long, and wrong at its very end
        for (String text : hostile) {
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                ZooKeeperNodes.write(raw, route, text);
                Thread.sleep(300); // what the rule would change, it would have changed by now
                assertThat(reached(quote)).as("the rule before, after a hostile one of " + text.length()
                        + " characters").isEqualTo(Set.of("first"));
            });
        }

        // a tag route whose parameter match is a pattern built to backtrack: applied, each match bounded
        ZooKeeperNodes.write(raw, "/dubbo/config/dubbo/quotes.tag-router", "configVersion: v3.0\nkey: quotes\ntags:\n"
                + "  - name: slow\n    match:\n      - key: side\n        value: {regex: '(a|aa)+$'}\n");
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThat(reached(quote)).containsOnly("first"));

        // 10,000 rule keys beside the reference's: nothing of them is watched, and all are checked in bounded time
        for (int i = 0; i < 10_000; i++) {
            raw.create().creatingParentsIfNeeded().inBackground().forPath("/dubbo/config/dubbo/app-" + i
                    + ".condition-router", ("conditions: ['=> port = " + i + "']\n").getBytes(StandardCharsets.UTF_8));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> raw.getChildren().forPath("/dubbo/config/dubbo").size()
                >= 10_000);
        assertThat(reached(quote)).containsExactly("first");
        try (ZooKeeperRegistry look = ZooKeeperRegistry.connect(io.tern.ServiceUrl.parse(address))) {
            List<RuleCheck.Checked> checked = assertTimeoutPreemptively(Duration.ofSeconds(60),
                    () -> RuleCheck.check(look));
            assertThat(checked).hasSizeGreaterThan(10_000);
        }
    }

    private static Set<String> reached(Quote quote) {
        Set<String> reached = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            reached.add(quote.who());
        }
        return reached;
    }
}
