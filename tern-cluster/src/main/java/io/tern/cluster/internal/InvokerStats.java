package io.tern.cluster;

import io.tern.Invoker;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-invoker call statistics of one cluster: calls in flight, a moving average of response
 * times, recent failures. Owned by its cluster invoker, which drops an invoker's entry as soon as
 * the invoker leaves the directory, so the map never outgrows the live set.
 */
public final class InvokerStats {

    /** One invoker's numbers. */
    public static final class Stats {
        private static final double ALPHA = 0.2;

        private final AtomicInteger active = new AtomicInteger();
        private final AtomicLong averageNanos = new AtomicLong();
        private final AtomicLong failures = new AtomicLong();
        private final AtomicLong calls = new AtomicLong();

        public int active() {
            return active.get();
        }

        /** The moving average of response times, in nanoseconds; 0 before the first call. */
        public long averageNanos() {
            return averageNanos.get();
        }

        public long calls() {
            return calls.get();
        }

        public long failures() {
            return failures.get();
        }

        void start() {
            active.incrementAndGet();
        }

        void end(long elapsedNanos, boolean failed) {
            active.decrementAndGet();
            calls.incrementAndGet();
            if (failed) {
                failures.incrementAndGet();
            }
            averageNanos.updateAndGet(avg -> avg == 0 ? elapsedNanos : (long) (avg + ALPHA * (elapsedNanos - avg)));
        }
    }

    private final ConcurrentHashMap<Invoker<?>, Stats> stats = new ConcurrentHashMap<>();

    /** The numbers of an invoker; made on first use. */
    public Stats of(Invoker<?> invoker) {
        Stats s = stats.get(invoker);
        return s != null ? s : stats.computeIfAbsent(invoker, k -> new Stats());
    }

    /** Keeps only the entries of these invokers. */
    public void retain(Collection<? extends Invoker<?>> live) {
        Set<Invoker<?>> keep = Set.copyOf(live);
        stats.keySet().removeIf(invoker -> !keep.contains(invoker));
    }

    public void clear() {
        stats.clear();
    }

    /** Invokers with an entry; for tests of the lifecycle. */
    public int size() {
        return stats.size();
    }
}
