package io.tern.registry;

import static java.util.Objects.requireNonNull;

import io.tern.ServiceUrl;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A registry inside one JVM, for single-process use and tests. Notifications are delivered on
 * the registering thread, in order. Owns its registrations and subscriptions; both leave its maps
 * when unregistered or closed.
 */
public final class InJvmRegistry implements Registry {

    private static final Logger log = LoggerFactory.getLogger(InJvmRegistry.class);

    private record Subscriber(ServiceUrl consumer, NotifyListener listener) {
    }

    private final ServiceUrl url = ServiceUrl.parse("injvm://127.0.0.1/io.tern.registry.Registry");
    private final Map<String, Set<ServiceUrl>> providers = new ConcurrentHashMap<>();
    private final Map<String, Set<ServiceUrl>> consumers = new ConcurrentHashMap<>();
    private final Map<String, Set<Subscriber>> subscribers = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();

    @Override
    public ServiceUrl url() {
        return url;
    }

    @Override
    public void register(ServiceUrl url) {
        requireNonNull(url, "url");
        RegistryUrls.checkSize(url);
        lock.lock();
        try {
            checkOpen();
            table(url).computeIfAbsent(url.interfaceName(), k -> ConcurrentHashMap.newKeySet()).add(url);
            notifySubscribers(url.interfaceName());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void unregister(ServiceUrl url) {
        requireNonNull(url, "url");
        lock.lock();
        try {
            Map<String, Set<ServiceUrl>> table = table(url);
            Set<ServiceUrl> set = table.get(url.interfaceName());
            if (set != null && set.remove(url)) {
                if (set.isEmpty()) {
                    table.remove(url.interfaceName(), set);
                }
                notifySubscribers(url.interfaceName());
            }
        } finally {
            lock.unlock();
        }
    }

    private Map<String, Set<ServiceUrl>> table(ServiceUrl url) {
        return "consumer".equals(url.side()) || "consumer".equals(url.protocol()) ? consumers : providers;
    }

    @Override
    public Subscription subscribe(ServiceUrl consumerUrl, NotifyListener listener) {
        requireNonNull(consumerUrl, "consumerUrl");
        requireNonNull(listener, "listener");
        Subscriber subscriber = new Subscriber(consumerUrl, listener);
        String key = consumerUrl.interfaceName();
        lock.lock();
        try {
            checkOpen();
            subscribers.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(subscriber);
            listener.notify(lookup(consumerUrl));
        } finally {
            lock.unlock();
        }
        return () -> {
            lock.lock();
            try {
                Set<Subscriber> set = subscribers.get(key);
                if (set != null && set.remove(subscriber) && set.isEmpty()) {
                    subscribers.remove(key, set);
                }
            } finally {
                lock.unlock();
            }
        };
    }

    @Override
    public List<ServiceUrl> lookup(ServiceUrl consumerUrl) {
        return RegistryUrls.matching(consumerUrl, providers.getOrDefault(consumerUrl.interfaceName(), Set.of()));
    }

    private void notifySubscribers(String interfaceName) {
        for (Subscriber s : subscribers.getOrDefault(interfaceName, Set.of())) {
            try {
                s.listener().notify(lookup(s.consumer()));
            } catch (RuntimeException e) {
                log.warn("a registry listener for {} failed", interfaceName, e);
            }
        }
    }

    /** Registered URLs and subscriptions now; for lifecycle tests. */
    public int size() {
        return providers.values().stream().mapToInt(Set::size).sum()
                + consumers.values().stream().mapToInt(Set::size).sum()
                + subscribers.values().stream().mapToInt(Set::size).sum();
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("registry injvm is closed (expected: an open registry)");
        }
    }

    @Override
    public CompletableFuture<Void> closeAsync() {
        if (closed.compareAndSet(false, true)) {
            lock.lock();
            try {
                List<String> names = new ArrayList<>(providers.keySet());
                providers.clear();
                consumers.clear();
                names.forEach(this::notifySubscribers);
                subscribers.clear();
            } finally {
                lock.unlock();
            }
        }
        return CompletableFuture.completedFuture(null);
    }
}
