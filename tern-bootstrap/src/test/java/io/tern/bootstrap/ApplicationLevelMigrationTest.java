package io.tern.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.ServiceUrl;
import io.tern.registry.ZooKeeperRegistry;
import io.tern.testing.TernCleanup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An estate migrating to application-level discovery, against a real ZooKeeper: providers move
 * from {@code register-mode=all} to {@code instance} one by one (each replaced by a new instance
 * before it shuts down), and an operator's rule moves one consumer application to
 * {@code FORCE_APPLICATION} meanwhile, while consumers call under eight threads: no call fails.
 */
class ApplicationLevelMigrationTest {

    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    public interface Quote {
        String who();
    }

    private static final int FAILURES_KEPT = 20;

    @Test
    void providersMovingFromAllToInstanceAndARuleMovingAConsumerCostNoCall() throws Exception {
        TestingServer zookeeper = cleanup.register(new TestingServer(true));
        String address = "zookeeper://" + zookeeper.getConnectString() + "?timeout=10000&file-cache=false";
        CuratorFramework raw = cleanup.register(CuratorFrameworkFactory.newClient(zookeeper.getConnectString(),
                new RetryOneTime(100)));
        raw.start();
        List<TernServer> providers = new ArrayList<>(List.of(serve(address, "quote-1", RegisterMode.ALL),
                serve(address, "quote-2", RegisterMode.ALL), serve(address, "quote-3", RegisterMode.ALL)));
        Quote first = cleanup.register(Tern.client().application("quote-reader").registry(address).build())
                .reference(Quote.class, options -> options.retries(2)).get();
        Quote second = cleanup.register(Tern.client().application("quote-ruled").registry(address).build())
                .reference(Quote.class, options -> options.retries(2)).get();

        AtomicBoolean calling = new AtomicBoolean(true);
        AtomicLong calls = new AtomicLong();
        AtomicInteger failed = new AtomicInteger();
        List<String> failures = new CopyOnWriteArrayList<>();
        Set<String> reached = ConcurrentHashMap.newKeySet();
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Quote quote = i % 2 == 0 ? first : second;
            Thread caller = new Thread(() -> {
                while (calling.get()) {
                    try {
                        reached.add(quote.who());
                        calls.incrementAndGet();
                    } catch (RuntimeException e) {
                        if (failed.incrementAndGet() <= FAILURES_KEPT) {
                            failures.add(e.toString());
                        }
                    }
                }
            }, "quote-caller-" + i);
            caller.start();
            callers.add(caller);
        }
        cleanup.register(() -> {
            calling.set(false);
            for (Thread caller : callers) {
                caller.join(10_000);
            }
        });

        ZooKeeperRegistry look = cleanup.register(ZooKeeperRegistry.connect(ServiceUrl.parse(address)));
        for (int i = 0; i < providers.size(); i++) {
            Thread.sleep(500);
            String moved = "quote-" + (i + 1) + "-instance";
            TernServer replacement = serve(address, moved, RegisterMode.INSTANCE);
            await().atMost(Duration.ofSeconds(10)).until(() -> !look.applications().instances(moved).isEmpty());
            if (i == 1) {
                raw.create().creatingParentsIfNeeded().forPath(
                        "/dubbo/config/DUBBO_SERVICEDISCOVERY_MIGRATION/quote-ruled.migration",
                        "step: FORCE_APPLICATION\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            providers.get(i).close();
            providers.set(i, replacement);
        }
        reached.clear();
        await().atMost(Duration.ofSeconds(30)).until(() -> reached.containsAll(Set.of("quote-1-instance",
                "quote-2-instance", "quote-3-instance")));
        calling.set(false);
        for (Thread caller : callers) {
            caller.join(10_000);
        }

        assertThat(failures).as(failed.get() + " of " + calls.get() + " calls failed").isEmpty();
        assertThat(reached).containsExactlyInAnyOrder("quote-1-instance", "quote-2-instance", "quote-3-instance");
    }

    private TernServer serve(String address, String name, RegisterMode mode) {
        return cleanup.register(Tern.server().application(name).registry(address).registerMode(mode)
                .service(Quote.class, () -> name).start());
    }
}
