package io.tern.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.testing.TernCleanup;
import io.tern.testing.ZooKeeperNodes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an operator sees of the governance rules: {@code /rules} on the operations endpoint of a
 * client (per reference) and of a server (per exported service), what is in force and what was
 * refused, and the meters {@code tern.rules.applied{key}} and {@code tern.rules.refused{key}}; a
 * refusal seen by many references of a client logged once.
 */
class RulesVisibilityTest {

    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    public interface Quote {
        String who();
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private String get(String base, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    @Test
    void rulesInForceAndRefusedAreShownAndCounted() throws Exception {
        TestingServer zookeeper = cleanup.register(new TestingServer(true));
        String address = "zookeeper://" + zookeeper.getConnectString() + "?file-cache=false";
        CuratorFramework raw = cleanup.register(CuratorFrameworkFactory.newClient(zookeeper.getConnectString(),
                new RetryOneTime(100)));
        raw.start();
        TernServer server = cleanup.register(Tern.server().application("quotes").registry(address).ops(0)
                .service(Quote.class, () -> "first").start());
        TernClient client = cleanup.register(Tern.client().application("buyer").registry(address).ops(0).build());
        Quote quote = client.reference(Quote.class).get();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> quote.who().equals("first"));

        String route = Quote.class.getName() + "::.condition-router";
        ZooKeeperNodes.write(raw, "/dubbo/config/dubbo/" + route, "conditions: [\"=> port = " + server.port() + "\"]\n");
        ZooKeeperNodes.write(raw, "/dubbo/config/dubbo/buyer.condition-router", "conditions: [\"=> port = \"]\n");
        ZooKeeperNodes.write(raw, "/dubbo/config/dubbo/quotes.configurators", """
                configVersion: v3.0
                scope: application
                key: quotes
                configs:
                  - side: provider
                    addresses: ["127.0.0.1:%d"]
                    parameters: {weight: 50}
                """.formatted(server.port()));
        String clientOps = client.ops().uri();
        String reference = Quote.class.getName();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(get(clientOps, "/rules"))
                .contains("{\"owner\":\"" + reference + "\",\"side\":\"consumer\",\"key\":\"" + route
                        + "\",\"status\":\"1 condition\",\"refused\":false}")
                .contains("{\"owner\":\"" + reference + "\",\"side\":\"consumer\",\"key\":\"buyer.condition-router\","
                        + "\"status\":\"refused: condition route buyer.condition-router: conditions[0]: condition rule"
                        + " '=> port = ': unexpected '=' at 4"));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(get(server.ops().uri(), "/rules"))
                .contains("\"side\":\"provider\",\"key\":\"quotes.configurators\",\"status\":\"1 override\""));

        // a second reference of the same service in the client reads the same refused rule: counted, not logged again
        try (Reference<Quote> second = client.reference(Quote.class, options -> options.retries(1))) {
            second.get();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(get(clientOps, "/metrics"))
                    .contains("tern_rules_applied_total{key=\"" + route + "\"} 2.0")
                    .contains("tern_rules_refused_total{key=\"buyer.condition-router\"} 2.0"));
        }
        assertThat(get(server.ops().uri(), "/metrics")).contains("tern_rules_applied_total{key=\"quotes.configurators\"}"
                + " 1.0");
        assertThat(get(clientOps, "/")).contains("<h2>Rules</h2>");
    }
}
