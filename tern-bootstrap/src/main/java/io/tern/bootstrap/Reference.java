package io.tern.bootstrap;

import static java.util.Objects.requireNonNull;

import io.tern.AsyncCloseable;
import io.tern.ServiceUrl;
import io.tern.core.Proxies;

/**
 * A reference to a service, made by {@link TernClient#reference}: {@link #get()} is the proxy
 * to call it through. Closing the reference releases what it made — its share of the invoker,
 * and with the last share the directory, the subscription, the consumer registration and the
 * connections — and removes it from its client; its proxy's calls then fail with
 * {@link io.tern.RpcStatus#DESTROYED}. Closing the client closes the references still open.
 *
 * @param <T> the service interface
 */
public interface Reference<T> extends AsyncCloseable {

    /** The proxy; the same object every time. */
    T get();

    /** The service interface. */
    Class<T> type();

    /** The URL the reference was made with: the provider's for a direct one, the consumer's otherwise. */
    ServiceUrl url();

    /** Whether {@link #close()} has started. */
    boolean isClosed();

    /**
     * The reference behind a proxy that {@link #get()} returned.
     *
     * @throws IllegalArgumentException if the object is not such a proxy
     */
    @SuppressWarnings("unchecked")
    static <T> Reference<T> of(T proxy) {
        requireNonNull(proxy, "proxy");
        if (Proxies.invoker(proxy) instanceof Reference<?> reference) {
            return (Reference<T>) reference;
        }
        throw new IllegalArgumentException("proxy: " + proxy.getClass().getName()
                + " (expected: a proxy returned by Reference.get())");
    }
}
