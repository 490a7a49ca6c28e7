package io.tern.core.internal;

import static java.util.Objects.requireNonNull;

import io.tern.Filter;
import io.tern.Invocation;
import io.tern.Invoker;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.core.ForwardingInvoker;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An ordered list of {@link Filter}s, applied to invokers. Filters run lowest
 * {@link Filter#order()} first; equal orders keep the order they were given in. The chain is
 * built once per invoker, so a call costs one virtual call per filter and nothing else.
 */
public final class FilterChain {

    private static final FilterChain EMPTY = new FilterChain(List.of());

    private final List<Filter> filters;

    private FilterChain(List<Filter> filters) {
        this.filters = filters;
    }

    public static FilterChain of(List<? extends Filter> filters) {
        requireNonNull(filters, "filters");
        if (filters.isEmpty()) {
            return EMPTY;
        }
        List<Filter> sorted = new ArrayList<>(filters);
        sorted.forEach(f -> requireNonNull(f, "filter"));
        sorted.sort(Comparator.comparingInt(Filter::order)); // stable
        return new FilterChain(List.copyOf(sorted));
    }

    public static FilterChain of(Filter... filters) {
        return of(List.of(filters));
    }

    public static FilterChain empty() {
        return EMPTY;
    }

    /** The filters in the order they run. */
    public List<Filter> filters() {
        return filters;
    }

    /** This chain followed by another's filters, re-sorted by order. */
    public FilterChain andThen(FilterChain other) {
        List<Filter> all = new ArrayList<>(filters);
        all.addAll(other.filters);
        return of(all);
    }

    /**
     * Returns an invoker that runs calls through this chain and then {@code invoker}. The returned
     * invoker owns {@code invoker}: closing it closes {@code invoker}.
     */
    public <T> Invoker<T> wrap(Invoker<T> invoker) {
        requireNonNull(invoker, "invoker");
        if (filters.isEmpty()) {
            return invoker;
        }
        Invoker<T> next = invoker;
        for (int i = filters.size() - 1; i >= 0; i--) {
            next = new FilterNode<>(filters.get(i), next, invoker);
        }
        return next;
    }

    /** One filter and what follows it. Lifecycle calls go to the innermost invoker. */
    private static final class FilterNode<T> extends ForwardingInvoker<T> {
        private final Filter filter;
        private final Invoker<T> next;

        FilterNode(Filter filter, Invoker<T> next, Invoker<T> last) {
            super(last);
            this.filter = filter;
            this.next = next;
        }

        @Override
        public CompletableFuture<Result> invoke(Invocation invocation) {
            if (delegate().isDestroyed()) {
                return delegate().invoke(invocation); // fails fast, naming the service
            }
            try {
                CompletableFuture<Result> result = filter.invoke(next, invocation);
                if (result == null) {
                    return CompletableFuture.failedFuture(new RpcException(RpcStatus.INTERNAL,
                            "filter " + filter.getClass().getName() + " returned null (expected: a future)"));
                }
                return result;
            } catch (RpcException e) {
                return CompletableFuture.failedFuture(e);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(new RpcException(RpcStatus.INTERNAL,
                        "filter " + filter.getClass().getName() + " failed: " + e, e));
            }
        }

        @Override
        public String toString() {
            return "Filtered" + delegate();
        }
    }
}
