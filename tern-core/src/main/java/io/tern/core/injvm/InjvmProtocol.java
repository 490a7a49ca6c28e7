package io.tern.core.injvm;

import static java.util.Objects.requireNonNull;

import io.tern.ClassPolicy;
import io.tern.Exporter;
import io.tern.Invoker;
import io.tern.Protocol;
import io.tern.ServiceKey;
import io.tern.ServiceUrl;
import io.tern.core.FilterChain;
import io.tern.core.lifecycle.LifecycleTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The {@code injvm} protocol: services exported and referred inside one JVM, with no
 * serialization and no thread hop — a call runs the consumer filters, the provider filters and
 * the implementation on the caller's thread.
 *
 * <p>The protocol owns the exporters and invokers it makes while they are open. Each removes
 * itself from the protocol's maps when it is closed ({@code remove(key, this)}), so a protocol
 * that lives as long as the process holds only what is open. Closing the protocol closes what
 * is still open and refuses new exports and references.
 */
public final class InjvmProtocol implements Protocol {

    /** The protocol's name in URLs. */
    public static final String NAME = "injvm";

    private final ConcurrentMap<ServiceKey, InjvmExporter<?>> exporters = new ConcurrentHashMap<>();
    private final Set<InjvmInvoker<?>> invokers = ConcurrentHashMap.newKeySet();
    private final LifecycleTracker tracker;
    private final FilterChain providerFilters;
    private final FilterChain consumerFilters;
    private final ClassPolicy classPolicy;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private final Stats stats = new Stats() {
        @Override
        public int exportedCount() {
            return exporters.size();
        }

        @Override
        public int referredCount() {
            return invokers.size();
        }
    };

    InjvmProtocol(LifecycleTracker tracker, FilterChain providerFilters, FilterChain consumerFilters,
            ClassPolicy classPolicy) {
        this.tracker = tracker;
        this.classPolicy = classPolicy;
        this.providerFilters = providerFilters;
        this.consumerFilters = consumerFilters;
    }

    /** A protocol with no filters, registered with the global lifecycle tracker. */
    public static InjvmProtocol create() {
        return builder().build();
    }

    public static InjvmProtocolBuilder builder() {
        return new InjvmProtocolBuilder();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public <T> Exporter<T> export(Invoker<T> invoker) {
        requireNonNull(invoker, "invoker");
        checkOpen();
        ServiceKey key = invoker.url().serviceKey();
        if (key.interfaceName().isEmpty()) {
            throw new IllegalArgumentException("url: " + invoker.url()
                    + " names no service (expected: a path or an interface parameter)");
        }
        classPolicy.allowInterface(invoker.type());
        InjvmExporter<T> exporter = new InjvmExporter<>(this, key, providerFilters.wrap(invoker), tracker);
        InjvmExporter<?> existing = exporters.putIfAbsent(key, exporter);
        if (existing != null) {
            exporter.retire();
            throw new IllegalStateException("service: " + key + " is already exported on injvm"
                    + " (expected: unexport it first)");
        }
        if (closed.get()) {
            exporter.close();
            throw closedException();
        }
        return exporter;
    }

    @Override
    public <T> Invoker<T> refer(Class<T> type, ServiceUrl url) {
        requireNonNull(type, "type");
        requireNonNull(url, "url");
        checkOpen();
        InjvmInvoker<T> invoker = new InjvmInvoker<>(this, type, url, tracker);
        invokers.add(invoker);
        if (closed.get()) {
            invoker.close();
            throw closedException();
        }
        return consumerFilters.wrap(invoker);
    }

    /** The exporter of a service key, or {@code null}; one map lookup, no allocation. */
    @Nullable InjvmExporter<?> exporter(ServiceKey key) {
        return exporters.get(key);
    }

    void forget(InjvmExporter<?> exporter) {
        exporters.remove(exporter.key(), exporter);
    }

    void forget(InjvmInvoker<?> invoker) {
        invokers.remove(invoker);
    }

    /** The classes generic calls to this protocol's services may name. */
    public ClassPolicy classPolicy() {
        return classPolicy;
    }

    /** What the protocol holds now: services exported and invokers referred, read live. */
    public Stats stats() {
        return stats;
    }

    /** The protocol's containers, for operators and lifecycle tests. */
    public interface Stats {
        /** Services exported and not yet unexported. */
        int exportedCount();

        /** Invokers referred and not yet closed. */
        int referredCount();
    }

    /** Whether a service key is exported here now. */
    public boolean isExported(ServiceKey key) {
        return exporters.containsKey(requireNonNull(key, "key"));
    }

    @Override
    public CompletableFuture<Void> closeAsync() {
        if (!closed.compareAndSet(false, true)) {
            return closeFuture;
        }
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (InjvmInvoker<?> invoker : invokers) {
            pending.add(invoker.closeAsync());
        }
        for (InjvmExporter<?> exporter : exporters.values()) {
            pending.add(exporter.closeAsync());
        }
        CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
                .whenComplete((ignored, failure) -> closeFuture.complete(null));
        return closeFuture;
    }

    private void checkOpen() {
        if (closed.get()) {
            throw closedException();
        }
    }

    private static IllegalStateException closedException() {
        return new IllegalStateException("protocol injvm is closed (expected: an open protocol)");
    }

    @Override
    public String toString() {
        return "InjvmProtocol[exported=" + exporters.size() + ", referred=" + invokers.size()
                + (closed.get() ? ", closed" : "") + "]";
    }
}
