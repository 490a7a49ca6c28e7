package io.tern.registry;

import static java.util.Objects.requireNonNull;

import io.tern.ServiceUrl;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a consumer finds its providers while an estate moves from interface-level to
 * application-level discovery, as Apache Dubbo 3.3 decides it: the {@link Step} of the reference
 * (its {@code migration.step} parameter), else the consumer application's. With
 * {@link Step#APPLICATION_FIRST} both levels are watched and the application level's providers
 * are used whenever it has any and, against the interface level's, at least the threshold's
 * share ({@code migration.threshold}, 0 by default: any); else the interface level's. The choice
 * is made again at every change of either, never by waiting.
 */
public final class Migration {

    private static final Logger log = LoggerFactory.getLogger(Migration.class);

    /** The reference parameter that sets its step, as Dubbo's. */
    public static final String STEP = "migration.step";
    /** The reference parameter that sets the application level's share needed, as Dubbo's. */
    public static final String THRESHOLD = "migration.threshold";

    /** The steps of a migration, as Dubbo names them. */
    public enum Step {
        /** Interface level only: {@code /dubbo/<interface>/providers}. */
        FORCE_INTERFACE,
        /** Both levels, the application level's providers preferred; Dubbo 3.3's default. */
        APPLICATION_FIRST,
        /** Application level only: the mapping, the instances and their metadata. */
        FORCE_APPLICATION;

        /**
         * The step a setting names, ignoring case.
         *
         * @throws IllegalArgumentException naming the value and the steps, when it names none
         */
        public static Step parse(String value) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(STEP + ": '" + value + "' (expected: FORCE_INTERFACE,"
                        + " APPLICATION_FIRST or FORCE_APPLICATION)");
            }
        }
    }

    private Migration() {
    }

    /** The step of a reference: its {@link #STEP} parameter, else {@code step}. */
    public static Step stepOf(ServiceUrl consumer, Step step) {
        String asked = consumer.parameter(STEP);
        return asked == null || asked.isBlank() ? step : Step.parse(asked);
    }

    /**
     * Subscribes {@code consumer} at the levels {@code step} asks for, telling {@code listener} the
     * providers of the level chosen; {@code applications} is null where the registry has no
     * application level, and the interface level alone is then used whatever the step. The
     * threshold is the reference's {@link #THRESHOLD} parameter, 0 without one.
     */
    public static Migrating subscribe(Step step, Registry interfaces, @Nullable ApplicationDiscovery applications,
            ServiceUrl consumer, Registry.NotifyListener listener, Duration firstWait) {
        return subscribe(step, thresholdOf(consumer), interfaces, applications, consumer, listener, firstWait);
    }

    /** As above, with the threshold given. */
    public static Migrating subscribe(Step step, double threshold, Registry interfaces,
            @Nullable ApplicationDiscovery applications, ServiceUrl consumer, Registry.NotifyListener listener,
            Duration firstWait) {
        requireNonNull(step, "step");
        requireNonNull(interfaces, "interfaces");
        requireNonNull(consumer, "consumer");
        requireNonNull(listener, "listener");
        requireNonNull(firstWait, "firstWait");
        Migrating migrating = new Migrating(interfaces, applications, consumer, listener, firstWait, threshold);
        migrating.start(applications == null ? Step.FORCE_INTERFACE : step);
        return migrating;
    }

    /** The threshold of a reference: its {@link #THRESHOLD} parameter, else 0 (any). */
    public static double thresholdOf(ServiceUrl consumer) {
        String value = consumer.parameter(THRESHOLD);
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(THRESHOLD + ": '" + value + "' (expected: a number, the share of the"
                    + " interface level's providers the application level needs, such as 1.0)");
        }
    }

    /**
     * Whether the application level's providers are used, as Dubbo's
     * {@code DefaultMigrationAddressComparator}: not when it has none; when the interface level
     * has none; otherwise when it has at least {@code threshold} times as many.
     */
    static boolean preferApplications(int applicationLevel, int interfaceLevel, double threshold) {
        if (applicationLevel == 0) {
            return false;
        }
        return interfaceLevel == 0 || (double) applicationLevel / interfaceLevel >= threshold;
    }

    /**
     * A reference's subscription at one or both levels, which can move to another step while it
     * runs, as Dubbo's migration invoker moves: to {@link Step#FORCE_APPLICATION} only when
     * forced, or when the interface level has nothing, or when the application level's providers
     * are preferred by the threshold — else it stays and the move is refused; to
     * {@link Step#FORCE_INTERFACE} likewise the other way round; to
     * {@link Step#APPLICATION_FIRST} always. Closing it closes both levels.
     */
    public static final class Migrating implements Registry.Subscription {
        private final Registry interfaces;
        private final @Nullable ApplicationDiscovery applications;
        private final ServiceUrl consumer;
        private final Registry.NotifyListener listener;
        private final Duration firstWait;
        /** Held while a move subscribes and closes levels (which may wait), so moves are one at a time. */
        private final ReentrantLock moving = new ReentrantLock();
        /** Held while the lists change and the choice is made; never while subscribing. */
        private final ReentrantLock lock = new ReentrantLock();
        private Registry.@Nullable Subscription byInterfaceWatch;
        private Registry.@Nullable Subscription byApplicationWatch;
        /** Each level's latest list; written under {@link #lock}, read by moves without it. */
        private volatile List<ServiceUrl> byInterface = List.of();
        private volatile List<ServiceUrl> byApplication = List.of();
        private volatile Step step = Step.FORCE_INTERFACE;
        private double threshold;
        private @Nullable List<ServiceUrl> told;
        private volatile @Nullable Boolean toldApplications;
        private volatile @Nullable Runnable closeHook;
        private volatile boolean closed;

        Migrating(Registry interfaces, @Nullable ApplicationDiscovery applications, ServiceUrl consumer,
                Registry.NotifyListener listener, Duration firstWait, double threshold) {
            this.interfaces = interfaces;
            this.applications = applications;
            this.consumer = consumer;
            this.listener = listener;
            this.firstWait = firstWait;
            this.threshold = threshold;
        }

        /** The step it is at. */
        public Step step() {
            return step;
        }

        /**
         * Where its providers come from now, for operators: the step and the level whose
         * providers it uses ({@code APPLICATION_FIRST, application level}), or that none has any yet.
         */
        public String describe() {
            Boolean applications = toldApplications;
            return step + (applications == null ? ", no providers heard yet"
                    : applications ? ", application level" : ", interface level");
        }

        /**
         * The level each provider address is seen at now, for operators: {@code interface},
         * {@code application}, or {@code interface+application}; only the levels the step watches.
         */
        public java.util.Map<String, String> seenAt() {
            java.util.Map<String, String> levels = new java.util.TreeMap<>();
            for (ServiceUrl url : byInterface) {
                if (!url.isEmptyProtocol()) {
                    levels.put(url.address(), "interface");
                }
            }
            for (ServiceUrl url : byApplication) {
                if (!url.isEmptyProtocol()) {
                    levels.merge(url.address(), "application", (had, added) -> had.equals(added) ? had
                            : "interface+application");
                }
            }
            return levels;
        }

        /** Runs {@code hook} once it is closed (its owner forgetting it). */
        Migrating onClose(Runnable hook) {
            this.closeHook = hook;
            return this;
        }

        void start(Step first) {
            moving.lock();
            try {
                step = first;
                if (first != Step.FORCE_APPLICATION) {
                    watchInterfaces();
                }
                if (first != Step.FORCE_INTERFACE) {
                    try {
                        watchApplications();
                    } catch (RuntimeException e) {
                        close();
                        throw e;
                    }
                }
            } finally {
                moving.unlock();
            }
        }

        /**
         * Moves to {@code target} with {@code threshold}, unless the levels' providers refuse it
         * and it is not {@code forced}; whether it moved. May wait for the application level's
         * first providers, so not on a registry's event thread.
         */
        public boolean moveTo(Step target, double threshold, boolean forced) {
            requireNonNull(target, "target");
            moving.lock();
            try {
                if (closed) {
                    return false;
                }
                if (applications == null || target == step) {
                    setThreshold(threshold);
                    return target == step;
                }
                boolean hadInterfaces = byInterfaceWatch != null;
                boolean hadApplications = byApplicationWatch != null;
                if (!hadInterfaces) {
                    watchInterfaces();
                }
                if (!hadApplications) {
                    watchApplications();
                }
                boolean approved = switch (target) {
                    case APPLICATION_FIRST -> true;
                    case FORCE_APPLICATION -> forced || !hadInterfaces || count(byInterface) == 0
                            || preferApplications(count(byApplication), count(byInterface), threshold);
                    case FORCE_INTERFACE -> forced || !hadApplications || count(byApplication) == 0
                            || preferApplications(count(byInterface), count(byApplication), threshold);
                };
                if (!approved) {
                    log.warn("registry: {} stays at {}: moving to {} would leave {} providers for {} (threshold {};"
                            + " set force to move anyway)", consumer.serviceKey(), step, target,
                            count(target == Step.FORCE_APPLICATION ? byApplication : byInterface),
                            count(target == Step.FORCE_APPLICATION ? byInterface : byApplication), threshold);
                    if (!hadInterfaces) {
                        unwatchInterfaces();
                    }
                    if (!hadApplications) {
                        unwatchApplications();
                    }
                    return false;
                }
                Step from = step;
                lock.lock();
                try {
                    step = target;
                    this.threshold = threshold;
                    choose();
                } finally {
                    lock.unlock();
                }
                if (target == Step.FORCE_APPLICATION) {
                    unwatchInterfaces();
                } else if (target == Step.FORCE_INTERFACE) {
                    unwatchApplications();
                }
                log.info("registry: {} moved from {} to {}", consumer.serviceKey(), from, target);
                return true;
            } finally {
                moving.unlock();
            }
        }

        private void setThreshold(double threshold) {
            lock.lock();
            try {
                this.threshold = threshold;
                choose();
            } finally {
                lock.unlock();
            }
        }

        private void watchInterfaces() {
            byInterfaceWatch = interfaces.subscribe(consumer, this::interfaceLevel);
        }

        private void watchApplications() {
            ApplicationDiscovery discovery = requireNonNull(applications, "applications");
            byApplicationWatch = discovery.subscribe(consumer, this::applicationLevel, firstWait);
        }

        /** Stops watching the interface level and forgets its list (the step no longer uses it). */
        private void unwatchInterfaces() {
            close(byInterfaceWatch);
            byInterfaceWatch = null;
            interfaceLevel(List.of());
        }

        /** Stops watching the application level and forgets its list (the step no longer uses it). */
        private void unwatchApplications() {
            close(byApplicationWatch);
            byApplicationWatch = null;
            applicationLevel(List.of());
        }

        private static void close(Registry.@Nullable Subscription watch) {
            if (watch != null) {
                watch.close();
            }
        }

        void interfaceLevel(List<ServiceUrl> providers) {
            lock.lock();
            try {
                byInterface = providers;
                choose();
            } finally {
                lock.unlock();
            }
        }

        void applicationLevel(List<ServiceUrl> providers) {
            lock.lock();
            try {
                byApplication = providers;
                choose();
            } finally {
                lock.unlock();
            }
        }

        /** Tells the listener the providers of the level the step and the lists choose, when they changed. */
        private void choose() {
            if (closed) {
                return;
            }
            boolean applications = switch (step) {
                case FORCE_APPLICATION -> true;
                case FORCE_INTERFACE -> false;
                case APPLICATION_FIRST -> preferApplications(count(byApplication), count(byInterface), threshold);
            };
            List<ServiceUrl> chosen = applications ? byApplication : byInterface;
            if (chosen.isEmpty()) {
                return; // not heard yet
            }
            String why = byApplication.isEmpty() ? null : byApplication.get(0).parameter(ServiceUrl.EMPTY_REASON);
            if (step == Step.APPLICATION_FIRST && count(chosen) == 0 && why != null) {
                chosen = List.of(RegistryUrls.empty(consumer, "none registered at the interface level, and at the"
                        + " application level " + why));
            }
            if (chosen.equals(told)) {
                return;
            }
            Boolean before = toldApplications;
            if (before != null && before != applications) {
                log.info("registry: {} now uses its providers found at the {} level ({} there, {} at the {} level)",
                        consumer.serviceKey(), applications ? "application" : "interface", count(chosen),
                        count(applications ? byInterface : byApplication), applications ? "interface" : "application");
            }
            told = chosen;
            toldApplications = applications;
            listener.notify(chosen);
        }

        private static int count(List<ServiceUrl> providers) {
            int count = 0;
            for (ServiceUrl url : providers) {
                if (!url.isEmptyProtocol()) {
                    count++;
                }
            }
            return count;
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
            } finally {
                lock.unlock();
            }
            moving.lock();
            try {
                unwatchApplications();
                unwatchInterfaces();
            } finally {
                moving.unlock();
            }
            Runnable hook = closeHook;
            if (hook != null) {
                hook.run();
            }
        }
    }
}
