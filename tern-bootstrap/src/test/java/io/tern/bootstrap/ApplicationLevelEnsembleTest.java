package io.tern.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.zookeeper.server.command.FourLetterCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Application-level discovery on a ZooKeeper ensemble of three that loses a follower, then its
 * leader and its quorum for longer than a session lasts, while consumers call under four
 * threads: no call fails, the providers' instances are registered again under new sessions, and
 * the consumer's watches, set again, see a provider that comes afterwards.
 */
class ApplicationLevelEnsembleTest {

    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    public interface Ledger {
        String who();
    }

    @Test
    void callsGoOnWhileTheEnsembleLosesAFollowerThenItsLeaderAndQuorumAndDiscoveryComesBackAfterwards()
            throws Exception {
        System.setProperty("zookeeper.4lw.commands.whitelist", "mntr");
        FourLetterCommands.resetWhiteList();
        TestingCluster ensemble = cleanup.register(new TestingCluster(3));
        ensemble.start();
        String address = "zookeeper://" + ensemble.getConnectString().split(",")[0] + "?backup="
                + ensemble.getConnectString().substring(ensemble.getConnectString().indexOf(',') + 1)
                + "&timeout=5000&session=4000&file-cache=false";
        serve(address, "ledger-a");
        serve(address, "ledger-b");
        TernClient client = cleanup.register(Tern.client().application("ledger-reader").registry(address)
                .migrationStep(Migration.Step.FORCE_APPLICATION).build());
        Ledger ledger = client.reference(Ledger.class, options -> options.retries(2)).get();
        await().atMost(Duration.ofSeconds(30)).until(() -> Set.of("ledger-a", "ledger-b").contains(ledger.who()));

        AtomicBoolean calling = new AtomicBoolean(true);
        AtomicLong calls = new AtomicLong();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Set<String> answered = ConcurrentHashMap.newKeySet();
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread caller = new Thread(() -> {
                while (calling.get()) {
                    try {
                        answered.add(ledger.who());
                        calls.incrementAndGet();
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                }
            }, "ledger-caller-" + i);
            caller.start();
            callers.add(caller);
        }

        InstanceSpec follower = ensemble.getInstances().stream().filter(spec -> !leads(spec)).findFirst().orElseThrow();
        ensemble.killServer(follower);
        Thread.sleep(1_000);
        InstanceSpec leader = ensemble.getInstances().stream().filter(ApplicationLevelEnsembleTest::leads)
                .findFirst().orElseThrow();
        ensemble.killServer(leader); // one of three left: no quorum, for longer than a session lasts
        Thread.sleep(6_000);
        ensemble.restartServer(follower);
        ensemble.restartServer(leader);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> instances(address) == 2);

        serve(address, "ledger-c");
        await().atMost(Duration.ofSeconds(30)).until(() -> answered.contains("ledger-c"));
        calling.set(false);
        for (Thread caller : callers) {
            caller.join(10_000);
        }
        assertThat(failures).as(calls.get() + " calls").isEmpty();
        assertThat(calls.get()).isPositive();
        assertThat(answered).contains("ledger-a", "ledger-b", "ledger-c");
    }

    private void serve(String address, String name) {
        cleanup.register(Tern.server().application("ledger").registry(address).registerMode(RegisterMode.INSTANCE)
                .service(Ledger.class, () -> name).start());
    }

    /** The instances of the ledger application registered now, as a new session reads them. */
    private static int instances(String address) {
        try (io.tern.registry.ZooKeeperRegistry look = io.tern.registry.ZooKeeperRegistry.connect(
                io.tern.ServiceUrl.parse(address))) {
            return look.applications().instances("ledger").size();
        }
    }

    private static boolean leads(InstanceSpec spec) {
        try {
            return ZooKeeperStats.isLeader("127.0.0.1", spec.getPort());
        } catch (RuntimeException e) {
            return false; // not running
        }
    }
}
