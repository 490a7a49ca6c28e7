package io.tern.registry;

import static java.util.Objects.requireNonNull;

import io.tern.ServiceUrl;
import io.tern.cluster.Configurator;
import io.tern.core.RuleStats;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The override rules in force for one reference (an {@link OverrideWatch} of its service for its
 * application), applied to every provider list on its way to the directory: each provider's URL
 * configured by the rules as a consumer of the reference's application at its host sees it, and
 * the disabled ones left out; when the rules change, the last list is told again. Closing it
 * removes its watches.
 */
public final class ConsumerOverrides implements Registry.NotifyListener, Registry.Subscription {

    private static final Logger log = LoggerFactory.getLogger(ConsumerOverrides.class);

    private final ServiceUrl consumer;
    private final Configurator.View view;
    private final Registry.NotifyListener downstream;
    private final java.util.function.Consumer<ServiceUrl> consumerConfigured;
    /** Held while the rules or the providers change and the result is told, so lists are told in order. */
    private final ReentrantLock telling = new ReentrantLock();
    private volatile List<Configurator> rules = List.of();
    private @Nullable List<ServiceUrl> providers;
    private @Nullable OverrideWatch watch;
    private volatile boolean closed;
    private final LifecycleTracker.Tracked tracked;

    private ConsumerOverrides(ServiceUrl consumer, Registry.NotifyListener downstream,
            java.util.function.Consumer<ServiceUrl> consumerConfigured, LifecycleTracker.Tracked tracked) {
        this.consumerConfigured = consumerConfigured;
        this.tracked = tracked;
        this.consumer = consumer;
        this.view = Configurator.View.consumer(consumer.application(), consumer.host());
        this.downstream = downstream;
    }

    /**
     * Watches the rules of {@code consumer} in {@code registry} and tells {@code downstream} the
     * providers it is given, configured; the returned listener is what discovery tells. It is
     * tracked by {@code tracker} ({@link ResourceKind#RULES}) until closed. {@code consumerConfigured}
     * is told the consumer's own URL as the rules configure it (what they set for the reference:
     * retries, load balancing) whenever they change, and {@code stats} counts the rules applied
     * and refused.
     */
    public static ConsumerOverrides watch(Registry registry, ServiceUrl consumer,
            Registry.NotifyListener downstream, java.util.function.Consumer<ServiceUrl> consumerConfigured,
            RuleStats stats, LifecycleTracker tracker) {
        requireNonNull(consumerConfigured, "consumerConfigured");
        requireNonNull(registry, "registry");
        requireNonNull(tracker, "tracker");
        requireNonNull(consumer, "consumer");
        requireNonNull(downstream, "downstream");
        ConsumerOverrides overrides = new ConsumerOverrides(consumer, downstream, consumerConfigured,
                tracker.track(ResourceKind.RULES, consumer.serviceKey()));
        try {
            overrides.watch = OverrideWatch.watch(registry, consumer, overrides::change, stats);
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

    /** Each source's rules in force, or its last refusal, by key. */
    public Map<String, String> describe() {
        OverrideWatch w = watch;
        return w == null ? Map.of() : w.describe();
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

    private void change(List<Configurator> now) {
        telling.lock();
        try {
            rules = now;
            log.debug("registry: {} override rules in force for {}", now.size(), consumer.serviceKey());
            if (!closed) {
                try {
                    consumerConfigured.accept(Configurator.apply(now, consumer, view));
                } catch (IllegalArgumentException e) {
                    log.warn("registry: the override rules for {} set what does not parse, left as it was: {}",
                            consumer.serviceKey(), e.getMessage());
                }
            }
            tell();
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
        List<ServiceUrl> configured = new ArrayList<>(given.size());
        int disabled = 0;
        for (ServiceUrl provider : given) {
            if (provider.isEmptyProtocol()) {
                configured.add(provider);
                continue;
            }
            ServiceUrl url = now.isEmpty() ? provider : Configurator.apply(now, provider, view);
            if (Configurator.disabled(url)) {
                disabled++;
            } else {
                configured.add(url);
            }
        }
        if (disabled == 0) {
            downstream.notify(now.isEmpty() ? given : configured);
            return;
        }
        if (configured.isEmpty()) {
            configured.add(RegistryUrls.empty(consumer, "every provider (" + disabled + ") is disabled, by its own"
                    + " URL or by an override rule (see " + OverrideRules.serviceKey(consumer) + ", "
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
        OverrideWatch w = watch;
        if (w != null) {
            w.close();
        }
        tracked.destroyed(this);
    }
}
