package io.tern.cluster;

import static java.util.Objects.requireNonNull;

import io.tern.Invoker;
import io.tern.ServiceUrl;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A fixed list of invokers. Owns them: closing the directory closes every one.
 *
 * @param <T> the service interface
 */
public final class StaticDirectory<T> implements Directory<T> {

    private static final java.time.Duration GRACE = java.time.Duration.ofSeconds(10);

    private final Class<T> type;
    private final ServiceUrl consumerUrl;
    private final List<Invoker<T>> invokers;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

    private StaticDirectory(Class<T> type, ServiceUrl consumerUrl, List<Invoker<T>> invokers) {
        this.type = type;
        this.consumerUrl = consumerUrl;
        this.invokers = List.copyOf(invokers);
    }

    /** A directory of these invokers, which it now owns. */
    public static <T> StaticDirectory<T> of(Class<T> type, ServiceUrl consumerUrl, List<? extends Invoker<T>> invokers) {
        requireNonNull(type, "type");
        requireNonNull(consumerUrl, "consumerUrl");
        requireNonNull(invokers, "invokers");
        return new StaticDirectory<>(type, consumerUrl, List.copyOf(invokers));
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
    public List<Invoker<T>> invokers() {
        return invokers;
    }

    @Override
    public Subscription onChange(Consumer<List<Invoker<T>>> listener) {
        return () -> { };
    }

    @Override
    public CompletableFuture<Void> closeAsync() {
        if (closed.compareAndSet(false, true)) {
            // Calls in flight get a grace period to finish; closing does not wait for them longer.
            CompletableFuture.allOf(invokers.stream()
                            .map(i -> GracefulClose.close(i, GRACE, consumerUrl.serviceKey()))
                            .toArray(CompletableFuture<?>[]::new))
                    .whenComplete((a, b) -> closeFuture.complete(null));
        }
        return closeFuture;
    }
}
