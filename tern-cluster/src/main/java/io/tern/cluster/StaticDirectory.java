package io.tern.cluster;

import static java.util.Objects.requireNonNull;

import io.tern.Invoker;
import io.tern.ServiceUrl;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A fixed list of providers. Owns their invokers: closing the directory closes every one.
 *
 * @param <T> the service interface
 */
public final class StaticDirectory<T> implements Directory<T> {

    private final Class<T> type;
    private final ServiceUrl consumerUrl;
    private final List<Provider<T>> providers;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

    private StaticDirectory(Class<T> type, ServiceUrl consumerUrl, List<Provider<T>> providers) {
        this.type = type;
        this.consumerUrl = consumerUrl;
        this.providers = providers;
    }

    /**
     * A directory of these invokers, which it now owns.
     *
     * @throws IllegalArgumentException when a provider's settings do not parse, naming it and the key
     */
    public static <T> StaticDirectory<T> of(Class<T> type, ServiceUrl consumerUrl, List<? extends Invoker<T>> invokers) {
        requireNonNull(type, "type");
        requireNonNull(consumerUrl, "consumerUrl");
        requireNonNull(invokers, "invokers");
        List<Provider<T>> providers = new java.util.ArrayList<>(invokers.size());
        for (Invoker<T> invoker : invokers) {
            providers.add(invoker instanceof Provider<T> p ? p : Provider.of(invoker));
        }
        return new StaticDirectory<>(type, consumerUrl, List.copyOf(providers));
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
        return providers;
    }

    @Override
    public Subscription onChange(Consumer<List<Provider<T>>> listener) {
        return () -> { };
    }

    @Override
    public CompletableFuture<Void> closeAsync() {
        if (closed.compareAndSet(false, true)) {
            // Calls in flight get a grace period to finish; closing does not wait for them longer.
            CompletableFuture.allOf(providers.stream()
                            .map(i -> GracefulClose.close(i, DEFAULT_GRACE, consumerUrl.serviceKey()))
                            .toArray(CompletableFuture<?>[]::new))
                    .whenComplete((a, b) -> closeFuture.complete(null));
        }
        return closeFuture;
    }
}
