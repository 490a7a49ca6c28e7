package io.tern.registry;

import static java.util.Objects.requireNonNull;

import io.tern.ServiceUrl;
import io.tern.cluster.Configurator;
import io.tern.core.RuleStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The override rules of one service where Dubbo 3.3 reads them, for a consumer or a provider of
 * it: the application's {@code <application>.configurators} and the service's
 * {@code <interface>:<version>:<group>.configurators} in the config center (group {@code dubbo}),
 * and the legacy {@code override://} URLs under {@code /dubbo/<interface>/configurators}. Tells
 * its listener the rules in force, in Dubbo's order, whenever they change. A rule text that
 * does not parse (an empty node included, as Dubbo fails to parse it) is refused whole, logged
 * once, and the rules it would have replaced stay in force. Closing it removes its watches.
 */
public final class OverrideWatch implements Registry.Subscription {

    private static final Logger log = LoggerFactory.getLogger(OverrideWatch.class);
    private static final String LEGACY = "/configurators";

    private final ServiceUrl url;
    private final Consumer<List<Configurator>> listener;
    private final RuleStats stats;
    /** The three sources, in Dubbo's order: the registry's legacy URLs, the application's rules, the service's. */
    private final String legacyPath;
    private final String applicationKey;
    private final String serviceKey;
    /** Held while the rules change and are told, so they are told in order. */
    private final ReentrantLock changing = new ReentrantLock();
    private final List<Registry.Subscription> watches = new ArrayList<>(3);
    /** The rules of each source; guarded by {@link #changing}. */
    private final Map<String, List<Configurator>> bySource = new LinkedHashMap<>();
    /** Why the last text of a source was refused, while it is; guarded by {@link #changing}. */
    private final Map<String, String> refusals = new LinkedHashMap<>();
    /** The rules in force, in the order they apply; guarded by {@link #changing}. */
    private List<Configurator> rules = List.of();
    private volatile boolean closed;

    private OverrideWatch(ServiceUrl url, Consumer<List<Configurator>> listener, RuleStats stats, String legacyPath) {
        this.url = url;
        this.listener = listener;
        this.stats = stats;
        this.legacyPath = legacyPath;
        this.applicationKey = OverrideRules.applicationKey(url.application());
        this.serviceKey = OverrideRules.serviceKey(url);
    }

    /**
     * Watches the rules of {@code url}'s service and application in {@code registry}, telling
     * {@code listener} the rules in force now (when there are any) and at every change, and
     * counting in {@code stats} the rules applied and refused.
     *
     * @throws IllegalArgumentException when the registry has no config center
     */
    public static OverrideWatch watch(Registry registry, ServiceUrl url, Consumer<List<Configurator>> listener,
            RuleStats stats) {
        requireNonNull(registry, "registry");
        requireNonNull(stats, "stats");
        requireNonNull(url, "url");
        requireNonNull(listener, "listener");
        ZooKeeperApplications config = registry.applications();
        if (config == null) {
            throw new IllegalArgumentException("override rules need a config center (expected: a ZooKeeper registry,"
                    + " not " + registry.url().protocol() + "://)");
        }
        OverrideWatch watch = new OverrideWatch(url, listener, stats, config.servicePath(url.interfaceName())
                + LEGACY);
        try {
            if (!url.application().isEmpty()) {
                watch.watches.add(config.watchConfig(config.ruleGroup(), watch.applicationKey,
                        text -> watch.read(watch.applicationKey, text)));
            }
            watch.watches.add(config.watchConfig(config.ruleGroup(), watch.serviceKey,
                    text -> watch.read(watch.serviceKey, text)));
            watch.watches.add(registry.subscribeCategory(url, "configurators", watch::legacy));
        } catch (RuntimeException e) {
            watch.close();
            throw e;
        }
        return watch;
    }

    /** Each source's rules in force, or its last refusal, by key (the registry path for the legacy URLs). */
    public Map<String, String> describe() {
        changing.lock();
        try {
            Map<String, String> all = new LinkedHashMap<>();
            bySource.forEach((key, rules) -> all.put(key, rules.size() + (rules.size() == 1 ? " override"
                    : " overrides")));
            refusals.forEach((key, refusal) -> all.merge(key, "refused: " + refusal,
                    (inForce, refused) -> refused + "; in force: " + inForce));
            return all;
        } finally {
            changing.unlock();
        }
    }

    /** No node is no rule; a node whose text does not parse is refused, the rules before it staying. */
    private void read(String key, @Nullable String text) {
        if (text == null) {
            change(key, List.of());
            return;
        }
        List<Configurator> parsed;
        try {
            if (text.isBlank()) {
                throw new IllegalArgumentException("override rule: empty (expected: a rule; to take the rules away,"
                        + " delete the node)");
            }
            parsed = OverrideRules.parse(text);
        } catch (IllegalArgumentException e) {
            refuse(key, text, e.getMessage());
            return;
        }
        stats.applied(key);
        change(key, parsed);
    }

    /** The registry's legacy URLs: those that are rules are taken, the last that is not is refused. */
    private void legacy(List<ServiceUrl> urls) {
        List<Configurator> parsed = new ArrayList<>(urls.size());
        String refusedText = null;
        String why = null;
        for (ServiceUrl rule : urls) {
            if (rule.isEmptyProtocol()) {
                continue;
            }
            try {
                parsed.add(Configurator.of(rule));
                stats.applied(legacyPath);
            } catch (IllegalArgumentException e) {
                refusedText = rule.toString();
                why = e.getMessage();
            }
        }
        change(legacyPath, parsed);
        if (refusedText != null) {
            refuse(legacyPath, refusedText, why);
        }
    }

    private void refuse(String key, String text, @Nullable String why) {
        changing.lock();
        try {
            refusals.put(key, String.valueOf(why));
        } finally {
            changing.unlock();
        }
        if (!stats.refused(key, text)) {
            return; // logged already, for this reference or another of the client
        }
        log.warn("registry: refusing the override rule {} for {}: {}; the rules before it stay in force", key,
                url.serviceKey(), why);
    }

    private void change(String key, List<Configurator> parsed) {
        changing.lock();
        try {
            if (closed) {
                return;
            }
            refusals.remove(key);
            if (parsed.isEmpty()) {
                bySource.remove(key);
            } else {
                bySource.put(key, parsed);
            }
            List<Configurator> all = new ArrayList<>(); // Dubbo's order: the registry's, the application's, the service's
            all.addAll(bySource.getOrDefault(legacyPath, List.of()));
            all.addAll(bySource.getOrDefault(applicationKey, List.of()));
            all.addAll(bySource.getOrDefault(serviceKey, List.of()));
            List<Configurator> now = Configurator.ordered(all);
            if (now.equals(rules)) {
                return;
            }
            rules = now;
            listener.accept(now);
        } finally {
            changing.unlock();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Registry.Subscription watch : watches) {
            watch.close();
        }
        watches.clear();
    }
}
