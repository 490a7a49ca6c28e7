package io.tern.core.lifecycle;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of the {@link LifecycleTracker}'s counts per resource kind, and the leaks it has
 * reported (the most recent ones, up to a bound).
 */
public record LifecycleReport(TrackerLevel level, Map<ResourceKind, Counts> counts, List<LeakReport> leaks) {

    /**
     * Counts for one resource kind. {@code watched}, {@code collected} and {@code leaked} cover
     * the destroyed resources the tracker watched (all of them at the paranoid level, a sample
     * otherwise); {@code pending} of those are neither collected nor reported yet.
     */
    public record Counts(long created, long destroyed, long watched, long collected, long leaked) {

        public long live() {
            return created - destroyed;
        }

        public long pending() {
            return watched - collected - leaked;
        }
    }

    public LifecycleReport {
        counts = Map.copyOf(counts);
        leaks = List.copyOf(leaks);
    }

    public Counts counts(ResourceKind kind) {
        return counts.getOrDefault(kind, new Counts(0, 0, 0, 0, 0));
    }

    /** Sum of leaks over all kinds. */
    public long totalLeaked() {
        return counts.values().stream().mapToLong(Counts::leaked).sum();
    }

    /** A table for people: one row per kind that saw any activity. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("lifecycle report (level %s)%n", level.name().toLowerCase(java.util.Locale.ROOT)));
        sb.append(String.format("  %-12s %8s %9s %6s %8s %9s %6s%n",
                "kind", "created", "destroyed", "live", "watched", "collected", "leaked"));
        for (ResourceKind kind : ResourceKind.values()) {
            Counts c = counts.get(kind);
            if (c == null || c.created() == 0) {
                continue;
            }
            sb.append(String.format("  %-12s %8d %9d %6d %8d %9d %6d%n", kind.label(), c.created(), c.destroyed(),
                    c.live(), c.watched(), c.collected(), c.leaked()));
        }
        for (LeakReport leak : leaks) {
            sb.append("  LEAK ").append(leak.summary()).append(System.lineSeparator());
        }
        return sb.toString();
    }
}
