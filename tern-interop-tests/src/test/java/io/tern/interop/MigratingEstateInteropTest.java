package io.tern.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.ServiceUrl;
import io.tern.bootstrap.RegisterMode;
import io.tern.bootstrap.Tern;
import io.tern.bootstrap.TernClient;
import io.tern.bootstrap.TernServer;
import io.tern.registry.RegistryUrls;
import io.tern.registry.ZooKeeperRegistry;
import io.tern.testing.TernCleanup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.curator.test.TestingServer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A mixed estate migrating to application-level discovery, against a real ZooKeeper: two Apache
 * Dubbo 3.3.5 providers (each a process of its own) and two Tern providers move from
 * {@code register-mode=all} to {@code instance} one by one, each replaced by a new instance of
 * its application before it shuts down gracefully, while a Dubbo consumer and a Tern consumer,
 * both at the default step ({@code APPLICATION_FIRST}), call under eight threads throughout. No
 * call fails, and each consumer reaches every replacement as soon as it is up.
 */
class MigratingEstateInteropTest {

    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    private static final String DUBBO_APP = "estate-dubbo";
    private static final String TERN_APP = "estate-tern";
    private static final int FAILURES_KEPT = 20;

    private TernClient ternClient;
    private String ternAddress;

    /** One caller side: what it reached and what failed. */
    private static final class Side {
        final String name;
        final Set<String> reached = ConcurrentHashMap.newKeySet();
        final AtomicLong calls = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final List<String> failures = new CopyOnWriteArrayList<>();

        Side(String name) {
            this.name = name;
        }

        void call(Supplier<String> identify) {
            try {
                reached.add(identify.get());
                calls.incrementAndGet();
            } catch (RuntimeException e) {
                if (failed.incrementAndGet() <= FAILURES_KEPT) {
                    failures.add(e.toString());
                }
            }
        }
    }

    @Test
    void twoDubboAndTwoTernProvidersMovingToInstanceOneByOneCostNoCallOfEitherConsumer() throws Exception {
        DubboPeer.freePort(); // hides the other interfaces from Dubbo in this JVM too
        TestingServer zookeeper = cleanup.register(new TestingServer(true));
        String address = "zookeeper://" + zookeeper.getConnectString();
        ternAddress = address + "?timeout=10000&file-cache=false";

        List<AutoCloseable> providers = new ArrayList<>(List.of(
                dubbo(address, "all", "dubbo-a"), tern(ternAddress, RegisterMode.ALL, "tern-a"),
                dubbo(address, "all", "dubbo-b"), tern(ternAddress, RegisterMode.ALL, "tern-b")));
        List<String> identities = List.of("dubbo-a", "tern-a", "dubbo-b", "tern-b");

        ternClient = cleanup.register(Tern.client().application("estate-tern-buyer")
                .registry(ternAddress).build());
        InteropService overTern = ternClient.reference(InteropService.class,
                options -> options.version("1.0.0").retries(2).timeout(Duration.ofSeconds(10))).get();
        InteropService overDubbo = dubboConsumer(address);

        Side ternSide = new Side("Tern consumer");
        Side dubboSide = new Side("Dubbo consumer");
        reach(identities, Duration.ofSeconds(60), () -> {
            ternSide.call(overTern::identify);
            dubboSide.call(overDubbo::identify);
        }, ternSide, dubboSide);
        ternSide.failures.clear();
        ternSide.failed.set(0);
        dubboSide.failures.clear();
        dubboSide.failed.set(0);

        AtomicBoolean calling = new AtomicBoolean(true);
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Side side = i % 2 == 0 ? ternSide : dubboSide;
            Supplier<String> identify = i % 2 == 0 ? overTern::identify : overDubbo::identify;
            Thread caller = new Thread(() -> {
                while (calling.get()) {
                    side.call(identify);
                }
            }, "estate-caller-" + i);
            caller.start();
            callers.add(caller);
        }
        cleanup.register(() -> stop(calling, callers));

