package io.tern.bootstrap;

import static java.util.Objects.requireNonNull;

import io.tern.AsyncCloseable;
import io.tern.Invoker;
import io.tern.ServiceUrl;
import io.tern.ServiceUrlBuilder;
import io.tern.cluster.Clusters;
import io.tern.cluster.DynamicDirectory;
import io.tern.core.Proxies;
import io.tern.registry.Registry;
import io.tern.registry.RegistryUrls;
import io.tern.transport.DubboProtocol;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer application: makes references and owns everything behind them — invokers,
 * directories, subscriptions, consumer registrations, its protocol, and its registry when it
 * made it. Closing closes them in reverse order of creation.
 */
public final class TernClient implements AsyncCloseable {

    private static final Logger log = LoggerFactory.getLogger(TernClient.class);

    private final TernClientBuilder config;
    private final DubboProtocol protocol;
    private final @Nullable Registry registry;
    private final boolean ownsRegistry;
    private final List<AsyncCloseable> owned = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

    TernClient(TernClientBuilder config, DubboProtocol protocol, @Nullable Registry registry, boolean ownsRegistry) {
        this.config = config;
        this.protocol = protocol;
        this.registry = registry;
        this.ownsRegistry = ownsRegistry;
    }

    public <T> T reference(Class<T> type) {
        return reference(type, options -> { });
    }

    /**
     * A proxy for a service: direct when the options give a URL, else discovered through the
     * registry (with its providers kept up to date, load balancing and fault tolerance).
     *
     * @throws IllegalStateException when there is neither a URL nor a registry
     */
    public <T> T reference(Class<T> type, Consumer<ReferenceOptions> configure) {
        requireNonNull(type, "type");
        ReferenceOptions options = new ReferenceOptions();
        configure.accept(options);
        Invoker<T> invoker = options.url != null ? direct(type, options) : discovered(type, options);
        return Proxies.create(invoker);
    }

    private <T> Invoker<T> direct(Class<T> type, ReferenceOptions options) {
        ServiceUrl given = ServiceUrl.parse(options.url);
        String service = options.service != null ? options.service : type.getName();
        ServiceUrlBuilder url = given.toBuilder().path(given.path().isEmpty() ? service : given.path());
        apply(url, options);
        Invoker<T> invoker = protocol.refer(type, url.build());
        own(invoker);
        return invoker;
    }

    private <T> Invoker<T> discovered(Class<T> type, ReferenceOptions options) {
        if (registry == null) {
            throw new IllegalStateException("reference to " + type.getName() + ": no registry and no url"
                    + " (expected: Tern.client().registry(...) or options.url(\"dubbo://host:port\"))");
        }
        ServiceUrlBuilder url = (options.service != null
                ? RegistryUrls.genericConsumer(config.host, options.service, config.application, options.group,
                        options.version)
                : RegistryUrls.consumer(config.host, type, config.application, options.group, options.version))
                .toBuilder();
        apply(url, options);
        ServiceUrl consumer = url.build();
        Registry r = registry;
        r.register(consumer);
        own(() -> {
            r.unregister(consumer);
            return CompletableFuture.completedFuture(null);
        });
        DynamicDirectory<T> directory = DynamicDirectory.create(type, consumer,
                provider -> protocol.refer(type, RegistryUrls.merge(provider, consumer)), DynamicDirectory.DEFAULT_GRACE,
                config.tracker);
        Invoker<T> cluster = Clusters.join(directory, options.routers, config.tracker);
        own(cluster);
        Registry.Subscription subscription = r.subscribe(consumer, directory::notify);
        own(() -> {
            subscription.close();
            return CompletableFuture.completedFuture(null);
        });
        return cluster;
    }

    private static void apply(ServiceUrlBuilder url, ReferenceOptions options) {
        if (!options.group.isEmpty()) {
            url.group(options.group);
        }
        if (!options.version.isEmpty()) {
            url.version(options.version);
        }
        if (options.timeout != null) {
            url.timeout(options.timeout);
        }
        options.parameters.forEach(url::parameter);
    }

    private void own(AsyncCloseable resource) {
        lock.lock();
        try {
            if (closed.get()) {
                resource.close();
                throw new IllegalStateException("client is closed (expected: an open client)");
            }
            owned.add(resource);
        } finally {
            lock.unlock();
        }
    }

    public DubboProtocol protocol() {
        return protocol;
    }

    @Override
    public CompletableFuture<Void> closeAsync() {
        if (!closed.compareAndSet(false, true)) {
            return closeFuture;
        }
        List<AsyncCloseable> reversed;
        lock.lock();
        try {
            reversed = new ArrayList<>(owned);
            owned.clear();
        } finally {
            lock.unlock();
        }
        Collections.reverse(reversed);
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (AsyncCloseable resource : reversed) {
            chain = chain.thenCompose(ignored -> {
                try {
                    return resource.closeAsync();
                } catch (RuntimeException e) {
                    log.warn("closing a reference failed: {}", e.toString());
                    return CompletableFuture.completedFuture(null);
                }
            });
        }
        chain.thenCompose(ignored -> protocol.closeAsync())
                .thenCompose(ignored -> ownsRegistry && registry != null ? registry.closeAsync()
                        : CompletableFuture.completedFuture(null))
                .whenComplete((a, b) -> closeFuture.complete(null));
        return closeFuture;
    }
}
