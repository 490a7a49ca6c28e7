package io.tern.registry;

import static java.util.Objects.requireNonNull;

import io.tern.ServiceUrl;
import io.tern.core.lifecycle.LifecycleTracker;
import java.util.concurrent.CompletableFuture;

/** Makes a registry from its URL. */
public final class Registries {

    private Registries() {
    }

    /**
     * {@code zookeeper://host:port[?backup=...]} connects to ZooKeeper; {@code embedded://[127.0.0.1[:port]]}
     * starts a ZooKeeper in this process (any free port unless one is given) and connects to it;
     * {@code injvm://} is a registry for this process only.
     *
     * @throws IllegalArgumentException for another protocol, naming the known ones
     */
    public static Registry connect(ServiceUrl url) {
        return connect(url, LifecycleTracker.global());
    }

    /** As {@link #connect(ServiceUrl)}, registering with {@code tracker}. */
    public static Registry connect(ServiceUrl url, LifecycleTracker tracker) {
        requireNonNull(url, "url");
        requireNonNull(tracker, "tracker");
        return switch (url.protocol()) {
            case "zookeeper" -> ZooKeeperRegistry.connect(url, tracker);
            case "embedded" -> embedded(url, tracker);
            case "injvm" -> new InJvmRegistry();
            default -> throw new IllegalArgumentException("registry: '" + url.protocol() + "://' in " + url
                    + " (expected: zookeeper://, embedded:// or injvm://)");
        };
    }

    private static Registry embedded(ServiceUrl url, LifecycleTracker tracker) {
        EmbeddedZooKeeper server = EmbeddedZooKeeper.start(url.port());
        try {
            // A fresh server on each start: a cache of its providers would only ever be stale.
            ZooKeeperRegistry registry = ZooKeeperRegistry.connect(url.toBuilder().protocol("zookeeper")
                    .address("127.0.0.1", server.port()).parameter("file-cache", false).build(),
                    tracker);
            return new EmbeddedRegistry(registry, server);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** A ZooKeeper registry that owns the embedded server it talks to and stops it last. */
    private record EmbeddedRegistry(ZooKeeperRegistry registry, EmbeddedZooKeeper server) implements Registry {
        @Override
        public ServiceUrl url() {
            return registry.url();
        }

        @Override
        public boolean isConnected() {
            return registry.isConnected();
        }

        @Override
        public void register(ServiceUrl url) {
            registry.register(url);
        }

        @Override
        public void unregister(ServiceUrl url) {
            registry.unregister(url);
        }

        @Override
        public Subscription subscribe(ServiceUrl consumerUrl, NotifyListener listener) {
            return registry.subscribe(consumerUrl, listener);
        }

        @Override
        public java.util.List<ServiceUrl> lookup(ServiceUrl consumerUrl) {
            return registry.lookup(consumerUrl);
        }

        @Override
        public CompletableFuture<Void> closeAsync() {
            return registry.closeAsync().whenComplete((a, b) -> server.close());
        }
    }
}
