package io.tern.cluster;

import io.tern.Invocation;
import io.tern.Invoker;
import java.util.Collection;
import java.util.List;

/**
 * Picks one of the invokers a call may go to. An instance belongs to one cluster invoker; any
 * state it keeps per invoker is dropped by {@link #retain} when invokers leave.
 */
public interface LoadBalancer {

    /** Picks from a non-empty list. */
    <T> Invoker<T> select(List<Invoker<T>> invokers, Invocation invocation);

    /** Keeps only state about these invokers. */
    default void retain(Collection<? extends Invoker<?>> live) {
    }

    /** How many invokers this balancer keeps state about; for lifecycle tests. */
    default int stateSize() {
        return 0;
    }
}
