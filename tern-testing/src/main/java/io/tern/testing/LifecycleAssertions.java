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

    /** How long between two collections. */
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    private LifecycleAssertions() {
    }

    /**
     * Runs full collections, one every 100 ms, until every destroyed resource the tracker watches
     * is collected or reported leaked, then returns the report.
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
            pause();
        }
        LifecycleReport report = tracker.report();
        if (report.totalLeaked() > 0) {
            throw new AssertionError(report.totalLeaked() + " destroyed resources still reachable:\n" + report.format());
        }
        return report;
    }

    /**
     * Spaces the collections as an application's are spaced: the tracker counts full collections
     * since a resource was destroyed, and collections run back to back would report what an
     * event loop or a timer lets go a few milliseconds later.
     */
    private static void pause() {
        try {
            Thread.sleep(POLL_INTERVAL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for collections", e);
        }
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
