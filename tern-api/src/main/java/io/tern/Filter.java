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
}
