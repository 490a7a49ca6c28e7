package io.tern.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.core.RpcContext;
import io.tern.testing.TernCleanup;
import io.tern.testing.ZooKeeperNodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rules changed while 8 threads call (4 untagged, 4 with {@code dubbo.tag=gray}): a provider
 * disabled and enabled again, weighted to 0 and back, a tag route moving the gray calls from
 * one provider to another. No call fails, and each shift shows in the per-provider counts of a
 * short window within 2 s of the rule being written.
 */
class GovernanceUnderLoadTest {

    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    public interface Quote {
        String who();
    }

    private static final String CONFIG = "/dubbo/config/dubbo/";
    private static final Duration SHIFT = Duration.ofSeconds(2);

    private final Map<String, LongAdder> untagged = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> gray = new ConcurrentHashMap<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    @Test
    void rulesChangedUnderLoadShiftTrafficWithoutAFailedCall() throws Exception {
        TestingServer zookeeper = cleanup.register(new TestingServer(true));
        String address = "zookeeper://" + zookeeper.getConnectString() + "?file-cache=false";
        CuratorFramework raw = cleanup.register(CuratorFrameworkFactory.newClient(zookeeper.getConnectString(),
                new RetryOneTime(100)));
        raw.start();
        Map<String, Integer> ports = new TreeMap<>();
        for (String name : List.of("a", "b", "c")) {
            ports.put(name, cleanup.register(Tern.server().application("quotes").registry(address)
                    .service(Quote.class, () -> name).start()).port());
        }
        TernClient client = cleanup.register(Tern.client().application("buyer").registry(address).build());
        Quote quote = client.reference(Quote.class, options -> options.retries(2)).get();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> quote.who() != null);
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            boolean tagged = i % 2 == 1;
            Thread caller = new Thread(() -> call(quote, tagged), "caller-" + i);
            caller.setDaemon(true);
            callers.add(caller);
            caller.start();
        }
        try {
            shiftsTo("no rule", Set.of("a", "b", "c"), Set.of("a", "b", "c"));
            String service = CONFIG + Quote.class.getName() + "::.configurators";
            ZooKeeperNodes.write(raw, service, override(ports.get("a"), "disabled: true"));
            shiftsTo("a disabled", Set.of("b", "c"), Set.of("b", "c"));
            raw.delete().forPath(service);
            shiftsTo("a enabled again", Set.of("a", "b", "c"), Set.of("a", "b", "c"));
            ZooKeeperNodes.write(raw, service, override(ports.get("b"), "weight: 0"));
            shiftsTo("b weighted to 0", Set.of("a", "c"), Set.of("a", "c"));
            raw.delete().forPath(service);
            shiftsTo("b weighted back", Set.of("a", "b", "c"), Set.of("a", "b", "c"));
            String tags = CONFIG + "quotes.tag-router";
            ZooKeeperNodes.write(raw, tags, tagRoute(ports.get("c")));
            shiftsTo("gray to c", Set.of("a", "b"), Set.of("c"));
            ZooKeeperNodes.write(raw, tags, tagRoute(ports.get("a")));
            shiftsTo("gray to a", Set.of("b", "c"), Set.of("a"));
            raw.delete().forPath(tags);
            shiftsTo("no tag route", Set.of("a", "b", "c"), Set.of("a", "b", "c"));
        } finally {
            running = false;
            for (Thread caller : callers) {
                caller.join(30_000);
            }
        }
        assertThat(failures).as("calls that failed while rules changed").isEmpty();
        assertThat(untagged.values().stream().mapToLong(LongAdder::sum).sum()).isGreaterThan(1_000);
    }

    private void call(Quote quote, boolean tagged) {
        Map<String, LongAdder> counts = tagged ? gray : untagged;
        while (running) {
            if (tagged) {
                RpcContext.setAttachment("dubbo.tag", "gray");
            }
            try {
                counts.computeIfAbsent(quote.who(), k -> new LongAdder()).increment();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
    }

    /** Within 2 s, a window of 300 ms in which the untagged and the gray calls reach exactly these providers. */
    private void shiftsTo(String what, Set<String> untaggedReach, Set<String> grayReach) {
        await(what).atMost(SHIFT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
            Map<String, Long> beforeUntagged = snapshot(untagged);
            Map<String, Long> beforeGray = snapshot(gray);
            Thread.sleep(300);
            assertThat(reached(beforeUntagged, untagged)).as(what + ", untagged calls").isEqualTo(untaggedReach);
            assertThat(reached(beforeGray, gray)).as(what + ", gray calls").isEqualTo(grayReach);
        });
        assertThat(failures).as("failed calls by " + what).isEmpty();
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> counts) {
        Map<String, Long> now = new TreeMap<>();
        counts.forEach((provider, count) -> now.put(provider, count.sum()));
        return now;
    }

    private static Set<String> reached(Map<String, Long> before, Map<String, LongAdder> counts) {
        Set<String> reached = new java.util.TreeSet<>();
        counts.forEach((provider, count) -> {
            if (count.sum() > before.getOrDefault(provider, 0L)) {
                reached.add(provider);
            }
        });
        return reached;
    }

    private static String override(int port, String parameter) {
        return """
                configVersion: v3.0
                scope: service
                key: %s
                configs:
                  - side: consumer
                    providerAddresses: ["127.0.0.1:%d"]
                    parameters: {%s}
                """.formatted(Quote.class.getName(), port, parameter);
    }

    private static String tagRoute(int port) {
        return "key: quotes\ntags:\n  - name: gray\n    addresses: [\"127.0.0.1:" + port + "\"]\n";
    }
}
