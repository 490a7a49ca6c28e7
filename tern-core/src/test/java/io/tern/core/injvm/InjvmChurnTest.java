package io.tern.core.injvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.Exporter;
import io.tern.Invoker;
import io.tern.ServiceUrl;
import io.tern.core.Gc;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.core.TestServices.Greeter;
import io.tern.core.TestServices.GreeterImpl;
import io.tern.core.lifecycle.LifecycleReport;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.core.lifecycle.TrackerLevel;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Export/unexport and refer/destroy churn on one long-lived protocol: its containers end empty,
 * every destroyed object is collected, and the tracker reports no leak.
 */
class InjvmChurnTest {

    private static final int CYCLES = 10_000;
    private final ServiceUrl url = ServiceUrl.parse("injvm://127.0.0.1/" + Greeter.class.getName() + "?version=1.0");
    private final LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.PARANOID, 1, 2);

    @Test
    void exportUnexportChurnLeavesNothingBehind() {
        InjvmProtocol protocol = InjvmProtocol.builder().tracker(tracker).build();
        Invoker<Greeter> consumer = protocol.refer(Greeter.class, url);
        Greeter greeter = Proxies.create(consumer);
        long before = Gc.usedHeapAfterGc();

        List<WeakReference<Object>> refs = exportCycles(protocol, greeter);

        assertThat(protocol.stats().exportedCount()).isZero();
        LifecycleReport report = awaitCollectedAndReport(refs, "export/unexport", before);
        assertThat(report.counts(ResourceKind.EXPORTER)).isEqualTo(new LifecycleReport.Counts(CYCLES, CYCLES, CYCLES, CYCLES, 0));
        assertThat(report.counts(ResourceKind.INVOKER).collected()).isEqualTo(CYCLES);
        assertThat(report.totalLeaked()).isZero();
        assertThat(report.leaks()).isEmpty();
        consumer.close();
        protocol.close();
    }

    private List<WeakReference<Object>> exportCycles(InjvmProtocol protocol, Greeter greeter) {
        List<WeakReference<Object>> refs = new ArrayList<>(CYCLES * 3);
        for (int i = 0; i < CYCLES; i++) {
            GreeterImpl implementation = new GreeterImpl();
            Exporter<Greeter> exporter = protocol.export(Invokers.of(Greeter.class, implementation, url, tracker));
            assertThat(greeter.greet("cycle " + i)).isEqualTo("Hello, cycle " + i);
            exporter.close();
            refs.add(new WeakReference<>(exporter));
            refs.add(new WeakReference<>(exporter.invoker()));
            refs.add(new WeakReference<>(implementation));
        }
        return refs;
    }

    @Test
    void referDestroyChurnLeavesNothingBehind() {
        InjvmProtocol protocol = InjvmProtocol.builder().tracker(tracker).build();
        Exporter<Greeter> exporter = protocol.export(Invokers.of(Greeter.class, new GreeterImpl(), url, tracker));
        long before = Gc.usedHeapAfterGc();

        List<WeakReference<Object>> refs = referCycles(protocol);

        assertThat(protocol.stats().referredCount()).isZero();
        LifecycleReport report = awaitCollectedAndReport(refs, "refer/destroy", before);
        LifecycleReport.Counts invokers = report.counts(ResourceKind.INVOKER);
        assertThat(invokers.created()).isEqualTo(CYCLES + 1); // plus the exported one, still live
        assertThat(invokers.destroyed()).isEqualTo(CYCLES);
        assertThat(invokers.collected()).isEqualTo(CYCLES);
        assertThat(invokers.live()).isEqualTo(1);
        assertThat(report.totalLeaked()).isZero();
        exporter.close();
        protocol.close();
    }

    private List<WeakReference<Object>> referCycles(InjvmProtocol protocol) {
        List<WeakReference<Object>> refs = new ArrayList<>(CYCLES * 2);
        for (int i = 0; i < CYCLES; i++) {
            Invoker<Greeter> invoker = protocol.refer(Greeter.class, url);
            Greeter greeter = Proxies.create(invoker);
            assertThat(greeter.greet("cycle " + i)).isEqualTo("Hello, cycle " + i);
            invoker.close();
            refs.add(new WeakReference<>(invoker));
            refs.add(new WeakReference<>(greeter));
        }
        return refs;
    }

    /**
     * Waits until every watched object is collected and the tracker has counted it, prints the
     * heap figures, and returns the tracker's report.
     */
    private LifecycleReport awaitCollectedAndReport(List<WeakReference<Object>> refs, String what, long before) {
        Gc.awaitCleared(refs);
        refs.clear(); // the weak references themselves are the test's, not Tern's
        await("the tracker has counted every collection").atMost(Duration.ofSeconds(30))
                .until(() -> tracker.pendingWatches() == 0);
        long after = Gc.usedHeapAfterGc();
        System.out.printf("churn: %,d %s cycles on injvm: heap used after GC %,d KiB before, %,d KiB after (%+,d KiB)%n",
                CYCLES, what, before / 1024, after / 1024, (after - before) / 1024);
        return tracker.report();
    }
}
