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
     * Subscribes {@code consumer} at the levels its step asks for, telling {@code listener} the
     * providers of the level chosen; {@code applications} is null where the registry has no
     * application level, and the interface level alone is then used whatever the step.
     */
    public static Registry.Subscription subscribe(Step step, Registry interfaces,
            @Nullable ApplicationDiscovery applications, ServiceUrl consumer, Registry.NotifyListener listener,
            Duration firstWait) {
        requireNonNull(step, "step");
        requireNonNull(interfaces, "interfaces");
        requireNonNull(consumer, "consumer");
        requireNonNull(listener, "listener");
        if (applications == null || step == Step.FORCE_INTERFACE) {
            return interfaces.subscribe(consumer, listener);
        }
        if (step == Step.FORCE_APPLICATION) {
            return applications.subscribe(consumer, listener, firstWait);
        }
        Chooser chooser = new Chooser(consumer, listener, threshold(consumer));
        Registry.Subscription byInterface = interfaces.subscribe(consumer, chooser::interfaceLevel);
        Registry.Subscription byApplication;
        try {
            byApplication = applications.subscribe(consumer, chooser::applicationLevel, firstWait);
        } catch (RuntimeException e) {
            byInterface.close();
            throw e;
        }
        return () -> {
            byApplication.close();
            byInterface.close();
            chooser.close();
        };
    }

    private static double threshold(ServiceUrl consumer) {
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

    /** Both levels' latest lists, and the one told. */
    private static final class Chooser {
        private final ServiceUrl consumer;
        private final Registry.NotifyListener listener;
        private final double threshold;
        private final ReentrantLock lock = new ReentrantLock();
        private List<ServiceUrl> byInterface = List.of();
        private List<ServiceUrl> byApplication = List.of();
        private @Nullable List<ServiceUrl> told;
        private @Nullable Boolean toldApplications;
        private boolean closed;

        Chooser(ServiceUrl consumer, Registry.NotifyListener listener, double threshold) {
            this.consumer = consumer;
            this.listener = listener;
            this.threshold = threshold;
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

        private void choose() {
            if (closed) {
                return;
            }
            boolean applications = preferApplications(count(byApplication), count(byInterface), threshold);
            List<ServiceUrl> chosen = applications ? byApplication : byInterface;
            if (chosen.isEmpty()) {
                return; // not heard yet
            }
            String why = byApplication.isEmpty() ? null : byApplication.get(0).parameter(ServiceUrl.EMPTY_REASON);
            if (count(chosen) == 0 && why != null) {
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

        void close() {
            lock.lock();
            try {
                closed = true;
            } finally {
                lock.unlock();
            }
        }
    }
}
