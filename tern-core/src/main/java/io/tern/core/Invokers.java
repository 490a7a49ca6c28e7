package io.tern.core;

import static java.util.Objects.requireNonNull;

import io.tern.Invoker;
import io.tern.ServiceUrl;
import io.tern.core.lifecycle.LifecycleTracker;

/** Makes invokers over service implementations. */
public final class Invokers {

    private Invokers() {
    }

    /**
     * Returns an invoker that runs calls on {@code implementation}, through cached method handles.
     * It answers {@code $echo} and generic {@code $invoke} calls too. It does not own the
     * implementation.
     *
     * @throws IllegalArgumentException if {@code type} is not an interface or the implementation does not implement it
     */
    public static <T> Invoker<T> of(Class<T> type, T implementation, ServiceUrl url) {
        return of(type, implementation, url, LifecycleTracker.global());
    }

    /** {@link #of(Class, Object, ServiceUrl)}, registered with the given tracker. */
    public static <T> Invoker<T> of(Class<T> type, T implementation, ServiceUrl url, LifecycleTracker tracker) {
        requireNonNull(type, "type");
        requireNonNull(implementation, "implementation");
        requireNonNull(url, "url");
        if (!type.isInterface()) {
            throw new IllegalArgumentException("type: " + type.getName() + " (expected: an interface)");
        }
        if (!type.isInstance(implementation)) {
            throw new IllegalArgumentException("implementation: a " + implementation.getClass().getName()
                    + " (expected: an implementation of " + type.getName() + ")");
        }
        return new ServiceImplInvoker<>(type, implementation, url, tracker);
    }
}
