package io.tern.registry;

import static java.util.Objects.requireNonNull;

import io.tern.ServiceUrl;
import io.tern.cluster.Configurator;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The override rules in force for one reference, read where a Dubbo 3.3 consumer reads them: the
 * consumer application's {@code <application>.configurators} and the service's
 * {@code <interface>:<version>:<group>.configurators} in the config center (group {@code dubbo}),
 * and the legacy {@code override://} URLs under {@code /dubbo/<interface>/configurators} that
 * dubbo-admin still writes. Every provider list passes through it on its way to the directory:
 * each provider's URL configured by the rules (as a consumer of the reference's application at
 * its host sees it), and the disabled ones left out; when the rules change, the last list is
 * told again. A rule text that does not parse is refused whole, logged once, and the rules it
 * would have replaced stay in force. Closing it removes its watches.
 */
public final class ConsumerOverrides implements Registry.NotifyListener, Registry.Subscription {

    private static final Logger log = LoggerFactory.getLogger(ConsumerOverrides.class);

    private final ServiceUrl consumer;
    private final Configurator.View view;
    private final Registry.NotifyListener downstream;
    /** Held while the rules or the providers change and the result is told, so lists are told in order. */
    private final ReentrantLock telling = new ReentrantLock();
    private final List<Registry.Subscription> watches = new ArrayList<>(3);
    private final AtomicLong refused = new AtomicLong();
    private volatile List<Configurator> byApplication = List.of();
    private volatile List<Configurator> byService = List.of();
    private volatile List<Configurator> byRegistry = List.of();
    /** The rules in force, in Dubbo's order. */
    private volatile List<Configurator> rules = List.of();
    private @Nullable List<ServiceUrl> providers;
    private @Nullable String lastRefused;
    private volatile boolean closed;
    private final LifecycleTracker.Tracked tracked;

    private ConsumerOverrides(ServiceUrl consumer, Registry.NotifyListener downstream,
            LifecycleTracker.Tracked tracked) {
        this.tracked = tracked;
        this.consumer = consumer;
        this.view = Configurator.View.consumer(consumer.application(), consumer.host());
        this.downstream = downstream;
    }

    /**
     * Watches the rules of {@code consumer} in {@code registry} and tells {@code downstream} the
     * providers it is given, configured; the returned listener is what discovery tells. It is
     * tracked by {@code tracker} ({@link ResourceKind#RULES}) until closed.
     */
    public static ConsumerOverrides watch(Registry registry, ServiceUrl consumer,
            Registry.NotifyListener downstream, LifecycleTracker tracker) {
        requireNonNull(registry, "registry");
        requireNonNull(tracker, "tracker");
        requireNonNull(consumer, "consumer");
        requireNonNull(downstream, "downstream");
        ZooKeeperApplications config = registry.applications();
        if (config == null) {
            throw new IllegalArgumentException("override rules need a config center (expected: a ZooKeeper registry,"
                    + " not " + registry.url().protocol() + "://)");
        }
        ConsumerOverrides overrides = new ConsumerOverrides(consumer, downstream,
                tracker.track(ResourceKind.RULES, consumer.serviceKey()));
        try {
            if (!consumer.application().isEmpty()) {
                overrides.watches.add(config.watchConfig(OverrideRules.GROUP,
                        OverrideRules.applicationKey(consumer.application()),
                        text -> overrides.read(text, "application")));
            }
            overrides.watches.add(config.watchConfig(OverrideRules.GROUP, OverrideRules.serviceKey(consumer),
                    text -> overrides.read(text, "service")));
            overrides.watches.add(registry.subscribeCategory(consumer, "configurators", overrides::legacy));
        } catch (RuntimeException e) {
            overrides.close();
            throw e;
        }
        return overrides;
    }

    /** The rules in force now, in the order they apply. */
    public List<Configurator> rules() {
        return rules;
    }

    /** Rule texts refused so far. */
    public long refusedRules() {
        return refused.get();
    }

