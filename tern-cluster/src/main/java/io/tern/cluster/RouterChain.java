package io.tern.cluster;

import io.tern.Invocation;
import io.tern.ServiceUrl;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
        List<Provider<T>> current = providers;
        for (Router router : routers) {
            current = router.route(current, consumerUrl, invocation);
            if (current.isEmpty()) {
                break;
            }
        }
        return current;
    }

    /** Which router left a call none of {@code providers}; null when some remain. */
    public <T> @Nullable String whyNone(List<Provider<T>> providers, ServiceUrl consumerUrl, Invocation invocation) {
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
}
