package io.tern.cluster;

import io.tern.Invocation;
import io.tern.Invoker;
import io.tern.ServiceUrl;
import java.util.List;

/**
 * Narrows the providers a call may go to. Routers are stateless or own their state, never
 * return an invoker that was not given to them, and return the given list itself when they
 * keep everything.
 */
@FunctionalInterface
public interface Router {

    <T> List<Invoker<T>> route(List<Invoker<T>> invokers, ServiceUrl consumerUrl, Invocation invocation);

    /** Routers run lowest first. */
    default int priority() {
        return 0;
    }
}
