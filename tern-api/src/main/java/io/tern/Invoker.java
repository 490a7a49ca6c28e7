package io.tern;

import java.util.concurrent.CompletableFuture;

/**
 * Something that can run calls of one service: a local implementation, a remote provider, or a
 * cluster of them. Closing an invoker destroys it: new calls fail at once with
 * {@link RpcStatus#DESTROYED}, calls in flight complete, and the future returned by
 * {@link #closeAsync()} completes once they have and every resource the invoker owned is
 * released. {@link #url()} stays valid after close.
 *
 * <p>Whoever created an invoker (a protocol, a directory) owns it and closes it, unless it
 * handed ownership on, as to an {@link Exporter}.
 *
 * @param <T> the service interface
 */
public interface Invoker<T> extends AsyncCloseable {

    /** The service interface. */
    Class<T> type();

    /** The URL this invoker was made for; valid for the life of the object, also after close. */
    ServiceUrl url();

    /**
     * Runs a call. Never throws for a failed call: the future completes with a {@link Result}
     * (a value, or the exception the service threw) or fails with an {@link RpcException}.
     */
    CompletableFuture<Result> invoke(Invocation invocation);

    /** Whether the invoker takes calls now: not closed, and its provider reachable. */
    boolean isAvailable();

    /**
     * Whether the invoker cannot take calls yet but is about to: it is making its first
     * connection. A call made now waits for that attempt (at most its timeout); a cluster sends
     * calls to a connecting invoker only when none is {@linkplain #isAvailable() available}.
     */
    default boolean isConnecting() {
        return false;
    }

    /** Whether {@link #close()} has started. */
    boolean isDestroyed();
}
