package io.tern.cluster;

import io.tern.AsyncCloseable;
import io.tern.ServiceUrl;
import java.util.List;
import java.util.function.Consumer;

/**
 * The providers of one service. The list is an immutable snapshot, replaced whole
 * when the providers change, so a caller that read it sees a consistent list. A directory owns
 * its invokers: it closes those it drops, and all of them when it is closed.
 *
 * @param <T> the service interface
 */
public interface Directory<T> extends AsyncCloseable {

    /** How long the invoker of a provider that leaves, or of a closed directory, may finish its calls unless told otherwise. */
    java.time.Duration DEFAULT_GRACE = java.time.Duration.ofSeconds(10);

    Class<T> type();

    /** The consumer's URL: its parameters configure routing and load balancing. */
    ServiceUrl consumerUrl();

    /** The current providers; never {@code null}, possibly empty. */
    List<Provider<T>> providers();

    /**
     * Why there are no providers, when whoever lists them said (no application maps the
     * interface, say), for the error of a call that found none; null otherwise.
     */
    default @org.jspecify.annotations.Nullable String whyEmpty() {
        return null;
    }

    /**
     * Calls {@code listener} with each new snapshot, until the returned handle is closed or the
     * directory is. The listener must not block.
     */
    Subscription onChange(Consumer<List<Provider<T>>> listener);

    /** A registration that can be cancelled. */
    @FunctionalInterface
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
