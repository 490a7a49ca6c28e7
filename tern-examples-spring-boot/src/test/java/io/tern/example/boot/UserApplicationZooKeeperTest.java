package io.tern.example.boot;

import static io.tern.example.boot.UserApps.assertUser;
import static io.tern.example.boot.UserApps.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.core.lifecycle.LifecycleReport;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.ops.OpsTarget;
import io.tern.spring.boot.TernApplicationState;
import io.tern.testing.ZooKeeperStats;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.server.command.FourLetterCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example against a real ZooKeeper: this class's context is the consumer (the REST front),
 * and each test starts provider contexts of its own.
 */
@ExtendWith(UserApplicationZooKeeperTest.StopZooKeeper.class) // before Spring's extension: it runs after it
@SpringBootTest(classes = UserApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"tern.role=consumer", "server.address=127.0.0.1", "spring.jmx.enabled=false"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@Timeout(180)
class UserApplicationZooKeeperTest {

    private static final TestingServer ZOOKEEPER = start();
    private static final String REGISTRY = "zookeeper://" + ZOOKEEPER.getConnectString() + "?timeout=10000";
    private static final String SERVICE = "io.tern.example.UserService:1.0.0";

    @Autowired
    private ConfigurableApplicationContext context;
    @Autowired
    private TernApplicationState state;

    private static TestingServer start() {
        try {
            FourLetterCommands.resetWhiteList();
            return new TestingServer(true);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry properties) {
        properties.add("tern.registry.address", () -> REGISTRY);
        properties.add("tern.protocol.port", () -> "0");
        properties.add("tern.protocol.host", () -> "127.0.0.1");
    }

    /** Stops ZooKeeper once Spring has closed this class's context. */
    static final class StopZooKeeper implements AfterAllCallback {
        @Override
        public void afterAll(ExtensionContext context) throws Exception {
            ZOOKEEPER.close();
        }
    }

    private int port() {
        return UserApps.webPort(context);
    }

    private List<String> providers() {
        return state.references().stream().filter(r -> r.key().equals(SERVICE)).findFirst()
                .map(OpsTarget.ReferenceState::providers).orElse(List.of());
    }

    @Test
    void theConsumersRestCallReturnsTheUserAndTheActuatorShowsTern() {
        int port = port();
        try (ConfigurableApplicationContext provider = UserApps.provider(REGISTRY)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> providers().size() == 1);
            assertUser(port, 1);
            assertUser(port, 42);
            HttpResponse<String> missing = get(port, "/users/0");
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body()).contains("error");

            HttpResponse<String> health = get(port, "/actuator/health");
            assertThat(health.body()).contains(SERVICE);
            assertThat(UserApps.ternHealth(health.body())).isEqualTo("UP");
            HttpResponse<String> providerHealth = get(UserApps.webPort(provider), "/actuator/health");
            assertThat(providerHealth.body()).contains("\"services\":[\"" + SERVICE + "\",\"tern.example.Greeter\"]");

            HttpResponse<String> tern = get(port, "/actuator/tern");
            assertThat(tern.statusCode()).isEqualTo(200);
            assertThat(tern.body()).contains("\"references\":[{").contains(SERVICE).contains("\"lifecycle\":{");

            HttpResponse<String> prometheus = get(port, "/actuator/prometheus");
            assertThat(prometheus.body()).containsPattern(
                    "dubbo_consumer_requests_total\\{[^}]*method=\"getUser\"[^}]*\\} [1-9]")
                    .contains("tern_lifecycle_live");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> providers().isEmpty());
    }

    @Test
    void closingAProviderUnderLoadFailsNoCallWhileASecondServes() throws Exception {
        int port = port();
        try (ConfigurableApplicationContext second = UserApps.provider(REGISTRY)) {
            ConfigurableApplicationContext first = UserApps.provider(REGISTRY);
            assertThat(second.isActive()).isTrue();
            await().atMost(Duration.ofSeconds(30)).until(() -> providers().size() == 2);

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong calls = new AtomicLong();
            Queue<String> failures = new ConcurrentLinkedQueue<>();
            ExecutorService callers = Executors.newFixedThreadPool(8);
            for (int t = 0; t < 8; t++) {
                int thread = t;
                callers.execute(() -> {
                    for (long i = 1; running.get(); i++) {
                        long id = thread * 1_000 + i % 1_000 + 1;
                        try {
                            HttpResponse<String> response = get(port, "/users/" + id);
                            if (response.statusCode() != 200 || !response.body().contains("\"id\":" + id + ",")) {
                                failures.add(response.statusCode() + " " + response.body());
                            }
                        } catch (RuntimeException e) {
                            failures.add(e.toString());
                        }
                        calls.incrementAndGet();
                    }
                });
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> calls.get() > 200);
            first.close(); // unregister, wait, read-only event, drain: while 8 callers keep calling
            long afterClose = calls.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> calls.get() > afterClose + 500);
            running.set(false);
            callers.shutdown();
            assertThat(callers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

            assertThat(failures).as("calls failed while a provider closed").isEmpty();
            assertThat(providers()).as("only the second provider is left").hasSize(1);
            assertUser(port, 7);
        }
    }

    @Test
    void closingAConsumerContextLeavesNoInvokerClientOrWatchBehind() throws Exception {
        port();
        try (ConfigurableApplicationContext provider = UserApps.provider(REGISTRY);
                CuratorFramework curator = CuratorFrameworkFactory.newClient(ZOOKEEPER.getConnectString(),
                        new RetryOneTime(100))) {
            assertThat(provider.isActive()).isTrue();
            curator.start();
            String consumers = "/dubbo/io.tern.example.UserService/consumers";
            int consumersBefore = children(curator, consumers);
            long watchesBefore = ZooKeeperStats.watchCount("127.0.0.1", ZOOKEEPER.getPort());

            LifecycleTracker tracker = callAndClose(curator, consumers, consumersBefore, watchesBefore);
            LifecycleReport report = tracker.awaitCollected(Duration.ofSeconds(30));
            for (ResourceKind kind : ResourceKind.values()) {
                assertThat(report.counts(kind).live()).as(kind + " live after the consumer closed").isZero();
            }
            assertThat(report.counts(ResourceKind.CLIENT).created()).as("it made clients").isPositive();
            assertThat(report.totalLeaked()).as(report.format()).isZero();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(ZooKeeperStats.watchCount("127.0.0.1", ZOOKEEPER.getPort())).isEqualTo(watchesBefore);
                assertThat(children(curator, consumers)).isEqualTo(consumersBefore);
            });
        }
    }

    /** Starts a consumer context, calls through it, closes it; returns its tracker. */
    private static LifecycleTracker callAndClose(CuratorFramework curator, String consumers, int consumersBefore,
            long watchesBefore) throws Exception {
        // Spring Boot keeps a closed application's beans reachable in two places of its own, outside
        // Tern: its Logback system holds the Environment of the application it configured last (and
        // through it the servlet context and the beans), and Micrometer's global registry keeps the
        // application's meter registry (Boot 3.5). This consumer stays out of both, so what the
        // tracker sees is Tern's alone.
        System.setProperty(LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
        ConfigurableApplicationContext started;
        try {
            started = UserApps.consumer(REGISTRY, "--tern.lifecycle.level=paranoid",
                    "--management.metrics.use-global-registry=false");
        } finally {
            System.clearProperty(LoggingSystem.SYSTEM_PROPERTY);
        }
        try (ConfigurableApplicationContext consumer = started) {
            int port = UserApps.webPort(consumer);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertUser(port, 3));
            assertThat(children(curator, consumers)).as("it registered as a consumer").isEqualTo(consumersBefore + 1);
            assertThat(ZooKeeperStats.watchCount("127.0.0.1", ZOOKEEPER.getPort())).isGreaterThan(watchesBefore);
            return consumer.getBean(LifecycleTracker.class);
        }
    }

    private static int children(CuratorFramework curator, String path) throws Exception {
        return curator.checkExists().forPath(path) == null ? 0 : curator.getChildren().forPath(path).size();
    }
}