    /**
     * {@code url} (a provider's, merged with the consumer's settings) as the rules in force
     * configure it, so that what an operator sets wins over both, as in Dubbo.
     */
    public ServiceUrl configure(ServiceUrl url) {
        return Configurator.apply(rules, url, view);
    }

    /** A provider list from discovery: configured and passed on. */
    @Override
    public void notify(List<ServiceUrl> providers) {
        telling.lock();
        try {
            this.providers = providers;
            tell();
        } finally {
            telling.unlock();
        }
    }

    /**
     * A rule node of {@code scope} changed: no node is no rule; a node whose text does not parse
     * (an empty one included, as Dubbo fails to parse it) is refused, the rules before it staying.
     */
    private void read(@Nullable String node, String scope) {
        if (node == null) {
            change(scope, List.of());
            return;
        }
        String text = node;
        List<Configurator> parsed;
        try {
            if (text.isBlank()) {
                throw new IllegalArgumentException("override rule: empty (expected: a rule; to take the rules away,"
                        + " delete the node)");
            }
            parsed = OverrideRules.parse(text);
        } catch (IllegalArgumentException e) {
            refused.incrementAndGet();
            if (!text.equals(lastRefused)) {
                lastRefused = text;
                String key = scope.equals("application") ? OverrideRules.applicationKey(consumer.application())
                        : OverrideRules.serviceKey(consumer);
                log.warn("registry: refusing the override rule {} for {}: {}; the rules before it stay in force", key,
                        consumer.serviceKey(), e.getMessage());
            }
            return;
        }
        change(scope, parsed);
    }

    private void legacy(List<ServiceUrl> urls) {
        List<Configurator> parsed = new ArrayList<>(urls.size());
        for (ServiceUrl url : urls) {
            if (url.isEmptyProtocol()) {
                continue;
            }
            try {
                parsed.add(Configurator.of(url));
            } catch (IllegalArgumentException e) {
                refused.incrementAndGet();
                log.warn("registry: refusing a configurator of {} under /configurators: {}", consumer.serviceKey(),
                        e.getMessage());
            }
        }
        change("registry", parsed);
    }

    private void change(String scope, List<Configurator> parsed) {
        telling.lock();
        try {
            switch (scope) {
                case "application" -> byApplication = parsed;
                case "service" -> byService = parsed;
                default -> byRegistry = parsed;
            }
            List<Configurator> all = new ArrayList<>(byRegistry);
            all.addAll(byApplication);
            all.addAll(byService);
            List<Configurator> now = Configurator.ordered(all);
            if (now.equals(rules)) {
                return;
            }
            rules = now;
            log.debug("registry: {} override rules in force for {}", now.size(), consumer.serviceKey());
            if (providers != null) {
                tell();
            }
        } finally {
            telling.unlock();
        }
    }

    /** Tells downstream the last providers, configured, the disabled left out; under {@link #telling}. */
    private void tell() {
        List<ServiceUrl> given = providers;
        if (closed || given == null) {
            return;
        }
        List<Configurator> now = rules;
        if (now.isEmpty()) {
            downstream.notify(given);
            return;
        }
        List<ServiceUrl> configured = new ArrayList<>(given.size());
        int disabled = 0;
        for (ServiceUrl provider : given) {
            if (provider.isEmptyProtocol()) {
                configured.add(provider);
                continue;
            }
            ServiceUrl url = Configurator.apply(now, provider, view);
            if (Configurator.disabled(url)) {
                disabled++;
            } else {
                configured.add(url);
            }
        }
        if (configured.isEmpty()) {
            configured.add(RegistryUrls.empty(consumer, "every provider (" + disabled + ") is disabled by an override"
                    + " rule (see " + OverrideRules.serviceKey(consumer) + ", "
                    + OverrideRules.applicationKey(consumer.application()) + " and /configurators)"));
        }
        downstream.notify(configured);
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
        tracked.destroyed(this);
    }
}
