package io.tern.cluster;

import io.tern.Invocation;
import io.tern.ServiceUrl;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/** Routers applied in order of priority, each to what the previous left. Immutable. */
public final class RouterChain {

    private static final RouterChain EMPTY = new RouterChain(List.of());

    private final List<Router> routers;

    private RouterChain(List<Router> routers) {
        this.routers = routers;
    }

    public static RouterChain of(List<? extends Router> routers) {
        if (routers.isEmpty()) {
            return EMPTY;
        }
        List<Router> sorted = new ArrayList<>(routers);
        sorted.sort(Comparator.comparingInt(Router::priority));
        return new RouterChain(List.copyOf(sorted));
    }

    public static RouterChain empty() {
        return EMPTY;
    }

    public List<Router> routers() {
        return routers;
    }

    public <T> List<Provider<T>> route(List<Provider<T>> providers, ServiceUrl consumerUrl, Invocation invocation) {
        return route(routers, providers, consumerUrl, invocation);
    }

    /** Which router left a call none of {@code providers}; null when some remain. */
    public <T> @Nullable String whyNone(List<Provider<T>> providers, ServiceUrl consumerUrl, Invocation invocation) {
        return whyNone(routers, providers, consumerUrl, invocation);
    }

    /** {@code routers} applied in their order, each to what the previous left, stopping when none is left. */
    static <T> List<Provider<T>> route(List<? extends Router> routers, List<Provider<T>> providers,
            ServiceUrl consumerUrl, Invocation invocation) {
        List<Provider<T>> current = providers;
        for (int i = 0; i < routers.size() && !current.isEmpty(); i++) {
            current = routers.get(i).route(current, consumerUrl, invocation);
        }
        return current;
    }

    /** Which of {@code routers}, applied in their order, left a call none of {@code providers}; null when some remain. */
    static <T> @Nullable String whyNone(List<? extends Router> routers, List<Provider<T>> providers,
            ServiceUrl consumerUrl, Invocation invocation) {
        List<Provider<T>> current = providers;
        for (Router router : routers) {
            List<Provider<T>> next = router.route(current, consumerUrl, invocation);
            if (next.isEmpty() && !current.isEmpty()) {
                return router.whyNone(current, consumerUrl, invocation);
            }
            current = next;
        }
        return null;
    }

    /** The providers that pass {@code keep}, in their order: {@code providers} itself when all do. */
    static <T> List<Provider<T>> filter(List<Provider<T>> providers, Predicate<Provider<T>> keep) {
        List<Provider<T>> result = null;
        for (int i = 0; i < providers.size(); i++) {
            Provider<T> provider = providers.get(i);
            boolean kept = keep.test(provider);
            if (!kept && result == null) {
                result = new ArrayList<>(providers.size());
                result.addAll(providers.subList(0, i));
            } else if (kept && result != null) {
                result.add(provider);
            }
        }
        return result == null ? providers : result;
    }
}
