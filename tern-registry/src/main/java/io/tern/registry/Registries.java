package io.tern.registry;

import static java.util.Objects.requireNonNull;

import io.tern.ServiceUrl;
import io.tern.core.lifecycle.LifecycleTracker;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/** Makes a registry from its URL. */
public final class Registries {

    private Registries() {
    }

    /**
     * {@code zookeeper://host:port[?backup=...]} connects to ZooKeeper; {@code embedded://[127.0.0.1[:port]]}
     * starts a ZooKeeper in this process (any free port unless one is given), or shares the one
     * already started here for that port, and connects to it;
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

    /**
     * The embedded servers of this process by the port asked for, 0 for "any": every
     * {@code embedded://} registry of one port shares one server, which stops when the last of
     * them closes. So two applications in one process — a provider and a consumer, each with
     * {@code embedded://} — find each other.
     */
    private static final Map<Integer, SharedServer> EMBEDDED = new HashMap<>();
    private static final ReentrantLock EMBEDDED_LOCK = new ReentrantLock();

    private static final class SharedServer {
        final int key;
        final EmbeddedZooKeeper server;
        int users;

        SharedServer(int key, EmbeddedZooKeeper server) {
            this.key = key;
            this.server = server;
        }

        void release() {
            EMBEDDED_LOCK.lock();
            try {
                if (--users > 0) {
                    return;
                }
                EMBEDDED.remove(key, this);
            } finally {
                EMBEDDED_LOCK.unlock();
            }
            server.close();
        }
    }

    private static SharedServer acquireEmbedded(int port) {
        EMBEDDED_LOCK.lock();
        try {
            SharedServer shared = EMBEDDED.get(port);
            if (shared == null) {
                shared = new SharedServer(port, EmbeddedZooKeeper.start(port));
                EMBEDDED.put(port, shared);
            }
            shared.users++;
            return shared;
        } finally {
            EMBEDDED_LOCK.unlock();
        }
    }

    /** How many embedded servers this process runs now. */
    static int embeddedServers() {
        EMBEDDED_LOCK.lock();
        try {
            return EMBEDDED.size();
        } finally {
            EMBEDDED_LOCK.unlock();
        }
    }

    private static Registry embedded(ServiceUrl url, LifecycleTracker tracker) {
        SharedServer shared = acquireEmbedded(url.port());
        try {
            // A fresh server on each start: a cache of its providers would only ever be stale.
            ZooKeeperRegistry registry = ZooKeeperRegistry.connect(url.toBuilder().protocol("zookeeper")
                    .address("127.0.0.1", shared.server.port()).parameter("file-cache", false).build(),
                    tracker);
            return new EmbeddedRegistry(registry, shared);
        } catch (RuntimeException e) {
            shared.release();
            throw e;
        }
    }

    /** A ZooKeeper registry holding a share of the embedded server it talks to, released last. */
    private record EmbeddedRegistry(ZooKeeperRegistry registry, SharedServer server) implements Registry {
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
        public Subscription subscribeCategory(ServiceUrl consumerUrl, String category, NotifyListener listener) {
            return registry.subscribeCategory(consumerUrl, category, listener);
        }

        @Override
        public ZooKeeperApplications applications() {
            return registry.applications();
        }

        @Override
        public CompletableFuture<Void> closeAsync() {
            return registry.closeAsync().whenComplete((a, b) -> server.release());
        }
    }
}
