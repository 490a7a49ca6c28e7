package io.tern.cluster;

import static java.util.Objects.requireNonNull;

import io.tern.Invoker;
import io.tern.ServiceUrl;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Providers kept in step with provider-list notifications (a registry's output). Each notification
 * carries the full list: unchanged providers are kept as they are, new ones have their settings
 * parsed and get invokers from the factory, and dropped ones leave the snapshot at once and are
 * closed — new calls go elsewhere, calls in flight finish, and closing stops waiting after the
 * grace period. A provider URL whose settings do not parse is refused, logged once with the key
 * and counted, instead of failing calls. An empty notification keeps the last list (a registry
 * hiccup must not empty a consumer) unless it is an explicit {@code empty://} URL.
 *
 * <p>The factory must not block: notifications arrive on the registry's event thread.
 *
 * <p>Owns the invokers it made; closing the directory closes them all and drops its listeners.
 *
 * @param <T> the service interface
 */
public final class DynamicDirectory<T> implements Directory<T> {

    private static final Logger log = LoggerFactory.getLogger(DynamicDirectory.class);

    private record Snapshot<T>(List<Provider<T>> providers, Map<ServiceUrl, Provider<T>> byUrl) {
    }

    private final Class<T> type;
    private final ServiceUrl consumerUrl;
    private final Function<ServiceUrl, Invoker<T>> factory;
    private final Duration grace;
    /** The provider protocols taken; empty for any. */
    private final Set<String> protocols;
    private final ListenerSet<List<Provider<T>>> listeners = new ListenerSet<>();
    private final java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();
    private final ReentrantLock notifyLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private final LifecycleTracker.Tracked tracked;
    private volatile Snapshot<T> snapshot = new Snapshot<>(List.of(), Map.of());
    private volatile @org.jspecify.annotations.Nullable String whyEmpty;

    private DynamicDirectory(Class<T> type, ServiceUrl consumerUrl, Function<ServiceUrl, Invoker<T>> factory,
            Duration grace, LifecycleTracker tracker, Set<String> protocols) {
        this.type = type;
        this.consumerUrl = consumerUrl;
        String asked = consumerUrl.parameter("protocol");
        this.protocols = asked == null || asked.isBlank() ? Set.copyOf(protocols)
                : Set.copyOf(Arrays.stream(asked.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toList());
        this.factory = factory;
        this.grace = grace;
        this.tracked = tracker.track(ResourceKind.DIRECTORY, consumerUrl.serviceKey());
    }

    /**
     * A directory that makes an invoker for each provider URL with {@code factory} (typically
     * {@code url -> protocol.refer(type, url)}), and gives removed invokers {@code grace} to finish
     * their calls.
     */
    public static <T> DynamicDirectory<T> create(Class<T> type, ServiceUrl consumerUrl,
            Function<ServiceUrl, Invoker<T>> factory, Duration grace, LifecycleTracker tracker) {
        return create(type, consumerUrl, factory, grace, tracker, Set.of());
    }

    /**
     * A directory that takes only providers of {@code protocols} (the ones {@code factory} can
     * refer; empty for any), or of those the consumer URL's {@code protocol} parameter names
     * (comma-separated, as Dubbo's reference {@code protocol} setting) when it has one. Providers
     * of other protocols are left out, as a Dubbo consumer leaves out protocols it does not have.
     */
    public static <T> DynamicDirectory<T> create(Class<T> type, ServiceUrl consumerUrl,
            Function<ServiceUrl, Invoker<T>> factory, Duration grace, LifecycleTracker tracker, Set<String> protocols) {
        requireNonNull(protocols, "protocols");
        requireNonNull(type, "type");
        requireNonNull(consumerUrl, "consumerUrl");
        requireNonNull(factory, "factory");
        requireNonNull(grace, "grace");
        requireNonNull(tracker, "tracker");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace: " + grace + " (expected: >= 0)");
        }
        return new DynamicDirectory<>(type, consumerUrl, factory, grace, tracker, protocols);
    }

    public static <T> DynamicDirectory<T> create(Class<T> type, ServiceUrl consumerUrl,
            Function<ServiceUrl, Invoker<T>> factory) {
        return create(type, consumerUrl, factory, DEFAULT_GRACE, LifecycleTracker.global());
    }

    @Override
    public Class<T> type() {
        return type;
    }

    @Override
    public ServiceUrl consumerUrl() {
        return consumerUrl;
    }

    @Override
    public List<Provider<T>> providers() {
        return snapshot.providers();
    }

    @Override
    public @org.jspecify.annotations.Nullable String whyEmpty() {
        return snapshot.providers().isEmpty() ? whyEmpty : null;
    }

    /** Provider URLs refused so far because a setting did not parse (each time one was notified). */
    public long refusedCount() {
        return refused.get();
    }

    @Override
    public Subscription onChange(Consumer<List<Provider<T>>> listener) {
        return listeners.add(requireNonNull(listener, "listener"));
    }

    /** Listeners registered now; for tests. */
    int listenerCount() {
        return listeners.size();
    }

    /**
     * Replaces the provider list. Notifications are applied one at a time, in the order they
     * arrive; calls read whichever snapshot is current and never wait for one.
     */
    public void notify(List<ServiceUrl> providers) {
        requireNonNull(providers, "providers");
        notifyLock.lock();
        try {
            if (closed.get()) {
                return;
            }
            boolean explicitEmpty = !providers.isEmpty() && providers.stream().allMatch(ServiceUrl::isEmptyProtocol);
            if (providers.isEmpty()) {
                log.warn("empty provider list for {} ignored: keeping {} providers (send empty:// to clear)",
                        consumerUrl.serviceKey(), snapshot.providers().size());
                return;
            }
            Snapshot<T> old = snapshot;
            Map<ServiceUrl, Provider<T>> next = new LinkedHashMap<>();
            if (!explicitEmpty) {
                for (ServiceUrl url : providers) {
                    if (url.isEmptyProtocol() || next.containsKey(url)
                            || !protocols.isEmpty() && !protocols.contains(url.protocol())) {
                        continue;
                    }
                    Provider<T> existing = old.byUrl().get(url);
                    if (existing != null && !existing.isDestroyed()) {
                        next.put(url, existing);
                        continue;
                    }
                    ProviderSettings settings;
                    try {
                        settings = Provider.settings(url);
                    } catch (IllegalArgumentException e) {
                        refused.incrementAndGet();
                        log.warn("refusing {}: {}", url, e.getMessage());
                        continue;
                    }
                    try {
                        next.put(url, Provider.of(factory.apply(url), settings));
                    } catch (RuntimeException e) {
                        log.warn("cannot refer provider {} of {}: {}", url.address(), consumerUrl.serviceKey(),
                                e.getMessage());
                    }
                }
            }
            List<Provider<T>> removed = new ArrayList<>();
            for (Map.Entry<ServiceUrl, Provider<T>> e : old.byUrl().entrySet()) {
                if (next.get(e.getKey()) != e.getValue()) {
                    removed.add(e.getValue());
                }
            }
            whyEmpty = explicitEmpty ? providers.get(0).parameter(ServiceUrl.EMPTY_REASON) : null;
            snapshot = new Snapshot<>(List.copyOf(next.values()), Map.copyOf(next));
            listeners.fire(snapshot.providers());
            removed.forEach(this::retire);
        } finally {
            notifyLock.unlock();
        }
    }

    /** Closes a dropped invoker: no new calls now; calls in flight get the grace period. */
    private CompletableFuture<Void> retire(Provider<T> invoker) {
        return GracefulClose.close(invoker, grace, consumerUrl.serviceKey());
    }

    @Override
    public CompletableFuture<Void> closeAsync() {
        if (!closed.compareAndSet(false, true)) {
            return closeFuture;
        }
        tracked.destroyed(this);
        notifyLock.lock();
        List<Provider<T>> all;
        try {
            all = snapshot.providers();
            snapshot = new Snapshot<>(List.of(), Map.of());
            listeners.clear();
        } finally {
            notifyLock.unlock();
        }
        CompletableFuture.allOf(all.stream().map(this::retire).toArray(CompletableFuture<?>[]::new))
                .whenComplete((a, b) -> closeFuture.complete(null));
        return closeFuture;
    }

    @Override
    public String toString() {
        Map<String, Boolean> providers = new HashMap<>();
        snapshot.providers().forEach(i -> providers.put(i.url().address(), i.isAvailable()));
        return "DynamicDirectory[" + consumerUrl.serviceKey() + ", providers=" + providers + "]";
    }
}
