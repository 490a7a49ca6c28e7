package io.tern.core;

import static java.util.Objects.requireNonNull;

import io.tern.Filter;
import io.tern.Invocation;
import io.tern.Invoker;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.RpcStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

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
        List<AutoCloseable> bound = new ArrayList<>();
        for (int i = filters.size() - 1; i >= 0; i--) {
            Filter filter = filters.get(i).bind(invoker);
            if (filter == null) {
                bound.forEach(FilterChain::closeQuietly);
                throw new IllegalStateException("filter " + filters.get(i).getClass().getName()
                        + " bound null to " + invoker.url() + " (expected: a filter)");
            }
            if (filter instanceof AutoCloseable closeable && filter != filters.get(i)) {
                bound.add(closeable);
            }
            next = new FilterNode<>(filter, next, invoker);
        }
        return bound.isEmpty() ? next : new Bound<>(next, invoker, List.copyOf(bound));
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(FilterChain.class).warn("closing filter {} failed", closeable, e);
        }
    }

    /**
     * The head of a chain whose filters were made for its invoker: they are closed once the
     * invoker has closed.
     */
    private static final class Bound<T> extends ForwardingInvoker<T> {
        private final Invoker<T> head;
        private final List<AutoCloseable> filters;
        private @Nullable CompletableFuture<Void> closing;

        Bound(Invoker<T> head, Invoker<T> last, List<AutoCloseable> filters) {
            super(last);
            this.head = head;
            this.filters = filters;
        }

        @Override
        public CompletableFuture<Result> invoke(Invocation invocation) {
            return head.invoke(invocation);
        }

        @Override
        public synchronized CompletableFuture<Void> closeAsync() {
            CompletableFuture<Void> c = closing;
            if (c == null) {
                c = delegate().closeAsync().whenComplete((ignored, failure) -> filters.forEach(FilterChain::closeQuietly));
                closing = c;
            }
            return c;
        }

        @Override
        public String toString() {
            return head.toString();
        }
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
