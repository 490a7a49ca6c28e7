package io.tern.testing;

import static java.util.Objects.requireNonNull;

import io.tern.core.lifecycle.LifecycleReport;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import java.time.Duration;

/**
 * The checks every churn test ends with, over a {@link LifecycleTracker} that watched what the
 * test made (at the paranoid level, so that it watches everything).
 */
public final class LifecycleAssertions {

    private LifecycleAssertions() {
    }

    /**
     * Runs full collections until every destroyed resource the tracker watches is collected or
     * reported leaked, then returns the report.
     *
     * @throws AssertionError with the tracker's report when some are still neither after {@code limit},
     *     or when any was reported leaked
     */
    public static LifecycleReport assertAllCollected(LifecycleTracker tracker, Duration limit) {
        requireNonNull(tracker, "tracker");
        requireNonNull(limit, "limit");
        long deadline = System.nanoTime() + limit.toNanos();
        while (tracker.pendingWatches() > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(tracker.pendingWatches() + " destroyed resources neither collected nor"
                        + " reported after " + limit + ":\n" + tracker.report().format());
            }
            System.gc();
            tracker.checkNow();
            Thread.onSpinWait();
        }
        LifecycleReport report = tracker.report();
        if (report.totalLeaked() > 0) {
            throw new AssertionError(report.totalLeaked() + " destroyed resources still reachable:\n" + report.format());
        }
        return report;
    }

    /**
     * Checks that nothing of these kinds is live and that every one destroyed was collected.
     *
     * @throws AssertionError naming the kind and its counts
     */
    public static void assertNoneLive(LifecycleReport report, ResourceKind... kinds) {
        for (ResourceKind kind : kinds) {
            LifecycleReport.Counts counts = report.counts(kind);
            if (counts.live() != 0 || counts.collected() != counts.destroyed()) {
                throw new AssertionError(kind.label() + ": " + counts.created() + " created, " + counts.destroyed()
                        + " destroyed, " + counts.collected() + " collected (expected: none live, every destroyed one"
                        + " collected)\n" + report.format());
            }
        }
    }
}
