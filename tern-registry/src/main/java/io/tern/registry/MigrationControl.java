package io.tern.registry;

import static java.util.Objects.requireNonNull;

import io.tern.AsyncCloseable;
import io.tern.ServiceUrl;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The migration of one consumer application's references through a ZooKeeper registry, steered
 * as Apache Dubbo 3.3 steers it: each reference starts at the step the operator's rule gives it
 * (the config center's {@code <application>.migration} in group {@value MigrationRule#GROUP},
 * watched), else its {@code migration.step} parameter, else the client's; and moves when the rule
 * changes ({@link Migration.Migrating#moveTo}), on a thread of its own, since a move may wait for
 * the application level's first providers. A rule that does not parse is refused whole, logged
 * once with what is wrong, and the rule before it stays in force.
 *
 * <p>Closing it stops watching the rule; the references' subscriptions are their own to close.
 */
public final class MigrationControl implements AsyncCloseable {

    private static final Logger log = LoggerFactory.getLogger(MigrationControl.class);

    /** The reference parameter that forces its moves, as Dubbo's. */
    public static final String FORCE = "migration.force";

    private final ZooKeeperApplications applications;
    private final ApplicationDiscovery discovery;
    private final Registry interfaces;
    private final String application;
    private final Migration.Step defaultStep;
    private final Duration firstWait;
    private final ExecutorService mover;
    private final Set<Migrated> references = ConcurrentHashMap.newKeySet();
    private final AtomicLong refused = new AtomicLong();
    private final Registry.Subscription ruleWatch;
    private volatile MigrationRule rule = MigrationRule.NONE;
    private volatile String lastRefused = "";
    private volatile boolean closed;

    private record Migrated(ServiceUrl consumer, Migration.Migrating subscription) {
    }

    private MigrationControl(Registry registry, ZooKeeperApplications applications, ApplicationDiscovery discovery,
            String application, Migration.Step defaultStep, Duration firstWait) {
        this.applications = applications;
        this.interfaces = registry;
        this.discovery = discovery;
        this.application = application;
        this.defaultStep = defaultStep;
        this.firstWait = firstWait;
        this.mover = ApplicationDiscovery.thread("tern-migration");
        this.ruleWatch = applications.watchConfig(MigrationRule.GROUP, MigrationRule.keyOf(application), this::ruleText);
    }

    /**
     * Migration of {@code application}'s references through {@code registry}, finding providers
     * at the application level through {@code discovery}; {@code defaultStep} for references the
     * rule and their parameters say nothing of, and {@code firstWait} for the first providers at
     * the application level.
     */
    public static MigrationControl start(Registry registry, ApplicationDiscovery discovery,
            String application, Migration.Step defaultStep, Duration firstWait) {
        ZooKeeperApplications applications = requireNonNull(registry, "registry").applications();
        if (applications == null) {
            throw new IllegalArgumentException("registry " + registry.url().address() + " has no application level"
                    + " (expected: a ZooKeeper registry)");
        }
        return new MigrationControl(registry, applications, requireNonNull(discovery, "discovery"),
                requireNonNull(application, "application"), requireNonNull(defaultStep, "defaultStep"),
                requireNonNull(firstWait, "firstWait"));
    }

    /** The application-level discovery its references find providers through. */
    public ApplicationDiscovery discovery() {
        return discovery;
    }

    /** The rule in force; {@link MigrationRule#NONE} when the operator set none. */
    public MigrationRule rule() {
        return rule;
    }

    /** Rules refused so far, each time one was written. */
    public long refusedRules() {
        return refused.get();
    }

    /** References subscribed through it now; for lifecycle tests. */
    public int referenceCount() {
        return references.size();
    }

    /**
     * Subscribes a reference at the step the rule, its parameters and the client give it, and
     * moves it when the rule changes, until the subscription is closed.
     */
    public Migration.Migrating subscribe(ServiceUrl consumer, Registry.NotifyListener listener) {
        requireNonNull(consumer, "consumer");
        requireNonNull(listener, "listener");
        Setting setting = settingFor(consumer, rule);
        Migration.Migrating subscription = Migration.subscribe(setting.step(), setting.threshold(), interfaces,
                discovery, consumer, listener, firstWait);
        Migrated migrated = new Migrated(consumer, subscription);
        references.add(migrated);
        return subscription.onClose(() -> references.remove(migrated));
    }

    /** A reference's step, threshold and force: the rule's, else its parameters', else the defaults. */
    private record Setting(Migration.Step step, double threshold, boolean force) {
    }

    private Setting settingFor(ServiceUrl consumer, MigrationRule in) {
        // the mapping is read only for a rule with entries by application
        MigrationRule.Settings ruled = in.settingsFor(consumer, in.applications().isEmpty() ? List.of()
                : mapped(consumer));
        Migration.Step step = ruled.step() != null ? ruled.step() : Migration.stepOf(consumer, defaultStep);
        double threshold = ruled.threshold() != null ? ruled.threshold() : Migration.thresholdOf(consumer);
        boolean force = ruled.force() != null ? ruled.force()
                : Boolean.parseBoolean(consumer.parameter(FORCE, "false"));
        return new Setting(step, threshold, force);
    }

    private List<String> mapped(ServiceUrl consumer) {
        try {
            return List.copyOf(applications.mapping(consumer.interfaceName()));
        } catch (RuntimeException e) {
            log.warn("registry: reading the mapping of {} for the migration rule: {}", consumer.interfaceName(),
                    e.getMessage());
            return List.of();
        }
    }

    /** The rule's node changed (on ZooKeeper's event thread): read it, and move the references on the mover. */
    private void ruleText(@Nullable String node) {
        String text = node == null ? "" : node; // no node and an empty one alike: no rule, as Dubbo reads them
        MigrationRule parsed;
        try {
            parsed = MigrationRule.parse(text);
        } catch (IllegalArgumentException e) {
            refused.incrementAndGet();
            if (!text.equals(lastRefused)) {
                lastRefused = text;
                log.warn("registry: refusing the migration rule {} of {}: {}; the rule before it stays in force",
                        MigrationRule.keyOf(application), application, e.getMessage());
            }
            return;
        }
        boolean changed = !parsed.equals(rule);
        if (changed && !parsed.notApplied().isEmpty()) {
            log.warn("registry: the migration rule {} of {} sets {}, which Tern reads but does not apply (every call"
                    + " follows the level chosen; a move compares the levels once the application level has answered)",
                    MigrationRule.keyOf(application), application, String.join(", ", parsed.notApplied()));
        }
        rule = parsed;
        if (changed && !closed) {
            try {
                mover.execute(() -> moveAll(parsed));
            } catch (RejectedExecutionException e) {
                log.debug("registry: migration closed; the rule is not applied");
            }
        }
    }

    private void moveAll(MigrationRule to) {
        for (Migrated reference : List.copyOf(references)) {
            if (closed || rule != to) {
                return; // a newer rule follows
            }
            Setting setting = settingFor(reference.consumer(), to);
            try {
                reference.subscription().moveTo(setting.step(), setting.threshold(), setting.force());
            } catch (RuntimeException e) {
                log.warn("registry: moving {} to {}: {}", reference.consumer().serviceKey(), setting.step(),
                        e.toString());
            }
        }
    }

    @Override
    public CompletableFuture<Void> closeAsync() {
        closed = true;
        ruleWatch.close();
        mover.shutdown();
        return CompletableFuture.completedFuture(null);
    }
}
