package io.tern.cluster;

import static java.util.Objects.requireNonNull;

import io.tern.Invoker;
import io.tern.ServiceUrl;
import io.tern.core.ForwardingInvoker;

/**
 * One provider as a directory holds it: its invoker, and the {@link ProviderSettings} parsed once
 * from its URL for the load balancers and routers. Calls and close go to the invoker; the
 * directory that made the provider owns it.
 *
 * @param <T> the service interface
 */
public final class Provider<T> extends ForwardingInvoker<T> {

    private final ProviderSettings settings;

    private Provider(Invoker<T> invoker, ProviderSettings settings) {
        super(invoker);
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
        return delegate();
    }

    public ProviderSettings settings() {
        return settings;
    }

    @Override
    public String toString() {
        return "Provider[" + url().address() + ", " + settings + "]";
    }
}
