package io.tern.registry;

import static java.util.Objects.requireNonNull;

import io.tern.ServiceUrl;
import io.tern.cluster.Configurator;
import io.tern.core.RuleStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
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
    static final String LEGACY = "/configurators";

    private final ServiceUrl url;
    private final Consumer<List<Configurator>> listener;
    private final RuleStats stats;
    /** Where the legacy rules are: {@code /<root>/<interface>/configurators}. */
    private final String legacyPath;
    /** Held while the rules change and are told, so they are told in order. */
    private final ReentrantLock changing = new ReentrantLock();
    private final List<Registry.Subscription> watches = new ArrayList<>(3);
    private final AtomicLong refused = new AtomicLong();
    /** The rules of each source (key, or {@link #LEGACY}); guarded by {@link #changing}. */
    private final Map<String, List<Configurator>> bySource = new LinkedHashMap<>();
    /** The last refusal of each source, and the text refused; guarded by {@link #changing}. */
    private final Map<String, String[]> refusals = new LinkedHashMap<>();
    private volatile List<Configurator> rules = List.of();
    private volatile boolean closed;

    private OverrideWatch(ServiceUrl url, Consumer<List<Configurator>> listener, RuleStats stats, String legacyPath) {
        this.legacyPath = legacyPath;
        this.url = url;
        this.listener = listener;
        this.stats = stats;
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
                String key = OverrideRules.applicationKey(url.application());
                watch.watches.add(config.watchConfig(config.ruleGroup(), key, text -> watch.read(key, text)));
            }
            String key = OverrideRules.serviceKey(url);
            watch.watches.add(config.watchConfig(config.ruleGroup(), key, text -> watch.read(key, text)));
            watch.watches.add(registry.subscribeCategory(url, "configurators", watch::legacy));
        } catch (RuntimeException e) {
            watch.close();
            throw e;
        }
        return watch;
    }

    /** The rules in force now, in the order they apply. */
    public List<Configurator> rules() {
        return rules;
    }

    /** Rule texts refused so far. */
    public long refusedRules() {
        return refused.get();
    }

    /** Each source's rules in force, or its last refusal, by key ({@code /configurators} for the registry's). */
    public Map<String, String> describe() {
        changing.lock();
        try {
            Map<String, String> all = new LinkedHashMap<>();
            bySource.forEach((key, rules) -> all.put(shown(key), rules.size() + (rules.size() == 1 ? " override"
                    : " overrides")));
            refusals.forEach((key, refusal) -> all.merge(shown(key), "refused: " + refusal[0],
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

    private void legacy(List<ServiceUrl> urls) {
        List<Configurator> parsed = new ArrayList<>(urls.size());
        for (ServiceUrl rule : urls) {
            if (rule.isEmptyProtocol()) {
                continue;
            }
            try {
                parsed.add(Configurator.of(rule));
                stats.applied(legacyPath());
            } catch (IllegalArgumentException e) {
                refuse(LEGACY, rule.toString(), e.getMessage());
            }
        }
        change(LEGACY, parsed);
    }

    private String shown(String key) {
        return key.equals(LEGACY) ? legacyPath() : key;
    }

    private String legacyPath() {
        return legacyPath;
    }

    private void refuse(String key, String text, @Nullable String why) {
        refused.incrementAndGet();
        changing.lock();
        try {
            refusals.put(key, new String[] {String.valueOf(why), text});
        } finally {
            changing.unlock();
        }
        if (!stats.refused(key.equals(LEGACY) ? legacyPath() : key, text)) {
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
            if (!key.equals(LEGACY)) {
                refusals.remove(key);
            }
            if (parsed.isEmpty()) {
                bySource.remove(key);
            } else {
                bySource.put(key, parsed);
            }
            List<Configurator> all = new ArrayList<>(); // Dubbo's order: the registry's, the application's, the service's
            all.addAll(bySource.getOrDefault(LEGACY, List.of()));
            all.addAll(bySource.getOrDefault(OverrideRules.applicationKey(url.application()), List.of()));
            all.addAll(bySource.getOrDefault(OverrideRules.serviceKey(url), List.of()));
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
