package io.tern.core.lifecycle;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import javax.management.NotificationEmitter;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds resources that were destroyed but are still reachable — the leak Tern is built to
 * prevent. Every invoker, exporter and (later) client and server registers here when made and
 * reports its destruction; the tracker counts both and watches destroyed resources through weak
 * references. One still reachable after {@link #gcCycles()} full GC cycles that started after its
 * destruction is reported once: a WARN naming it, a {@link LeakReport}, and the {@code leaked}
 * count of {@link #report()}.
 *
 * <p>Only full collections count — an old-generation, mixed-mode or concurrent cycle, as the JVM's
 * collector beans name them — because a young collection leaves unreachable objects of the old
 * generation in place, and a report must mean a real leak. Checks run when such a collection
 * ends (a GC notification) and when {@link #report()} or {@link #checkNow()} is called; nothing
 * runs per call. Collections are counted by one daemon thread, {@code tern-lifecycle-reaper},
 * shared by all trackers, as the JVM enqueues the cleared references: shortly after a
 * collection, not at its instant.
 *
 * <p>The level is read from {@code -Dtern.lifecycle.level} ({@code off}, {@code sampled} — the
 * default — or {@code paranoid}) for the {@link #global()} tracker; tests and embedders may build
 * their own.
 */
public final class LifecycleTracker {

    private static final Logger log = LoggerFactory.getLogger(LifecycleTracker.class);

    /** System property naming the level of the global tracker. */
    public static final String LEVEL_PROPERTY = "tern.lifecycle.level";
    /** System property: at the sampled level, one destroyed resource in this many is watched. */
    public static final String SAMPLING_INTERVAL_PROPERTY = "tern.lifecycle.samplingInterval";

    private static final int MAX_LEAK_REPORTS = 100;
    private static final List<GarbageCollectorMXBean> FULL_COLLECTORS = fullCollectors();
    private static final Set<LifecycleTracker> LISTENING = Collections.newSetFromMap(new WeakHashMap<>());
    private static final ReentrantLock LISTENING_LOCK = new ReentrantLock();
    private static final AtomicBoolean GC_LISTENER_INSTALLED = new AtomicBoolean();
    /** Where cleared watches of every tracker go; one daemon thread takes them off at once. */
    private static final ReferenceQueue<Object> COLLECTED = new ReferenceQueue<>();
    private static final AtomicBoolean REAPER_STARTED = new AtomicBoolean();

    private static final LifecycleTracker GLOBAL = new LifecycleTracker(
            TrackerLevel.parse(System.getProperty(LEVEL_PROPERTY, "sampled")),
            Integer.getInteger(SAMPLING_INTERVAL_PROPERTY, 16), 2);

    private final TrackerLevel level;
    private final int samplingInterval;
    private final int gcCycles;
    /** By {@link ResourceKind#ordinal()}: one per kind, made with the tracker. */
    private final KindCounters[] counters = new KindCounters[ResourceKind.values().length];
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final ReentrantLock scanLock = new ReentrantLock();
    private final ArrayDeque<LeakReport> leaks = new ArrayDeque<>();
    private final AtomicLong lastScannedFullGcs = new AtomicLong(-1);

    private LifecycleTracker(TrackerLevel level, int samplingInterval, int gcCycles) {
        this.level = level;
        this.samplingInterval = samplingInterval;
        this.gcCycles = gcCycles;
        for (ResourceKind kind : ResourceKind.values()) {
            counters[kind.ordinal()] = new KindCounters();
        }
    }

    /** The process-wide tracker that Tern's components use unless given another. */
    public static LifecycleTracker global() {
        return GLOBAL;
    }

    /**
     * Returns a new tracker; for tests and for embedders that want their own counts.
     *
     * @param samplingInterval at the sampled level, one destroyed resource in this many is watched
     * @param gcCycles full GC cycles after which a destroyed, still reachable resource is reported
     */
    public static LifecycleTracker create(TrackerLevel level, int samplingInterval, int gcCycles) {
        requireNonNull(level, "level");
        if (samplingInterval < 1) {
            throw new IllegalArgumentException("samplingInterval: " + samplingInterval + " (expected: >= 1)");
        }
        if (gcCycles < 1) {
            throw new IllegalArgumentException("gcCycles: " + gcCycles + " (expected: >= 1)");
        }
        return new LifecycleTracker(level, samplingInterval, gcCycles);
    }

    public TrackerLevel level() {
        return level;
    }

    public int gcCycles() {
        return gcCycles;
    }

    /**
     * Registers a newly made resource. The returned handle belongs to the resource, which calls
     * {@link Tracked#destroyed(Object)} when it is destroyed. The handle does not reference the
     * resource.
     *
     * @param name what the reports call it, such as the service key; its {@code toString()} is
     *     taken only when the resource is destroyed and watched, so a live resource costs no string
     */
    public Tracked track(ResourceKind kind, Object name) {
        requireNonNull(kind, "kind");
        requireNonNull(name, "name");
        counters(kind).created.increment();
        boolean watched = switch (level) {
            case OFF -> false;
            case SAMPLED -> samplingInterval == 1 || ThreadLocalRandom.current().nextInt(samplingInterval) == 0;
            case PARANOID -> true;
        };
        Throwable created = level == TrackerLevel.PARANOID ? new Throwable("created here") : null;
        return new Tracked(this, kind, name, watched, created);
    }

    /** Checks the watched resources now: counts those collected, reports those leaked. */
    public void checkNow() {
        scan(true);
    }

    /**
     * Runs full collections until every watched, destroyed resource has been collected or
     * reported as leaked, or {@code limit} has passed, then reports. For programs that end by
     * showing what became of everything they made.
     */
    public LifecycleReport awaitCollected(java.time.Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (pendingWatches() > 0 && System.nanoTime() < deadline) {
            System.gc();
            checkNow();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return report();
    }

    /** Checks, then returns the counts and the leaks reported so far. */
    public LifecycleReport report() {
        checkNow();
        Map<ResourceKind, LifecycleReport.Counts> snapshot = new EnumMap<>(ResourceKind.class);
        for (ResourceKind kind : ResourceKind.values()) {
            snapshot.put(kind, counters(kind).snapshot());
        }
        List<LeakReport> leakList;
        scanLock.lock();
        try {
            leakList = new ArrayList<>(leaks);
        } finally {
            scanLock.unlock();
        }
        return new LifecycleReport(level, snapshot, leakList);
    }

    /**
     * One kind's counts now, without checking the watched resources first (their collections and
     * leaks are counted as the tracker finds them): cheap enough for a metrics scrape.
     */
    public LifecycleReport.Counts counts(ResourceKind kind) {
        return counters(kind).snapshot();
    }

    /** The number of destroyed resources watched and neither collected nor reported yet. */
    public long pendingWatches() {
        long pending = 0;
        for (KindCounters c : counters) {
            pending += c.watched.sum() - c.collected.sum() - c.leaked.sum();
        }
        return pending;
    }

    private KindCounters counters(ResourceKind kind) {
        return counters[kind.ordinal()];
    }

    private void watch(Object resource, Tracked tracked) {
        Throwable destroyed = level == TrackerLevel.PARANOID ? new Throwable("destroyed here") : null;
        Watch watch = new Watch(resource, COLLECTED, tracked, Instant.now(), fullGcCount(), destroyed);
        watches.add(watch);
        counters(tracked.kind).watched.increment();
        ensureGcListener(this);
        startReaper();
        scan(false);
    }

    private void collected(Watch watch) {
        if (watches.remove(watch)) {
            counters(watch.kind).collected.increment();
        }
    }

    private static void startReaper() {
        if (REAPER_STARTED.compareAndSet(false, true)) {
            Thread reaper = new Thread(LifecycleTracker::reap, "tern-lifecycle-reaper");
            reaper.setDaemon(true);
            reaper.start();
        }
    }

    private static void reap() {
        while (true) {
            try {
                Watch watch = (Watch) COLLECTED.remove();
                watch.tracker.collected(watch);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("lifecycle reaper failed", e);
            }
        }
    }

    private void scan(boolean force) {
        long fullGcs = fullGcCount();
        if (!force && lastScannedFullGcs.get() == fullGcs) {
            return;
        }
        if (force) {
            scanLock.lock();
        } else if (!scanLock.tryLock()) {
            return; // another thread is scanning
        }
        try {
            lastScannedFullGcs.set(fullGcs);
            for (Watch watch : watches) {
                // refersTo, not get(): reading the referent during a concurrent marking cycle
                // would keep it alive for that cycle.
                if (watch.refersTo(null)) {
                    continue; // collected: the reaper counts it once it is enqueued
                }
                if (fullGcs - watch.fullGcsAtDestroy >= gcCycles && watches.remove(watch)) {
                    reportLeak(watch, (int) (fullGcs - watch.fullGcsAtDestroy));
                }
            }
        } finally {
            scanLock.unlock();
        }
    }

    private void reportLeak(Watch watch, int cycles) {
        counters(watch.kind).leaked.increment();
        LeakReport report = new LeakReport(watch.kind, watch.name, watch.destroyedAt, cycles,
                stackOf(watch.created), stackOf(watch.destroyed));
        watch.clear();
        if (leaks.size() == MAX_LEAK_REPORTS) {
            leaks.removeFirst();
        }
        leaks.addLast(report);
        if (report.createdStack() == null) {
            log.warn("LEAK: {}. Set -D{}=paranoid to record where it was created and destroyed.",
                    report.summary(), LEVEL_PROPERTY);
        } else {
            log.warn("LEAK: {}.\nCreated at: {}\nDestroyed at: {}", report.summary(), report.createdStack(),
                    report.destroyedStack());
        }
    }

    private static @Nullable String stackOf(@Nullable Throwable t) {
        if (t == null) {
            return null;
        }
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    /** Full collections completed so far, summed over the JVM's old-generation and concurrent collectors. */
    static long fullGcCount() {
        long sum = 0;
        for (GarbageCollectorMXBean bean : FULL_COLLECTORS) {
            long count = bean.getCollectionCount();
            if (count > 0) {
                sum += count;
            }
        }
        return sum;
    }

    private static List<GarbageCollectorMXBean> fullCollectors() {
        List<GarbageCollectorMXBean> full = new ArrayList<>();
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            String name = bean.getName().toLowerCase(Locale.ROOT);
            boolean young = name.contains("young") || name.contains("scavenge") || name.contains("copy")
                    || name.contains("parnew") || name.contains("pauses") || name.contains("minor");
            if (!young) {
                full.add(bean);
            }
        }
        return List.copyOf(full);
    }

    private static void ensureGcListener(LifecycleTracker tracker) {
        LISTENING_LOCK.lock();
        try {
            LISTENING.add(tracker);
        } finally {
            LISTENING_LOCK.unlock();
        }
        if (GC_LISTENER_INSTALLED.compareAndSet(false, true)) {
            for (GarbageCollectorMXBean bean : FULL_COLLECTORS) {
                if (bean instanceof NotificationEmitter emitter) {
                    emitter.addNotificationListener((notification, handback) -> afterFullGc(), null, null);
                }
            }
        }
    }

    private static void afterFullGc() {
        List<LifecycleTracker> trackers;
        LISTENING_LOCK.lock();
        try {
            trackers = new ArrayList<>(LISTENING);
        } finally {
            LISTENING_LOCK.unlock();
        }
        for (LifecycleTracker tracker : trackers) {
            try {
                tracker.scan(false);
            } catch (RuntimeException e) {
                log.warn("lifecycle check failed", e);
            }
        }
    }

    /**
     * A resource's registration with the tracker. Owned by the resource; holds no reference to it.
     */
    public static final class Tracked {
        private final LifecycleTracker tracker;
        private static final AtomicIntegerFieldUpdater<Tracked> DESTROYED =
                AtomicIntegerFieldUpdater.newUpdater(Tracked.class, "destroyed");

        private final ResourceKind kind;
        private final Object name;
        private final boolean watched;
        private final @Nullable Throwable created;
        private volatile int destroyed;

        private Tracked(LifecycleTracker tracker, ResourceKind kind, Object name, boolean watched,
                @Nullable Throwable created) {
            this.tracker = tracker;
            this.kind = kind;
            this.name = name;
            this.watched = watched;
            this.created = created;
        }

        /**
         * Records that the resource was destroyed and, when it is watched, starts watching it.
         * Only the first call counts.
         */
        public void destroyed(Object resource) {
            requireNonNull(resource, "resource");
            if (DESTROYED.compareAndSet(this, 0, 1)) {
                tracker.counters(kind).destroyed.increment();
                if (watched) {
                    tracker.watch(resource, this);
                }
            }
        }
    }

    private static final class Watch extends WeakReference<Object> {
        final LifecycleTracker tracker;
        final ResourceKind kind;
        final String name;
        final Instant destroyedAt;
        final long fullGcsAtDestroy;
        final @Nullable Throwable created;
        final @Nullable Throwable destroyed;

        Watch(Object resource, ReferenceQueue<Object> queue, Tracked tracked, Instant destroyedAt,
                long fullGcsAtDestroy, @Nullable Throwable destroyed) {
            super(resource, queue);
            this.tracker = tracked.tracker;
            this.kind = tracked.kind;
            this.name = String.valueOf(tracked.name);
            this.created = tracked.created;
            this.destroyedAt = destroyedAt;
            this.fullGcsAtDestroy = fullGcsAtDestroy;
            this.destroyed = destroyed;
        }
    }

    private static final class KindCounters {
        final LongAdder created = new LongAdder();
        final LongAdder destroyed = new LongAdder();
        final LongAdder watched = new LongAdder();
        final LongAdder collected = new LongAdder();
        final LongAdder leaked = new LongAdder();

        LifecycleReport.Counts snapshot() {
            return new LifecycleReport.Counts(created.sum(), destroyed.sum(), watched.sum(), collected.sum(),
                    leaked.sum());
        }
    }
}
