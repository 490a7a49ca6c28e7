package io.tern.bootstrap;

import static java.util.Objects.requireNonNull;

import io.tern.ServiceUrl;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.registry.Registries;
import io.tern.registry.Registry;
import io.tern.transport.ClientOptions;
import io.tern.transport.DubboProtocol;
import org.jspecify.annotations.Nullable;

/** Declares a consumer application; {@link #build()} makes the client references come from. */
public final class TernClientBuilder {

    String application = "tern-application";
    String host = "127.0.0.1";
    @Nullable ServiceUrl registryUrl;
    @Nullable Registry registry;
    ClientOptions clientOptions = ClientOptions.DEFAULT;
    LifecycleTracker tracker = LifecycleTracker.global();

    TernClientBuilder() {
    }

    public TernClientBuilder application(String application) {
        this.application = requireNonNull(application, "application");
        return this;
    }

    /** The address the client registers itself under as a consumer; 127.0.0.1 by default. */
    public TernClientBuilder host(String host) {
        this.host = requireNonNull(host, "host");
        return this;
    }

    /** A registry the client connects to, and closes when it closes. */
    public TernClientBuilder registry(String url) {
        this.registryUrl = ServiceUrl.parse(requireNonNull(url, "url"));
        this.registry = null;
        return this;
    }

    /** A registry the client uses but does not own. */
    public TernClientBuilder registry(Registry registry) {
        this.registry = requireNonNull(registry, "registry");
        this.registryUrl = null;
        return this;
    }

    public TernClientBuilder clientOptions(ClientOptions options) {
        this.clientOptions = requireNonNull(options, "options");
        return this;
    }

    /** The tracker everything this client makes registers with; the global one by default. */
    public TernClientBuilder tracker(LifecycleTracker tracker) {
        this.tracker = requireNonNull(tracker, "tracker");
        return this;
    }

    public TernClient build() {
        Registry owned = registryUrl != null ? Registries.connect(registryUrl, tracker) : null;
        DubboProtocol protocol = DubboProtocol.builder().clientOptions(clientOptions).tracker(tracker).build();
        return new TernClient(this, protocol, registry != null ? registry : owned, owned != null);
    }
}
