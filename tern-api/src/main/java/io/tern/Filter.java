package io.tern;

import java.util.concurrent.CompletableFuture;

/**
 * A step in the chain a call passes through, on the consumer side before it leaves, or on the
 * provider side before it reaches the service. A filter may change the invocation's
 * attachments, answer the call itself, or pass it on with {@code next.invoke(invocation)} and
 * act on the result. Filters are stateless or own their state; they do not own {@code next}.
 */
@FunctionalInterface
public interface Filter {

    CompletableFuture<Result> invoke(Invoker<?> next, Invocation invocation);

    /** The filter's place in its chain: lower runs first (outermost). Equal orders keep registration order. */
    default int order() {
        return 0;
    }

    /**
     * The filter to run for one invoker's calls, made once when a chain wraps that invoker: a
     * filter that keeps state per service (meters found once per method, say) returns one of its
     * own; by default this filter serves every invoker. A filter returned here that is
     * {@link AutoCloseable} is closed when its invoker is closed through the chain.
     */
    default Filter bind(Invoker<?> invoker) {
        return this;
    }
}
