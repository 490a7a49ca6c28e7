package io.tern.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.ServiceUrl;
import io.tern.registry.discovery.AppMetadata;
import io.tern.registry.discovery.InstanceMetadata;
import io.tern.registry.discovery.InstanceNode;
import io.tern.testing.TernCleanup;
import io.tern.testing.ZooKeeperStats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.server.command.FourLetterCommands;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How application-level discovery asks for metadata, against a real ZooKeeper: the instances are
 * real nodes; the metadata source stands in for the instances' metadata services (the bootstrap's
 * tests and the interop tests call real ones), so that what is asked can be counted and refused.
 */
class ApplicationDiscoveryTest {

    @RegisterExtension
    static final TernCleanup cleanup = new TernCleanup();

    private static final String STOCK = "com.example.Stock";
    private static TestingServer zookeeper;
    private static ZooKeeperRegistry registry;

    /** What each (app, revision) serves; a revision missing here is refused. */
    private final Map<String, AppMetadata> served = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("zookeeper.4lw.commands.whitelist", "mntr");
        FourLetterCommands.resetWhiteList();
        zookeeper = cleanup.register(new TestingServer(true));
        registry = cleanup.register(ZooKeeperRegistry.connect(ServiceUrl.parse("zookeeper://"
                + zookeeper.getConnectString() + "?timeout=10000&file-cache=false")));
    }

    private ApplicationDiscovery discovery() {
        ApplicationDiscovery discovery = ApplicationDiscovery.create(registry.applications(), instance -> {
            String key = instance.app() + "@" + instance.revision();
            asked.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            AppMetadata metadata = served.get(key);
            return metadata != null ? CompletableFuture.completedFuture(metadata)
                    : CompletableFuture.failedFuture(new IllegalStateException("no revision " + instance.revision()));
        });
        cleanup.register(discovery::close);
        return discovery;
    }

    /** Registers an instance of {@code app} serving Stock (version {@code version}) and returns its revision. */
    private String serve(String app, int port, String version) {
        ServiceUrl exported = ServiceUrl.parse("dubbo://127.0.0.1:" + port + "/" + STOCK + "?interface=" + STOCK
                + "&version=" + version + "&application=" + app + "&side=provider");
        AppMetadata metadata = AppMetadata.of(app, List.of(exported));
        served.put(app + "@" + metadata.revision(), metadata);
        register(app, port, metadata.revision());
        return metadata.revision();
    }

    private static void register(String app, int port, String revision) {
        registry.applications().register(new InstanceNode(app, "127.0.0.1", port, revision.isEmpty() ? Map.of()
                : Map.of(InstanceMetadata.REVISION, revision), 1L));
    }

    private static ServiceUrl consumer(String providedBy, String version) {
        return RegistryUrls.genericConsumer("127.0.0.1", STOCK, "buyer", "", version).toBuilder()
                .parameter(ApplicationDiscovery.PROVIDED_BY, providedBy).build();
    }

    private static List<String> addresses(List<ServiceUrl> providers) {
        return providers.stream().filter(u -> !u.isEmptyProtocol()).map(ServiceUrl::address).toList();
    }

    @Test
    void instancesSharingARevisionCostOneQuestionAndInstancesWithoutOneAreLeftOutUnasked() {
        String revision = serve("shared-rev", 30001, "1.0");
        register("shared-rev", 30002, revision); // the same services: the same revision
        register("shared-rev", 30003, "");
        register("shared-rev", 30004, AppMetadata.EMPTY_REVISION);
        List<List<ServiceUrl>> heard = new CopyOnWriteArrayList<>();

        Registry.Subscription subscription = discovery().subscribe(stockConsumer("shared-rev"), heard::add,
                Duration.ofSeconds(5));

        assertThat(heard).as("the first list before subscribe returns").isNotEmpty();
        assertThat(addresses(heard.get(heard.size() - 1))).containsExactlyInAnyOrder("127.0.0.1:30001",
                "127.0.0.1:30002");
        assertThat(asked).as("one question per revision").hasSize(1);
        assertThat(asked.values().iterator().next()).hasValue(1);
        subscription.close();
    }

    @Test
    void aRevisionThatCannotBeHadIsAskedThreeTimesThenTheInstanceIsLeftOutAndTheOthersServe() {
        serve("failing-rev", 30011, "1.0");
        register("failing-rev", 30012, "0123456789abcdef0123456789abcdef"); // nobody answers for it
        List<List<ServiceUrl>> heard = new CopyOnWriteArrayList<>();

        Registry.Subscription subscription = discovery().subscribe(stockConsumer("failing-rev"), heard::add,
                Duration.ofSeconds(10));

        await().atMost(Duration.ofSeconds(10)).until(() -> !heard.isEmpty());
        assertThat(addresses(heard.get(heard.size() - 1))).containsExactly("127.0.0.1:30011");
        assertThat(asked.get("failing-rev@0123456789abcdef0123456789abcdef"))
                .as("Dubbo's three attempts").hasValue(ApplicationDiscovery.METADATA_ATTEMPTS);
        subscription.close();
    }

    @Test
    void whenEveryInstanceIsLeftOutTheReasonTheListIsEmptyNamesTheInstanceTheRevisionAndTheFailure() {
        String revision = "fedcba9876543210fedcba9876543210";
        register("unanswering", 30041, revision); // nobody answers for it
        List<List<ServiceUrl>> heard = new CopyOnWriteArrayList<>();

        Registry.Subscription subscription = discovery().subscribe(stockConsumer("unanswering"), heard::add,
                Duration.ofSeconds(10));

        await().atMost(Duration.ofSeconds(10)).until(() -> !heard.isEmpty());
        assertThat(heard.get(heard.size() - 1)).singleElement().satisfies(empty -> assertThat(empty.parameter(
                ServiceUrl.EMPTY_REASON)).isEqualTo("no instance of unanswering serves " + STOCK + ":1.0 (checked"
                + " /services/unanswering); left out: cannot get the metadata of revision " + revision
                + " from instance 127.0.0.1:30041 of unanswering after 3 attempts: no revision " + revision));
        subscription.close();
    }

    @Test
    void anInstanceChangingRevisionIsAskedAgainAndServesWhatItServesNow() {
        serve("changing-rev", 30021, "1.0");
        List<List<ServiceUrl>> oneZero = new CopyOnWriteArrayList<>();
        List<List<ServiceUrl>> twoZero = new CopyOnWriteArrayList<>();
        ApplicationDiscovery discovery = discovery();
        Registry.Subscription first = discovery.subscribe(consumer("changing-rev", "1.0"), oneZero::add,
                Duration.ofSeconds(5));
        Registry.Subscription second = discovery.subscribe(consumer("changing-rev", "2.0"), twoZero::add,
                Duration.ofSeconds(5));
        assertThat(addresses(oneZero.get(oneZero.size() - 1))).containsExactly("127.0.0.1:30021");
        assertThat(twoZero.get(twoZero.size() - 1)).singleElement().satisfies(u -> assertThat(u.isEmptyProtocol())
                .isTrue());

        serve("changing-rev", 30021, "2.0"); // the same instance, a new revision

        await().atMost(Duration.ofSeconds(10)).until(() -> addresses(twoZero.get(twoZero.size() - 1))
                .equals(List.of("127.0.0.1:30021")));
        await().atMost(Duration.ofSeconds(10)).until(() -> addresses(oneZero.get(oneZero.size() - 1)).isEmpty());
        assertThat(oneZero.get(oneZero.size() - 1).get(0).parameter(ServiceUrl.EMPTY_REASON))
                .isEqualTo("no instance of changing-rev serves " + STOCK + ":1.0 (checked /services/changing-rev)");
        first.close();
        second.close();
        assertThat(discovery.subscriptionCount()).isZero();
        assertThat(discovery.revisionCount()).as("the metadata goes with the application's last subscription")
                .isZero();
        assertThat(registry.applications().watchedApplications()).isZero();
    }

    @Test
    void closeReturnsOnceTheWatchesAreGoneAndAListenerMayCloseItsOwnSubscription() throws InterruptedException {
        String revision = serve("closing", 30100, "1.0");
        for (int port = 30101; port < 30120; port++) {
            register("closing", port, revision); // a watch on each instance's node
        }
        ApplicationDiscovery discovery = discovery();
        int before = registry.applications().watchedApplications();
        long serverBefore = ZooKeeperStats.settledWatchCount("127.0.0.1", zookeeper.getPort());
        Registry.Subscription subscription = discovery.subscribe(stockConsumer("closing"), providers -> { },
                Duration.ofSeconds(5));
        assertThat(registry.applications().watchedApplications()).isEqualTo(before + 1);
        assertThat(ZooKeeperStats.watchCount("127.0.0.1", zookeeper.getPort())).isGreaterThan(serverBefore + 20);

        subscription.close();

        assertThat(ZooKeeperStats.watchCount("127.0.0.1", zookeeper.getPort()))
                .as("the server's watches gone when close returns").isEqualTo(serverBefore);
        assertThat(registry.applications().watchedApplications()).isEqualTo(before);

        AtomicReference<Registry.Subscription> own = new AtomicReference<>();
        CountDownLatch closedItself = new CountDownLatch(1);
        own.set(discovery.subscribe(stockConsumer("closing"), providers -> {
            Registry.Subscription self = own.get();
            if (self != null && addresses(providers).size() == 21) {
                self.close(); // on the discovery thread: must not wait for itself
                closedItself.countDown();
            }
        }, Duration.ofSeconds(5)));
        register("closing", 30120, revision);
        assertThat(closedItself.await(10, TimeUnit.SECONDS)).as("a listener closed its own subscription").isTrue();
        assertThat(discovery.subscriptionCount()).isZero();
        assertThat(registry.applications().watchedApplications()).isEqualTo(before);
    }

    private static ServiceUrl stockConsumer(String providedBy) {
        return consumer(providedBy, "1.0");
    }
}
