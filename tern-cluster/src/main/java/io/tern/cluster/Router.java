package io.tern.cluster;

import io.tern.Invocation;
import io.tern.ServiceUrl;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Narrows the providers a call may go to. Routers are stateless or own their state, never
 * return a provider that was not given to them, and return the given list itself when they
 * keep everything.
 */
@FunctionalInterface
public interface Router {

    <T> List<Provider<T>> route(List<Provider<T>> providers, ServiceUrl consumerUrl, Invocation invocation);

    /** Routers run lowest first. */
    default int priority() {
        return 0;
    }

    /**
     * What left a call no provider, when this router, given {@code providers}, leaves none; null
     * when it leaves some. For the call's error, so it is not on the path of a call that succeeds.
     */
    default <T> @Nullable String whyNone(List<Provider<T>> providers, ServiceUrl consumerUrl, Invocation invocation) {
        return route(providers, consumerUrl, invocation).isEmpty() ? toString() : null;
    }
}
