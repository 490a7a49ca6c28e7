package io.tern.core;

import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Collection;

/** Garbage-collection helpers for collectability assertions. */
public final class Gc {

    private Gc() {
    }

    /**
     * Runs full collections until every reference is cleared; fails after 30 seconds naming how
     * many objects are still reachable.
     */
    public static void awaitCleared(Collection<? extends WeakReference<?>> refs) {
        await("all " + refs.size() + " weak references cleared")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    System.gc();
                    // refersTo, not get(): reading a referent keeps it alive through a concurrent cycle.
                    return refs.stream().allMatch(r -> r.refersTo(null));
                });
    }

    /** How many of these references are still set after a full collection. */
    public static long reachable(Collection<? extends WeakReference<?>> refs) {
        System.gc();
        return refs.stream().filter(r -> !r.refersTo(null)).count();
    }

    /** Heap in use after a full collection, in bytes. */
    public static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
