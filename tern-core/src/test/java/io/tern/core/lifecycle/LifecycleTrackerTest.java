package io.tern.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tern.Invoker;
import io.tern.ServiceUrl;
import io.tern.core.Gc;
import io.tern.core.TestServices.Greeter;
import io.tern.core.injvm.InjvmProtocol;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LifecycleTrackerTest {

    /** Where the deliberate leak keeps its destroyed invoker. */
    private static final List<Object> LEAKED = new ArrayList<>();

    private final ServiceUrl url = ServiceUrl.parse("injvm://127.0.0.1/com.example.Leaky?group=tests&version=2.0");

    @AfterEach
    void releaseTheLeak() {
        LEAKED.clear();
    }

    @Test
    void aDestroyedInvokerKeptInAStaticListIsReportedOnceWithItsStacks() {
        LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.PARANOID, 1, 2);
        PrintStream originalErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        LifecycleReport report;
        try (InjvmProtocol protocol = InjvmProtocol.builder().tracker(tracker).build()) {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            Invoker<Greeter> invoker = protocol.refer(Greeter.class, url);
            invoker.close();
            LEAKED.add(invoker);

            await().atMost(Duration.ofSeconds(30)).until(() -> {
                System.gc();
                tracker.checkNow();
                return tracker.report().totalLeaked() == 1;
            });
            report = tracker.report();
        } finally {
            System.setErr(originalErr);
        }

        assertThat(report.leaks()).singleElement().satisfies(leak -> {
            assertThat(leak.kind()).isEqualTo(ResourceKind.INVOKER);
            assertThat(leak.name()).isEqualTo("tests/com.example.Leaky:2.0");
            assertThat(leak.gcCycles()).isGreaterThanOrEqualTo(2);
            assertThat(leak.createdStack()).contains("InjvmProtocol.refer")
                    .contains("aDestroyedInvokerKeptInAStaticListIsReportedOnceWithItsStacks");
            assertThat(leak.destroyedStack()).contains("AbstractInvoker.closeAsync")
                    .contains("aDestroyedInvokerKeptInAStaticListIsReportedOnceWithItsStacks");
        });
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("WARN")
                .contains("LEAK: invoker tests/com.example.Leaky:2.0 destroyed at")
                .contains("Created at:");

        // Reported once: further collections do not count it again.
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        assertThat(tracker.report().counts(ResourceKind.INVOKER).leaked()).isEqualTo(1);
        assertThat(report.format()).contains("LEAK invoker tests/com.example.Leaky:2.0");
    }

    @Test
    void aDestroyedInvokerThatIsReleasedIsCountedCollectedNotLeaked() {
        LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.PARANOID, 1, 2);
        List<WeakReference<Object>> refs = new ArrayList<>();
        try (InjvmProtocol protocol = InjvmProtocol.builder().tracker(tracker).build()) {
            for (int i = 0; i < 100; i++) {
                Invoker<Greeter> invoker = protocol.refer(Greeter.class, url);
                invoker.close();
                refs.add(new WeakReference<>(invoker));
            }
        }
        Gc.awaitCleared(refs);
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> tracker.pendingWatches() == 0);

        LifecycleReport.Counts counts = tracker.report().counts(ResourceKind.INVOKER);
        assertThat(counts).isEqualTo(new LifecycleReport.Counts(100, 100, 100, 100, 0));
        assertThat(tracker.pendingWatches()).isZero();
    }

    @Test
    void theSampledLevelWatchesAFractionAndRecordsNoStacks() {
        LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.SAMPLED, 4, 2);
        try (InjvmProtocol protocol = InjvmProtocol.builder().tracker(tracker).build()) {
            for (int i = 0; i < 400; i++) {
                protocol.refer(Greeter.class, url).close();
            }
        }
        LifecycleReport.Counts counts = tracker.report().counts(ResourceKind.INVOKER);

        assertThat(counts.created()).isEqualTo(400);
        assertThat(counts.destroyed()).isEqualTo(400);
        // Binomial(400, 1/4): mean 100, standard deviation 8.7; [40, 160] is about 7 deviations wide.
        assertThat(counts.watched()).isBetween(40L, 160L);
    }

    @Test
    void theOffLevelCountsButWatchesNothing() {
        LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.OFF, 1, 2);
        try (InjvmProtocol protocol = InjvmProtocol.builder().tracker(tracker).build()) {
            Invoker<Greeter> invoker = protocol.refer(Greeter.class, url);
            invoker.close();
            LEAKED.add(invoker);
        }
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        LifecycleReport.Counts counts = tracker.report().counts(ResourceKind.INVOKER);
        assertThat(counts).isEqualTo(new LifecycleReport.Counts(1, 1, 0, 0, 0));
    }

    @Test
    void levelsParseByNameAndUnknownNamesAreListed() {
        assertThat(TrackerLevel.parse("Paranoid")).isEqualTo(TrackerLevel.PARANOID);
        assertThatThrownBy(() -> TrackerLevel.parse("loud"))
                .hasMessage("lifecycle level: 'loud' (expected: off, sampled, paranoid)");
        assertThatThrownBy(() -> LifecycleTracker.create(TrackerLevel.SAMPLED, 0, 2))
                .hasMessage("samplingInterval: 0 (expected: >= 1)");
    }
}
