package io.tern.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.ServiceUrl;
import io.tern.core.lifecycle.LifecycleReport;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.registry.ApplicationDiscovery;
import io.tern.registry.Migration;
import io.tern.registry.ZooKeeperRegistry;
import io.tern.testing.TernCleanup;
import io.tern.testing.ZooKeeperStats;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.server.command.FourLetterCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Five thousand references made and closed through application-level discovery against a real
 * ZooKeeper, over twenty applications whose providers come and go meanwhile: the server's
 * watches, the discovery's subscriptions and kept metadata, and the lifecycle tracker all return
 * to where they started; a reference left open is seen in each of them.
 */
class ApplicationLevelChurnTest {

    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    public interface Inventory {
        int count(String item);
    }

    private static final int APPLICATIONS = 20;
    private static final int REFERENCES = 5_000;

    @Test
    void fiveThousandReferencesOverTwentyApplicationsWithProvidersComingAndGoingLeaveNothingBehind() throws Exception {
        System.setProperty("zookeeper.4lw.commands.whitelist", "mntr");
        FourLetterCommands.resetWhiteList();
        TestingServer zookeeper = cleanup.register(new TestingServer(true));
        String address = "zookeeper://" + zookeeper.getConnectString() + "?timeout=10000&file-cache=false";
        TernServer[] servers = new TernServer[APPLICATIONS];
        for (int i = 0; i < APPLICATIONS; i++) {
            servers[i] = serve(address, i);
        }
        ZooKeeperRegistry registry = cleanup.register(ZooKeeperRegistry.connect(ServiceUrl.parse(address)));
        LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.PARANOID, 1, 2);
        TernClient client = cleanup.register(Tern.client().application("churn-buyer").registry(registry)
                .tracker(tracker).migrationStep(Migration.Step.FORCE_APPLICATION).build());
        client.reference(Inventory.class, options -> options.parameter("provided-by", "inventory-0")).close();
        long watchesBefore = ZooKeeperStats.settledWatchCount("127.0.0.1", zookeeper.getPort());
        ApplicationDiscovery discovery = client.madeApplications();
        assertThat(discovery).isNotNull();

        Deque<Reference<Inventory>> open = new ArrayDeque<>();
        int calls = 0;
        for (int i = 0; i < REFERENCES; i++) {
            int app = i % APPLICATIONS;
            String variant = String.valueOf(i % 7);
            Reference<Inventory> reference = client.reference(Inventory.class, options -> options
                    .parameter("provided-by", "inventory-" + app).parameter("churn", variant));
            open.add(reference);
            if (i % 50 == 0 && servers[app] != null) {
                assertThat(reference.get().count("tea")).isEqualTo(app);
                calls++;
            }
            if (open.size() > 40) {
                open.poll().close();
            }
            if (i % 500 == 250) { // a provider goes, another comes back
                int going = (i / 500) % APPLICATIONS;
                servers[going].close();
                servers[going] = null;
                int coming = (going + APPLICATIONS - 1) % APPLICATIONS;
                if (servers[coming] == null) {
                    servers[coming] = serve(address, coming);
                }
            }
        }
        for (int i = 0; i < APPLICATIONS; i++) {
            if (servers[i] == null) {
                servers[i] = serve(address, i); // each server's session has its own watches: all back, as before
            }
        }
        Reference<Inventory> leftBehind = client.reference(Inventory.class,
                options -> options.parameter("provided-by", "inventory-1").parameter("churn", "left"));
        open.forEach(Reference::close);
        open.clear(); // the test lets go of what it closed, so the tracker sees them collected
        assertThat(calls).isPositive();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(discovery.subscriptionCount()).as("the reference left open").isEqualTo(1);
            assertThat(registry.applications().watchedApplications()).as("the left reference's").isEqualTo(1);
            assertThat(tracker.counts(ResourceKind.SUBSCRIPTION).live()).isEqualTo(1);
            assertThat(ZooKeeperStats.watchCount("127.0.0.1", zookeeper.getPort()))
                    .as("the left reference's instance watches").isGreaterThan(watchesBefore);
        });
        leftBehind.close();
        leftBehind = null;
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(discovery.subscriptionCount()).isZero();
            assertThat(client.madeMigration().referenceCount()).as("references the migration moves").isZero();
            assertThat(discovery.revisionCount()).as("metadata kept").isZero();
            assertThat(registry.applications().watchedApplications()).isZero();
            assertThat(ZooKeeperStats.watchCount("127.0.0.1", zookeeper.getPort())).isEqualTo(watchesBefore);
        });
        LifecycleReport report = tracker.awaitCollected(Duration.ofSeconds(30));
        assertThat(report.counts(ResourceKind.SUBSCRIPTION).created()).isGreaterThanOrEqualTo(REFERENCES);
        assertThat(report.counts(ResourceKind.SUBSCRIPTION).live()).isZero();
        assertThat(report.counts(ResourceKind.DIRECTORY).live()).isZero();
        assertThat(report.totalLeaked()).as(report.format()).isZero();
        System.out.println("churn: " + REFERENCES + " references at the application level over " + APPLICATIONS
                + " applications: " + report.counts(ResourceKind.SUBSCRIPTION).collected()
                + " subscriptions collected, watches back to " + watchesBefore);
        for (TernServer server : servers) {
            if (server != null) {
                server.close();
            }
        }
    }

    private TernServer serve(String address, int app) {
        return cleanup.register(Tern.server().application("inventory-" + app).registry(address)
                .registerMode(RegisterMode.INSTANCE).service(Inventory.class, item -> app).start());
    }
}
