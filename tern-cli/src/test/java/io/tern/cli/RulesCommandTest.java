package io.tern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tern.ServiceUrl;
import java.nio.charset.StandardCharsets;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/** {@code tern rules}: every rule of a registry listed and checked as Tern reads it; exit 1 while one is refused. */
class RulesCommandTest {

    @Test
    void listsAndChecksEveryRule() throws Exception {
        try (TestingServer zookeeper = new TestingServer(true);
                CuratorFramework raw = CuratorFrameworkFactory.newClient(zookeeper.getConnectString(),
                        new RetryOneTime(100))) {
            raw.start();
            String registry = "zookeeper://" + zookeeper.getConnectString();
            assertThat(CliRun.of("rules", registry).out()).isEqualTo("(no rules)\n");

            write(raw, "/dubbo/config/dubbo/org.foo.Quote::.condition-router", "conditions: ['=> host = 10.0.0.1']\n");
            write(raw, "/dubbo/config/dubbo/quotes.tag-router", "tags:\n  - name: gray\n    adresses: [10.0.0.1]\n");
            write(raw, "/dubbo/config/dubbo/quotes.script-router", "script: return invokers;\n");
            write(raw, "/dubbo/config/DUBBO_SERVICEDISCOVERY_MIGRATION/buyer.migration", "step: FORCE_INTERFACE\n");
            raw.create().creatingParentsIfNeeded().forPath("/dubbo/org.foo.Quote/routers/" + ServiceUrl.encode(
                    "route://0.0.0.0/org.foo.Quote?category=routers&router=condition&rule="
                            + ServiceUrl.encode("=> host = 10.0.0.2")));

            CliRun run = CliRun.of("rules", registry);
            assertThat(run.exit()).as(run.toString()).isEqualTo(1);
            assertThat(run.out()).contains("condition route  org.foo.Quote::.condition-router  ok\n")
                    .contains("tag route        quotes.tag-router  REFUSED: tag route quotes.tag-router: tags[0]:"
                            + " unknown field 'adresses' (expected: addresses, match, name)\n")
                    .contains("script route     quotes.script-router  REFUSED: script routes run code")
                    .contains("migration        DUBBO_SERVICEDISCOVERY_MIGRATION/buyer.migration  ok\n")
                    .contains("condition route  /dubbo/org.foo.Quote/routers/route://0.0.0.0/org.foo.Quote")
                    .endsWith("5 rules, 2 refused\n");

            raw.delete().forPath("/dubbo/config/dubbo/quotes.tag-router");
            raw.delete().forPath("/dubbo/config/dubbo/quotes.script-router");
            CliRun fixed = CliRun.of("rules", registry, "--json");
            assertThat(fixed.exit()).as(fixed.toString()).isZero();
            assertThat(fixed.out()).contains("\"kind\" : \"migration\"").doesNotContain("\"refused\" : true");
        }
    }

    private static void write(CuratorFramework raw, String path, String text) throws Exception {
        raw.create().creatingParentsIfNeeded().forPath(path, text.getBytes(StandardCharsets.UTF_8));
    }
}
