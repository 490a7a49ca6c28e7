package io.tern.cluster;

import io.tern.Invocation;
import java.util.Collection;
import java.util.List;

/**
 * Picks one of the providers a call may go to. An instance belongs to one cluster invoker; any
 * state it keeps per provider is dropped by {@link #retain} when providers leave. Implementations
 * are made by a {@link LoadBalancerFactory}, by name.
 */
public interface LoadBalancer {

    /** Picks from a non-empty list. */
    <T> Provider<T> select(List<Provider<T>> providers, Invocation invocation);

    /** Keeps only state about these providers. */
    default void retain(Collection<? extends Provider<?>> live) {
    }
}
