package io.tern.registry;

import io.tern.AsyncCloseable;
import io.tern.ServiceUrl;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Where providers announce themselves and consumers find them. A registry owns what it
 * registered and the subscriptions made through it: closing it unregisters the one and cancels
 * the other.
 */
public interface Registry extends AsyncCloseable {

    /** The registry's own URL. */
    ServiceUrl url();

    /** Whether the registry reaches its servers now; an in-process registry always does. */
    default boolean isConnected() {
        return true;
    }

    /** Announces a provider ({@code side=provider}) or a consumer ({@code side=consumer}). */
    void register(ServiceUrl url);

    void unregister(ServiceUrl url);

    /**
     * Delivers the full provider list of the service {@code consumerUrl} names now and after every
     * change, until the subscription is closed. An empty list arrives as one {@code empty://} URL.
     */
    Subscription subscribe(ServiceUrl consumerUrl, NotifyListener listener);

    /** The providers of the service {@code consumerUrl} names, now. */
    List<ServiceUrl> lookup(ServiceUrl consumerUrl);

    /**
     * Delivers the URLs under another category of the service {@code consumerUrl} names
     * ({@code configurators}, {@code routers}: the rules Dubbo's legacy forms keep there) now and
     * after every change, as they are, until the subscription is closed; a registry without
     * categories has none and tells an empty list once.
     */
    default Subscription subscribeCategory(ServiceUrl consumerUrl, String category, NotifyListener listener) {
        listener.notify(List.of());
        return () -> { };
    }

    /**
     * Apache Dubbo 3's application level over this registry's connection (instances, the
     * mapping, the config center, the metadata report), when it has one, as a ZooKeeper registry
     * does; null otherwise.
     */
    default @Nullable ZooKeeperApplications applications() {
        return null;
    }

    /** Receives provider lists. Must not block. */
    @FunctionalInterface
    interface NotifyListener {
        void notify(List<ServiceUrl> providers);
    }

    /** A subscription; closing it stops notifications and releases what watched for them. */
    @FunctionalInterface
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