        for (int i = 0; i < providers.size(); i++) {
            String moved = identities.get(i) + "-instance";
            AutoCloseable replacement = moved.startsWith("dubbo") ? dubbo(address, "instance", moved)
                    : tern(ternAddress, RegisterMode.INSTANCE, moved);
            reach(List.of(moved), Duration.ofSeconds(60), () -> { }, ternSide, dubboSide);
            providers.get(i).close();
            providers.set(i, replacement);
        }
        List<String> moved = identities.stream().map(identity -> identity + "-instance").toList();
        ternSide.reached.clear();
        dubboSide.reached.clear();
        reach(moved, Duration.ofSeconds(30), () -> { }, ternSide, dubboSide);
        stop(calling, callers);

        for (Side side : List.of(ternSide, dubboSide)) {
            assertThat(side.failures).as(side.name + ": " + side.failed.get() + " of " + side.calls.get()
                    + " calls failed").isEmpty();
            assertThat(side.reached).as(side.name).containsExactlyInAnyOrderElementsOf(moved);
            assertThat(side.calls.get()).as(side.name + " calls").isGreaterThan(100);
        }
        try (ZooKeeperRegistry look = ZooKeeperRegistry.connect(ServiceUrl.parse(ternAddress))) {
            assertThat(look.lookup(RegistryUrls.consumer("127.0.0.1", InteropService.class, "check", "", "1.0.0")))
                    .as("nothing left at the interface level").allMatch(ServiceUrl::isEmptyProtocol);
            assertThat(look.applications().instances(DUBBO_APP)).hasSize(2);
            assertThat(look.applications().instances(TERN_APP)).hasSize(2);
        }
        assertThat(ternClient.state().references()).singleElement()
                .satisfies(r -> assertThat(r.discovery()).contains("application level"));
        System.out.printf("migrating estate: Tern consumer %,d calls, Dubbo consumer %,d calls, none failed%n",
                ternSide.calls.get(), dubboSide.calls.get());
    }

    /** Waits until every side has reached every one of {@code identities}, running {@code poke} meanwhile. */
    private void reach(List<String> identities, Duration wait, Runnable poke, Side... sides) {
        try {
            await().atMost(wait).pollInterval(Duration.ofMillis(50)).until(() -> {
                poke.run();
                return Stream.of(sides).allMatch(side -> side.reached.containsAll(identities));
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("not every consumer reached " + identities + " within " + wait.toSeconds() + " s: "
                    + Stream.of(sides).map(side -> side.name + " reached " + side.reached + ", " + side.failed
                    + " failed, first failures " + side.failures).toList() + "; the Tern consumer's reference: "
                    + ternClient.state().references() + "; the registry: " + registryState(), e);
        }
    }

    private String registryState() {
        try (ZooKeeperRegistry look = ZooKeeperRegistry.connect(ServiceUrl.parse(ternAddress))) {
            return "interface level " + look.lookup(RegistryUrls.consumer("127.0.0.1", InteropService.class, "check", "",
                    "1.0.0")) + ", mapping " + look.applications().mapping(InteropService.class.getName()) + ", "
                    + DUBBO_APP + " " + look.applications().instances(DUBBO_APP) + ", " + TERN_APP + " "
                    + look.applications().instances(TERN_APP);
        }
    }

    private AutoCloseable dubbo(String address, String registerMode, String identity) {
        return cleanup.register(DubboProcess.provider(DUBBO_APP, address, registerMode, DubboPeer.freePort(),
                identity));
    }

    private AutoCloseable tern(String address, RegisterMode mode, String identity) {
        return cleanup.register(Tern.server().application(TERN_APP).registry(address).registerMode(mode)
                .service(InteropService.class, new InteropServiceImpl(identity, key -> null, (key, value) -> { }),
                        s -> s.version("1.0.0")).start());
    }

    /** A Dubbo consumer of its own application at Dubbo's default step, with failover's two retries. */
    private InteropService dubboConsumer(String address) {
        return cleanup.register(DubboPeer.registryConsumer("estate-dubbo-buyer", address)).interop();
    }

    private static void stop(AtomicBoolean calling, List<Thread> callers) throws InterruptedException {
        calling.set(false);
        for (Thread caller : callers) {
            caller.join(10_000);
        }
    }
}
