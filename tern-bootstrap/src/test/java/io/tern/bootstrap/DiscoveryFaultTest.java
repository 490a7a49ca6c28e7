package io.tern.bootstrap;

import static io.tern.bootstrap.CallerLoad.within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.testing.TernCleanup;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Discovery through a real ZooKeeper (Curator's in-process TestingServer) while things fail:
 * providers restarted one by one, a provider killed, ZooKeeper itself stopped. Each test uses a
 * group of its own, and every call made under load must succeed.
 */
class DiscoveryFaultTest {

    @RegisterExtension
    static final TernCleanup cleanup = new TernCleanup();

    private static final Duration CLOSE_LIMIT = Duration.ofSeconds(30);

    private static TestingServer zookeeper;

    @BeforeAll
    static void startZooKeeper() throws Exception {
        zookeeper = cleanup.register(new TestingServer(true));
    }

    private static String registry(String parameters) {
        return "zookeeper://" + zookeeper.getConnectString() + "?timeout=10000&" + parameters;
    }

    private static TernServer provider(String group, String name) {
        return Tern.server().application("provider-" + name).registry(registry("file-cache=false"))
                .unregisterDelay(Duration.ofMillis(500))
                .service(Named.class, Named.called(name, 2), s -> s.group(group)).start();
    }

    private static TernClient consumer() {
        return Tern.client().application("consumer").registry(registry("file-cache=false")).build();
    }

    private static Named reference(TernClient client, String group) {
        return client.reference(Named.class, r -> r.group(group).timeout(Duration.ofSeconds(10))).get();
    }

    @Test
    void aRollingRestartOfThreeProvidersUnderLoadFailsNoCall() throws Exception {
        List<TernServer> providers = new ArrayList<>(List.of(provider("rolling", "a0"), provider("rolling", "b0"),
                provider("rolling", "c0")));
        try (TernClient client = consumer()) {
            Named named = reference(client, "rolling");
            await().atMost(Duration.ofSeconds(10)).until(() -> client.stats("dubbo").referredCount() == 3);
            CallerLoad load = new CallerLoad(named, 8);
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> load.answeredBy("a0") > 0
                        && load.answeredBy("b0") > 0 && load.answeredBy("c0") > 0);
                String[] next = {"a1", "b1", "c1"};
                for (int i = 0; i < providers.size(); i++) {
                    within(providers.get(i).closeAsync(), CLOSE_LIMIT, "closing provider " + i);
                    providers.set(i, provider("rolling", next[i]));
                    String name = next[i];
                    await().atMost(Duration.ofSeconds(10)).until(() -> load.answeredBy(name) > 100);
                }
            } finally {
                load.stop();
            }
            assertThat(load.failures()).isEmpty();
            assertThat(load.answeredBy("a0") + load.answeredBy("a1")).isPositive();
            System.out.printf("rolling restart: %d calls, %d failed%n", load.answered(), load.failures().size());
        } finally {
            for (TernServer provider : providers) {
                within(provider.closeAsync(), CLOSE_LIMIT, "closing a provider");
            }
        }
    }

    /**
     * The only provider leaves before its successor registers: for a moment the consumer has no
     * provider at all. Calls made then wait for the change and are answered by the successor.
     */
    @Test
    void restartingTheOnlyProviderUnderLoadFailsNoCall() throws Exception {
        TernServer provider = provider("only", "only0");
        try (TernClient client = consumer()) {
            Named named = reference(client, "only");
            await().atMost(Duration.ofSeconds(10)).until(() -> client.stats("dubbo").referredCount() == 1);
            CallerLoad load = new CallerLoad(named, 8);
            try {
                for (int i = 1; i <= 3; i++) {
                    String name = "only" + i;
                    within(provider.closeAsync(), CLOSE_LIMIT, "closing the provider");
                    provider = provider("only", name);
                    await().atMost(Duration.ofSeconds(10)).until(() -> load.answeredBy(name) > 100);
                }
            } finally {
                load.stop();
            }
            assertThat(load.failures()).isEmpty();
            System.out.printf("only provider restarted 3 times: %d calls, %d failed%n", load.answered(),
                    load.failures().size());
        } finally {
            within(provider.closeAsync(), CLOSE_LIMIT, "closing the provider");
        }
    }

    @Test
    void zooKeeperStoppedForThirtySecondsFailsNoCallAndChangesArePickedUpAfter() throws Exception {
        TernServer first = provider("outage", "first");
        TernServer second = provider("outage", "second");
        TernServer late = null;
        try (TernClient client = consumer()) {
            Named named = reference(client, "outage");
            await().atMost(Duration.ofSeconds(10)).until(() -> client.stats("dubbo").referredCount() == 2);
            CallerLoad load = new CallerLoad(named, 8);
            try {
                zookeeper.stop();
                long before = load.answered();
                Thread.sleep(30_000);
                assertThat(load.answered()).as("calls went on without ZooKeeper").isGreaterThan(before + 1_000);

                zookeeper.restart();
                late = provider("outage", "late");
                await().atMost(Duration.ofSeconds(30)).until(() -> load.answeredBy("late") > 100);
                load.stop();
                assertThat(load.failures()).isEmpty();
                System.out.printf("zookeeper outage: %d calls, %d failed%n", load.answered(), load.failures().size());
            } finally {
                load.stop();
            }
        } finally {
            within(first.closeAsync(), CLOSE_LIMIT, "closing first");
            within(second.closeAsync(), CLOSE_LIMIT, "closing second");
            if (late != null) {
                within(late.closeAsync(), CLOSE_LIMIT, "closing late");
            }
        }
    }

    @Test
    void aKilledProviderIsDroppedWithinTheSessionTimeoutAndCallsFailOver() throws Exception {
        int sessionMillis = 4_000;
        TernServer survivor = provider("killed", "survivor");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), NamedProviderMain.class.getName(),
                registry("session=" + sessionMillis + "&file-cache=false"), "killed", "victim")
                .redirectErrorStream(true).start();
        try (TernClient client = consumer();
                BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.startsWith("port "));
            assertThat(line).as("the provider process started").isNotNull();
            Named named = reference(client, "killed");
            await().atMost(Duration.ofSeconds(10)).until(() -> client.stats("dubbo").referredCount() == 2);
            CallerLoad load = new CallerLoad(named, 8);
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> load.answeredBy("victim") > 100);

                long killedAt = System.nanoTime();
                process.destroyForcibly();
                await().atMost(Duration.ofMillis(sessionMillis + 5_000))
                        .until(() -> client.stats("dubbo").referredCount() == 1);
                long droppedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
                long afterDrop = load.answered();
                await().atMost(Duration.ofSeconds(10)).until(() -> load.answered() > afterDrop + 100);

                load.stop();
                assertThat(load.failures()).as("calls in flight to the killed provider failed over").isEmpty();
                System.out.printf("killed provider: dropped after %d ms (session %d ms), %d calls, %d failed%n",
                        droppedMillis, sessionMillis, load.answered(), load.failures().size());
            } finally {
                load.stop();
            }
        } finally {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            within(survivor.closeAsync(), CLOSE_LIMIT, "closing survivor");
        }
    }
}
