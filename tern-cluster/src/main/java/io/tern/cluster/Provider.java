package io.tern.cluster;

import static java.util.Objects.requireNonNull;

import io.tern.Invocation;
import io.tern.Invoker;
import io.tern.Result;
import io.tern.ServiceUrl;
import java.util.concurrent.CompletableFuture;

/**
 * One provider as a directory holds it: its invoker, and the {@link ProviderSettings} parsed once
 * from its URL for the load balancers and routers. Calls and close go to the invoker; the
 * directory that made the provider owns it.
 *
 * @param <T> the service interface
 */
public final class Provider<T> implements Invoker<T> {

    private final Invoker<T> invoker;
    private final ProviderSettings settings;

    private Provider(Invoker<T> invoker, ProviderSettings settings) {
        this.invoker = invoker;
        this.settings = settings;
    }

    /**
     * A provider with the settings its invoker's URL gives.
     *
     * @throws IllegalArgumentException when a setting does not parse, naming the provider and the key
     */
    public static <T> Provider<T> of(Invoker<T> invoker) {
        requireNonNull(invoker, "invoker");
        return new Provider<>(invoker, settings(invoker.url()));
    }

    public static <T> Provider<T> of(Invoker<T> invoker, ProviderSettings settings) {
        return new Provider<>(requireNonNull(invoker, "invoker"), requireNonNull(settings, "settings"));
    }

    /**
     * The settings of a provider URL.
     *
     * @throws IllegalArgumentException when a setting does not parse, naming the provider and the key
     */
    static ProviderSettings settings(ServiceUrl url) {
        try {
            return ProviderSettings.parse(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("provider " + url.address() + " of " + url.serviceKey() + ": "
                    + e.getMessage(), e);
        }
    }

    public Invoker<T> invoker() {
        return invoker;
    }

    public ProviderSettings settings() {
        return settings;
    }

    @Override
    public Class<T> type() {
        return invoker.type();
    }

    @Override
    public ServiceUrl url() {
        return invoker.url();
    }

    @Override
    public CompletableFuture<Result> invoke(Invocation invocation) {
        return invoker.invoke(invocation);
    }

    @Override
    public boolean isAvailable() {
        return invoker.isAvailable();
    }

    @Override
    public boolean isConnecting() {
        return invoker.isConnecting();
    }

    @Override
    public boolean isDestroyed() {
        return invoker.isDestroyed();
    }

    @Override
    public CompletableFuture<Void> closeAsync() {
        return invoker.closeAsync();
    }

    @Override
    public String toString() {
        return "Provider[" + invoker.url().address() + ", " + settings + "]";
    }
}
