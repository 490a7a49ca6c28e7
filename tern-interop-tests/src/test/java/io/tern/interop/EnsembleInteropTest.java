package io.tern.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.bootstrap.RegisterMode;
import io.tern.bootstrap.Tern;
import io.tern.bootstrap.TernClient;
import io.tern.registry.Migration;
import io.tern.testing.TernCleanup;
import io.tern.testing.ZooKeeperStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.command.FourLetterCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Application-level discovery across Tern and Apache Dubbo 3.3.5 on a ZooKeeper ensemble of
 * three that loses a follower, then its leader and its quorum for longer than a session lasts: a
 * Dubbo provider (a process of its own) and a Tern provider register only their instances, a
 * Dubbo and a Tern consumer at {@code FORCE_APPLICATION} call them under eight threads
 * throughout. No call fails; both providers' instances are registered once the ensemble is back
 * (under new sessions where theirs expired);
 * both consumers find providers that come afterwards.
 */
class EnsembleInteropTest {

    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    private static final String DUBBO_APP = "ensemble-dubbo";
    private static final String TERN_APP = "ensemble-tern";
    private static final int FAILURES_KEPT = 20;

    @Test
    void callsOfBothConsumersGoOnWhileTheEnsembleLosesAFollowerThenItsLeaderAndQuorum() throws Exception {
        DubboPeer.freePort(); // hides the other interfaces from Dubbo in this JVM too
        System.setProperty("zookeeper.4lw.commands.whitelist", "mntr");
        FourLetterCommands.resetWhiteList();
        TestingCluster ensemble = cleanup.register(new TestingCluster(3));
        ensemble.start();
        String servers = ensemble.getConnectString();
        String address = "zookeeper://" + servers.split(",")[0] + "?backup=" + servers.substring(servers.indexOf(',') + 1)
                + "&session=4000";
        String ternAddress = address + "&timeout=5000&file-cache=false";
        CuratorFramework raw = cleanup.register(CuratorFrameworkFactory.newClient(servers, new RetryOneTime(100)));
        raw.start();

        cleanup.register(DubboProcess.provider(DUBBO_APP, address, "instance", DubboPeer.freePort(), "dubbo-1"));
        tern(ternAddress, "tern-1");
        TernClient client = cleanup.register(Tern.client().application("ensemble-tern-buyer").registry(ternAddress)
                .migrationStep(Migration.Step.FORCE_APPLICATION).build());
        InteropService overTern = client.reference(InteropService.class,
                options -> options.version("1.0.0").retries(2).timeout(Duration.ofSeconds(10))).get();
        InteropService overDubbo = dubboConsumer(address);
        Set<String> ternReached = ConcurrentHashMap.newKeySet();
        Set<String> dubboReached = ConcurrentHashMap.newKeySet();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            ternReached.add(overTern.identify());
            dubboReached.add(overDubbo.identify());
            return ternReached.containsAll(Set.of("dubbo-1", "tern-1"))
                    && dubboReached.containsAll(Set.of("dubbo-1", "tern-1"));
        });
        long dubboSession = owner(raw, DUBBO_APP);
        long ternSession = owner(raw, TERN_APP);

        AtomicBoolean calling = new AtomicBoolean(true);
        AtomicLong calls = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<String> failures = new CopyOnWriteArrayList<>();
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Set<String> reached = i % 2 == 0 ? ternReached : dubboReached;
            Supplier<String> identify = i % 2 == 0 ? overTern::identify : overDubbo::identify;
            String side = i % 2 == 0 ? "Tern consumer: " : "Dubbo consumer: ";
            Thread caller = new Thread(() -> {
                while (calling.get()) {
                    try {
                        reached.add(identify.get());
                        calls.incrementAndGet();
                    } catch (RuntimeException e) {
                        if (failed.incrementAndGet() <= FAILURES_KEPT) {
                            failures.add(side + e);
                        }
                    }
                }
            }, "ensemble-caller-" + i);
            caller.start();
            callers.add(caller);
        }
        cleanup.register(() -> stop(calling, callers));

        InstanceSpec follower = ensemble.getInstances().stream().filter(spec -> !leads(spec)).findFirst().orElseThrow();
        ensemble.killServer(follower);
        Thread.sleep(1_000);
        InstanceSpec leader = ensemble.getInstances().stream().filter(EnsembleInteropTest::leads).findFirst()
                .orElseThrow();
        ensemble.killServer(leader); // one of three left: no quorum, for longer than a session lasts
        Thread.sleep(6_000);
        ensemble.restartServer(follower);
        ensemble.restartServer(leader);
        // Whether a provider's session expires depends on when its client reconnects to the quorum
        // that comes back; either way its instance must be registered, under the old session or a new one.
        await("both instances registered once the ensemble is back").atMost(Duration.ofSeconds(90))
                .ignoreExceptions().until(() -> owner(raw, DUBBO_APP) != 0 && owner(raw, TERN_APP) != 0);
        System.out.printf("ensemble: Dubbo provider's session %s, Tern provider's %s%n",
                owner(raw, DUBBO_APP) == dubboSession ? "kept" : "new", owner(raw, TERN_APP) == ternSession ? "kept"
                        : "new");

        cleanup.register(DubboProcess.provider(DUBBO_APP, address, "instance", DubboPeer.freePort(), "dubbo-2"));
        tern(ternAddress, "tern-2");
        await("both consumers reach the providers that came afterwards").atMost(Duration.ofSeconds(60))
                .until(() -> ternReached.containsAll(Set.of("dubbo-2", "tern-2"))
                        && dubboReached.containsAll(Set.of("dubbo-2", "tern-2")));
        stop(calling, callers);

        assertThat(failures).as(failed.get() + " of " + calls.get() + " calls failed").isEmpty();
        assertThat(calls.get()).isGreaterThan(100);
        assertThat(ternReached).containsExactlyInAnyOrder("dubbo-1", "tern-1", "dubbo-2", "tern-2");
        assertThat(dubboReached).containsExactlyInAnyOrder("dubbo-1", "tern-1", "dubbo-2", "tern-2");
        System.out.printf("ensemble: %,d calls through the loss of a follower, the leader and quorum, none failed%n",
                calls.get());
    }

    private void tern(String address, String identity) {
        cleanup.register(Tern.server().application(TERN_APP).registry(address).registerMode(RegisterMode.INSTANCE)
                .service(InteropService.class, new InteropServiceImpl(identity, key -> null, (key, value) -> { }),
                        s -> s.version("1.0.0")).start());
    }

    /** A Dubbo consumer of its own application at {@code FORCE_APPLICATION}, with failover's two retries. */
    private InteropService dubboConsumer(String address) {
        System.setProperty("dubbo.application.migration.step", "FORCE_APPLICATION");
        cleanup.register(() -> System.clearProperty("dubbo.application.migration.step"));
        return cleanup.register(DubboPeer.registryConsumer("ensemble-dubbo-buyer", address)).interop();
    }

    /** The session that owns the first instance node of {@code app}. */
    private static long owner(CuratorFramework raw, String app) throws Exception {
        String path = "/services/" + app;
        List<String> instances = raw.getChildren().forPath(path);
        Stat stat = raw.checkExists().forPath(path + "/" + instances.get(0));
        return stat.getEphemeralOwner();
    }

    private static boolean leads(InstanceSpec spec) {
        try {
            return ZooKeeperStats.isLeader("127.0.0.1", spec.getPort());
        } catch (RuntimeException e) {
            return false; // not running
        }
    }

    private static void stop(AtomicBoolean calling, List<Thread> callers) throws InterruptedException {
        calling.set(false);
        for (Thread caller : callers) {
            caller.join(10_000);
        }
    }
}
