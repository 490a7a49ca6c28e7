package io.tern.registry;

import static java.util.Objects.requireNonNull;

import io.tern.ServiceUrl;
import io.tern.cluster.ConditionRouter;
import io.tern.cluster.RuleRouter;
import io.tern.cluster.TagRule;
import io.tern.core.RuleStats;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The route rules in force for one reference, read where a Dubbo 3.3 consumer reads them, and
 * set on the reference's {@link RuleRouter} whenever one changes: the service's and the consumer
 * application's condition routes, each provider application's condition and tag routes (the
 * provider applications learned from the providers that pass through it), and the legacy
 * {@code route://} URLs under {@code /dubbo/<interface>/routers}. A rule that does not parse is
 * refused whole, logged once, and the rule before it stays in force; script routes and mesh
 * rules are refused the same way. Closing it removes its watches.
 */
public final class ConsumerRoutes implements Registry.NotifyListener, Registry.Subscription {

    private static final Logger log = LoggerFactory.getLogger(ConsumerRoutes.class);

    private final ZooKeeperApplications config;
    private final ServiceUrl consumer;
    private final RuleRouter router;
    private final Registry.NotifyListener downstream;
    private final LifecycleTracker.Tracked tracked;
    private final RuleStats stats;
    /** Held while rules change and the router is set, so the last change wins. */
    private final ReentrantLock changing = new ReentrantLock();
    /** Held while watches are made and removed; never while {@link #changing} is. */
    private final ReentrantLock watching = new ReentrantLock();
    /** The rules read, by key; guarded by {@link #changing}. */
    private final Map<String, Rule> rules = new LinkedHashMap<>();
    /** The watches, by key; guarded by {@link #watching}. */
    private final Map<String, Registry.Subscription> watches = new LinkedHashMap<>();
    private volatile Set<String> providerApplications = Set.of();
    private volatile boolean closed;
    /** The keys of the service's and the consumer application's condition routes, and the legacy routes' path. */
    private final String serviceKey;
    private final String applicationKey;
    private final String legacyPath;

    private ConsumerRoutes(ZooKeeperApplications config, ServiceUrl consumer, RuleRouter router,
            Registry.NotifyListener downstream, RuleStats stats, LifecycleTracker.Tracked tracked) {
        this.stats = stats;
        this.config = config;
        this.serviceKey = RouteRules.serviceKey(consumer);
        this.applicationKey = consumer.application() + RouteRules.CONDITION_SUFFIX;
        this.legacyPath = config.servicePath(consumer.interfaceName()) + "/routers";
        this.consumer = consumer;
        this.router = router;
        this.downstream = downstream;
        this.tracked = tracked;
    }

    /**
     * Watches the route rules of {@code consumer} in {@code registry}, setting them on
     * {@code router}; the returned listener, given the reference's providers on their way to
     * {@code downstream}, learns their applications from them. It is tracked by {@code tracker}
     * ({@link ResourceKind#RULES}) until closed.
     */
    public static ConsumerRoutes watch(Registry registry, ServiceUrl consumer, RuleRouter router,
            Registry.NotifyListener downstream, LifecycleTracker tracker) {
        return watch(registry, consumer, router, downstream, new RuleStats(), tracker);
    }

    /** As above, counting in {@code stats} the rules applied and refused. */
    public static ConsumerRoutes watch(Registry registry, ServiceUrl consumer, RuleRouter router,
            Registry.NotifyListener downstream, RuleStats stats, LifecycleTracker tracker) {
        requireNonNull(stats, "stats");
        requireNonNull(registry, "registry");
        requireNonNull(consumer, "consumer");
        requireNonNull(router, "router");
        requireNonNull(downstream, "downstream");
        requireNonNull(tracker, "tracker");
        ZooKeeperApplications config = registry.applications();
        if (config == null) {
            throw new IllegalArgumentException("route rules need a config center (expected: a ZooKeeper registry,"
                    + " not " + registry.url().protocol() + "://)");
        }
        ConsumerRoutes routes = new ConsumerRoutes(config, consumer, router, downstream, stats,
                tracker.track(ResourceKind.RULES, consumer.serviceKey()));
        try {
            routes.watching.lock();
            try {
                routes.watchKey(routes.serviceKey);
                if (!consumer.application().isEmpty()) {
                    routes.watchKey(routes.applicationKey);
                }
                routes.watches.put(routes.legacyPath, registry.subscribeCategory(consumer, "routers",
                        routes::legacy));
            } finally {
                routes.watching.unlock();
            }
        } catch (RuntimeException e) {
            routes.close();
            throw e;
        }
        return routes;
    }

    /** Each rule read, by key: what is in force, or why the last text was refused (and what stays in force). */
    public Map<String, String> describe() {
        changing.lock();
        try {
            Map<String, String> all = new LinkedHashMap<>();
            rules.forEach((key, rule) -> all.put(key, rule.refusal != null ? "refused: " + rule.refusal + (rule.inForce == null ? ""
                            : "; in force: " + summary(rule.inForce)) : summary(rule.inForce)));
            return all;
        } finally {
            changing.unlock();
        }
    }

    /** Providers on their way to the directory: their applications' rules are watched from now on. */
    @Override
    public void notify(List<ServiceUrl> providers) {
        Set<String> applications = new TreeSet<>();
        for (ServiceUrl provider : providers) {
            String application = provider.isEmptyProtocol() ? null : provider.parameter("application");
            if (application != null && !application.isEmpty()) {
                applications.add(application);
            }
        }
        if (!applications.equals(providerApplications) && !applications.isEmpty()) {
            follow(applications);
        }
        downstream.notify(providers);
    }

    /** Watches the rules of these provider applications and no others'. */
    private void follow(Set<String> applications) {
        List<Registry.Subscription> gone = new ArrayList<>();
        watching.lock();
        try {
            if (closed) {
                return;
            }
            Set<String> before = providerApplications;
            providerApplications = Set.copyOf(applications);
            for (String application : before) {
                if (!applications.contains(application)) {
                    for (String key : providerKeys(application)) {
                        Registry.Subscription watch = watches.remove(key);
                        if (watch != null) {
                            gone.add(watch);
                        }
                        forget(key);
                    }
                }
            }
            for (String application : applications) {
                if (!before.contains(application)) {
                    for (String key : providerKeys(application)) {
                        watchKey(key);
                    }
                }
            }
        } finally {
            watching.unlock();
        }
        gone.forEach(Registry.Subscription::close);
    }

    private List<String> providerKeys(String application) {
        List<String> keys = new ArrayList<>(4);
        if (!application.equals(consumer.application())) { // the consumer's own condition route is watched already
            keys.add(application + RouteRules.CONDITION_SUFFIX);
        }
        keys.add(application + RouteRules.TAG_SUFFIX);
        keys.add(application + RouteRules.SCRIPT_SUFFIX);
        keys.add(application + RouteRules.MESH_SUFFIX);
        return keys;
    }

    /** Under {@link #watching}. */
    private void watchKey(String key) {
        if (!watches.containsKey(key)) {
            watches.put(key, config.watchConfig(config.ruleGroup(), key, text -> read(key, text)));
        }
    }

    private void forget(String key) {
        changing.lock();
        try {
            if (rules.remove(key) != null) {
                apply();
            }
        } finally {
            changing.unlock();
        }
    }

    /** A rule node changed: no node is no rule; a text that does not parse is refused, the rule before it staying. */
    private void read(String key, @Nullable String text) {
        if (closed) {
            return;
        }
        Object parsed;
        String refusal = null;
        if (text == null) {
            parsed = null;
        } else {
            try {
                String unsupported = RouteRules.unsupported(key);
                if (unsupported != null) {
                    throw new IllegalArgumentException(unsupported);
                }
                parsed = key.endsWith(RouteRules.TAG_SUFFIX) ? RouteRules.tag(text, key)
                        : RouteRules.condition(text, key);
            } catch (IllegalArgumentException e) {
                parsed = null;
                refusal = e.getMessage();
            }
        }
        changing.lock();
        try {
            if (!followed(key)) {
                return; // told late, after its provider application left
            }
            if (text == null) {
                rules.remove(key);
            } else if (refusal != null) {
                refuse(key, text, refusal);
                return;
            } else {
                rules.put(key, new Rule(parsed, null));
                stats.applied(key);
            }
            apply();
        } finally {
            changing.unlock();
        }
    }

    private boolean followed(String key) {
        if (closed) {
            return false;
        }
        if (key.equals(serviceKey) || key.equals(applicationKey)) {
            return true;
        }
        return providerApplications.contains(key.substring(0, key.lastIndexOf('.')));
    }

    private void legacy(List<ServiceUrl> urls) {
        List<RouteRules.ConditionRule> read = new ArrayList<>();
        for (ServiceUrl url : urls) {
            if (url.isEmptyProtocol()) {
                continue;
            }
            try {
                read.add(RouteRules.routeUrl(url, legacyPath));
                stats.applied(legacyPath);
            } catch (IllegalArgumentException e) {
                if (stats.refused(legacyPath, url.toString())) {
                    log.warn("registry: refusing a route of {} under {}: {}", consumer.serviceKey(), legacyPath,
                            e.getMessage());
                }
            }
        }
        read.sort(Comparator.comparingInt(r -> r.routers().get(0).priority()));
        changing.lock();
        try {
            if (read.isEmpty()) {
                rules.remove(legacyPath);
            } else {
                rules.put(legacyPath, new Rule(read, null));
            }
            apply();
        } finally {
            changing.unlock();
        }
    }

    /** Under {@link #changing}: the rule before stays, the refusal is counted and logged once per text. */
    private void refuse(String key, String text, String why) {
        Rule before = rules.get(key);
        rules.put(key, new Rule(before == null ? null : before.inForce, why));
        if (!stats.refused(key, text)) {
            return; // logged already, for this reference or another of the client
        }
        log.warn("registry: refusing the rule {} for {}: {}; {}", key, consumer.serviceKey(), why,
                before == null || before.inForce == null ? "no rule was in force there"
                        : "the rule before it stays in force");
    }

    /** Sets the router from the rules in force, in Dubbo's order; under {@link #changing}. */
    @SuppressWarnings("unchecked")
    private void apply() {
        if (closed) {
            return;
        }
        List<ConditionRouter> conditions = new ArrayList<>();
        List<TagRule.Tag> tags = new ArrayList<>();
        List<String> tagSources = new ArrayList<>();
        boolean tagForce = false;
        addConditions(conditions, serviceKey);
        for (String application : providerApplications) {
            if (!application.equals(consumer.application())) {
                addConditions(conditions, application + RouteRules.CONDITION_SUFFIX);
            }
            Rule tag = rules.get(application + RouteRules.TAG_SUFFIX);
            if (tag != null && tag.inForce instanceof TagRule rule && rule.enabled() && !rule.tags().isEmpty()) {
                tags.addAll(rule.tags());
                tagSources.add(rule.source());
                tagForce |= rule.force();
            }
        }
        addConditions(conditions, applicationKey);
        Rule legacy = rules.get(legacyPath);
        if (legacy != null && legacy.inForce != null) {
            for (RouteRules.ConditionRule rule : (List<RouteRules.ConditionRule>) legacy.inForce) {
                conditions.addAll(rule.active());
            }
        }
        TagRule tag = tags.isEmpty() ? null : TagRule.of(String.join(", ", tagSources), tagForce, true, tags);
        router.set(tag, conditions);
        log.debug("registry: routes for {}: {}", consumer.serviceKey(), router);
    }

    private void addConditions(List<ConditionRouter> into, String key) {
        Rule rule = rules.get(key);
        if (rule != null && rule.inForce instanceof RouteRules.ConditionRule condition) {
            into.addAll(condition.active());
        }
    }

    @Override
    public void close() {
        List<Registry.Subscription> all;
        watching.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(watches.values());
            watches.clear();
        } finally {
            watching.unlock();
        }
        all.forEach(Registry.Subscription::close);
        changing.lock();
        try {
            rules.clear();
        } finally {
            changing.unlock();
        }
        tracked.destroyed(this);
    }

    /** A key's rule in force (null when none is), and the last refusal there, if the last text was refused. */
    private record Rule(@Nullable Object inForce, @Nullable String refusal) {
    }

    @SuppressWarnings("unchecked")
    private static String summary(@Nullable Object rule) {
        if (rule instanceof RouteRules.ConditionRule condition) {
            int n = condition.routers().size();
            return (condition.enabled() ? "" : "disabled: ") + n + (n == 1 ? " condition" : " conditions")
                    + (condition.force() ? ", force" : "");
        }
        if (rule instanceof TagRule tag) {
            int n = tag.tags().size();
            return (tag.enabled() ? "" : "disabled: ") + n + (n == 1 ? " tag" : " tags") + (tag.force() ? ", force" : "");
        }
        if (rule instanceof List<?> routes) {
            return routes.size() + (routes.size() == 1 ? " route" : " routes");
        }
        return "no rule";
    }
}
