package io.tern.cluster.internal;

import io.tern.Invoker;
import io.tern.cluster.CallStats;
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
    public static final class Stats implements CallStats {
        private static final double ALPHA = 0.2;

        private final AtomicInteger active = new AtomicInteger();
        private final AtomicLong averageNanos = new AtomicLong();
        private final AtomicLong failures = new AtomicLong();
        private final AtomicLong calls = new AtomicLong();

        @Override
        public int active() {
            return active.get();
        }

        @Override
        public long averageNanos() {
            return averageNanos.get();
        }

        @Override
        public long calls() {
            return calls.get();
        }

        @Override
        public long failures() {
            return failures.get();
        }

        public void start() {
            active.incrementAndGet();
        }

        public void end(long elapsedNanos, boolean failed) {
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
