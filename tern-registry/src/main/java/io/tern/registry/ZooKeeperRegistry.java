package io.tern.registry;

import static java.util.Objects.requireNonNull;

import io.tern.HostPort;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A registry on ZooKeeper, through Apache Curator, in exactly the layout Apache Dubbo uses for
 * interface-level discovery: {@code /dubbo/{interface}/providers/{URL-encoded URL}} as ephemeral
 * nodes (and {@code consumers/}), so Tern and Dubbo find each other.
 *
 * <p>Registry URL: {@code zookeeper://host:port?backup=h2:p2,h3:p3}, with {@code group} (the root
 * node, {@code dubbo} by default), {@code session} (session timeout, ms), {@code timeout}
 * (connection timeout, ms), and {@code user:password@} for digest authentication.
 *
 * <p>After a session expiry it registers its URLs again and watches anew. While ZooKeeper is
 * unreachable nothing is notified, so consumers keep their last providers. Every provider list it
 * reads is also saved to a local cache file ({@code file}, see {@link RegistryCache}; off with
 * {@code file-cache=false}): when ZooKeeper cannot be reached at start and that file holds
 * providers (or {@code check=false}), the registry starts disconnected, subscriptions are served
 * from the file, registrations wait, and all of it catches up once ZooKeeper answers.
 *
 * <p>Owns its Curator client, registrations and watchers; closing removes its nodes and watchers
 * and closes the client.
 */
public final class ZooKeeperRegistry implements Registry {

    private static final Logger log = LoggerFactory.getLogger(ZooKeeperRegistry.class);

    private final ServiceUrl url;
    private final String root;
    private final CuratorFramework client;
    private final Set<ServiceUrl> registered = ConcurrentHashMap.newKeySet();
    /** Unregistered while ZooKeeper was unreachable: deleted when it answers. */
    private final Set<ServiceUrl> unregistering = ConcurrentHashMap.newKeySet();
    /**
     * Held while a URL's node is made or deleted: a registration made again after reconnecting
     * must not bring back a URL unregistered meanwhile, nor a deletion miss one registered again.
     */
    private final ReentrantLock nodes = new ReentrantLock();
    private final Set<ZkSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private final @Nullable RegistryCache cache;
    private final LifecycleTracker.Tracked tracked;
    private final ZooKeeperApplications applications;

    private ZooKeeperRegistry(ServiceUrl url, CuratorFramework client, String root, @Nullable RegistryCache cache,
            LifecycleTracker tracker) {
        this.url = url;
        this.client = client;
        this.root = root;
        this.cache = cache;
        this.tracked = tracker.track(ResourceKind.REGISTRY, url);
        this.applications = new ZooKeeperApplications(client, url, root);
    }

    /** Application-level discovery over this registry's session: instances and the service-name mapping. */
    @Override
    public ZooKeeperApplications applications() {
        return applications;
    }

    /**
     * Connects, waiting up to the connection timeout for the first session. When none comes, the
     * registry starts disconnected if its cache file holds providers or the URL says
     * {@code check=false}, and keeps trying in the background.
     *
     * @throws RpcException {@link RpcStatus#NETWORK} naming the addresses when ZooKeeper cannot be
     *     reached and there is nothing to start from
     */
    public static ZooKeeperRegistry connect(ServiceUrl registryUrl) {
        return connect(registryUrl, LifecycleTracker.global());
    }

    public static ZooKeeperRegistry connect(ServiceUrl registryUrl, LifecycleTracker tracker) {
        return connect(registryUrl, tracker, null);
    }

    /**
     * Connects with ZooKeeper client settings of its own ({@link ZooKeeperTls#clientConfig} for
     * TLS); {@code null} takes ZooKeeper's, from its {@code zookeeper.*} system properties.
     */
    public static ZooKeeperRegistry connect(ServiceUrl registryUrl, LifecycleTracker tracker,
            org.apache.zookeeper.client.@Nullable ZKClientConfig clientConfig) {
        requireNonNull(registryUrl, "registryUrl");
        String addresses = registryUrl.allAddresses().stream().map(HostPort::toString).collect(Collectors.joining(","));
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("registry: " + registryUrl + " (expected: zookeeper://host:port)");
        }
        int session = registryUrl.intParameter("session", 60_000);
        int timeout = registryUrl.intParameter("timeout", 30_000);
        String group = registryUrl.parameter("group", "dubbo");
        String root = "/" + (group.startsWith("/") ? group.substring(1) : group);
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString(addresses)
                .sessionTimeoutMs(session)
                .connectionTimeoutMs(timeout)
                .retryPolicy(new ExponentialBackoffRetry(200, 10, 5_000));
        if (clientConfig != null) {
            builder.zkClientConfig(clientConfig);
        }
        if (registryUrl.username() != null) {
            String auth = registryUrl.username() + ":" + (registryUrl.password() == null ? "" : registryUrl.password());
            builder.authorization("digest", auth.getBytes(StandardCharsets.UTF_8));
        }
        CuratorFramework client = builder.build();
        RegistryCache cache = RegistryCache.forUrl(registryUrl);
        ZooKeeperRegistry registry = new ZooKeeperRegistry(registryUrl, client, root, cache, tracker);
        client.getConnectionStateListenable().addListener((c, state) -> registry.stateChanged(state));
        client.start();
        try {
            if (!client.blockUntilConnected(timeout, TimeUnit.MILLISECONDS)) {
                boolean cached = cache != null && cache.hasEntries();
                if (!cached && registryUrl.booleanParameter("check", true)) {
                    registry.close();
                    // check=false starts without ZooKeeper; not offered to whoever asked for check=true
                    throw new RpcException(RpcStatus.NETWORK, "registry: cannot reach ZooKeeper at " + addresses
                            + " within " + timeout + " ms (expected: a running ZooKeeper"
                            + (registryUrl.parameter("check") == null ? ", or check=false)" : ")"));
                }
                log.warn("registry: cannot reach ZooKeeper at {} within {} ms; starting {}, catching up when it"
                        + " answers", addresses, timeout,
                        cached && cache != null ? "from the cache " + cache.file() : "empty");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            registry.close();
            throw new RpcException(RpcStatus.NETWORK, "registry: interrupted connecting to " + addresses, e);
        }
        return registry;
    }

    private boolean connected() {
        return client.getZookeeperClient().isConnected();
    }

    @Override
    public boolean isConnected() {
        return !closed.get() && connected();
    }

    @Override
    public ServiceUrl url() {
        return url;
    }

    /** The path of a URL's node: {@code /dubbo/{interface}/{category}/{encoded URL}}. */
    String path(ServiceUrl url) {
        return categoryPath(url.interfaceName(), category(url)) + "/" + url.toEncodedString();
    }

    String categoryPath(String interfaceName, String category) {
        return root + "/" + interfaceName + "/" + category;
    }

    private static String category(ServiceUrl url) {
        String category = url.category();
        if (!category.isEmpty()) {
            return category;
        }
        return "consumer".equals(url.side()) || "consumer".equals(url.protocol()) ? "consumers" : "providers";
    }

    /**
     * Creates the URL's node; while ZooKeeper is unreachable the URL is kept and registered once it
     * answers.
     *
     * @throws RpcException {@link RpcStatus#NETWORK} when ZooKeeper answers but refuses the node
     */
    @Override
    public void register(ServiceUrl url) {
        requireNonNull(url, "url");
        checkOpen();
        RegistryUrls.checkSize(url);
        nodes.lock();
        try {
            registered.add(url);
            unregistering.remove(url);
            if (!connected()) {
                log.warn("registry: ZooKeeper at {} is unreachable; {} is registered when it answers",
                        this.url.address(), url.serviceKey());
                return;
            }
            try {
                create(url);
            } catch (RpcException e) {
                registered.remove(url);
                throw e;
            }
        } finally {
            nodes.unlock();
        }
    }

    private void create(ServiceUrl url) {
        String path = path(url);
        try {
            try {
                client.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path);
            } catch (KeeperException.NodeExistsException e) {
                // Left by an earlier session of ours that has not expired yet: take it over.
                client.delete().quietly().forPath(path);
                client.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path);
            }
        } catch (Exception e) {
            throw new RpcException(RpcStatus.NETWORK, "registry: cannot register " + url.address() + " for "
                    + url.serviceKey() + " at " + this.url.address() + ": " + e, e);
        }
    }

    /** Deletes the URL's node; while ZooKeeper is unreachable, once it answers. */
    @Override
    public void unregister(ServiceUrl url) {
        requireNonNull(url, "url");
        nodes.lock();
        try {
            registered.remove(url);
            if (!connected()) {
                unregistering.add(url);
                return;
            }
            delete(url);
        } finally {
            nodes.unlock();
        }
    }

    private void delete(ServiceUrl url) {
        try {
            client.delete().quietly().forPath(path(url));
            unregistering.remove(url);
        } catch (Exception e) {
            unregistering.add(url);
            log.warn("registry: cannot unregister {} for {} yet: {}", url.address(), url.serviceKey(), e.toString());
        }
    }

    @Override
    public Subscription subscribe(ServiceUrl consumerUrl, NotifyListener listener) {
        return subscribe(consumerUrl, "providers", listener);
    }

    /**
     * Tells {@code listener} the URLs under {@code category} of {@code consumerUrl}'s interface
     * ({@code configurators} or {@code routers}: the rules Dubbo's legacy forms and dubbo-admin
     * write there, {@code /dubbo/<interface>/<category>}) now and after every change, as they are:
     * no matching and no cache file. The watch goes when the subscription closes.
     */
    @Override
    public Subscription subscribeCategory(ServiceUrl consumerUrl, String category, NotifyListener listener) {
        return subscribe(consumerUrl, requireNonNull(category, "category"), listener);
    }

    /** A watch of {@code category} of the consumer's interface; providers are matched and cached. */
    private Subscription subscribe(ServiceUrl consumerUrl, String category, NotifyListener listener) {
        requireNonNull(consumerUrl, "consumerUrl");
        requireNonNull(listener, "listener");
        checkOpen();
        ZkSubscription subscription = new ZkSubscription(consumerUrl, listener,
                categoryPath(consumerUrl.interfaceName(), category), category.equals("providers"));
        subscriptions.add(subscription);
        subscription.refresh();
        return subscription;
    }

    @Override
    public List<ServiceUrl> lookup(ServiceUrl consumerUrl) {
        try {
            return RegistryUrls.matching(consumerUrl, decode(client.getChildren()
                    .forPath(categoryPath(consumerUrl.interfaceName(), "providers"))));
        } catch (KeeperException.NoNodeException e) {
            return RegistryUrls.matching(consumerUrl, List.of());
        } catch (Exception e) {
            throw new RpcException(RpcStatus.NETWORK, "registry: cannot look up " + consumerUrl.serviceKey() + ": " + e, e);
        }
    }

    private static List<ServiceUrl> decode(List<String> children) {
        return decode(children, Map.of(), new HashMap<>());
    }

    /**
     * The URLs of {@code children}: those {@code known} holds taken from it, the others parsed;
     * each put in {@code into} by its node name.
     */
    private static List<ServiceUrl> decode(List<String> children, Map<String, ServiceUrl> known,
            Map<String, ServiceUrl> into) {
        List<ServiceUrl> urls = new ArrayList<>(children.size());
        for (String child : children) {
            ServiceUrl seen = known.get(child);
            if (seen != null) {
                urls.add(seen);
                into.put(child, seen);
                continue;
            }
            if (child.length() > RegistryUrls.MAX_URL_LENGTH) {
                log.warn("registry: skipping a node of {} characters (expected: <= {})", child.length(),
                        RegistryUrls.MAX_URL_LENGTH);
                continue;
            }
            try {
                ServiceUrl url = ServiceUrl.parseEncoded(child);
                urls.add(url);
                into.put(child, url);
            } catch (IllegalArgumentException e) {
                log.warn("registry: skipping a node that is not a URL: {}", e.getMessage());
            }
        }
        return urls;
    }

    /** Dubbo's nodes under the root that are not services: the mapping, the config center, remote metadata. */
    private static final Set<String> NOT_SERVICES = Set.of("mapping", "config", "metadata");

    /** Services with providers under the root; for {@code tern ls}. */
    public List<String> services() {
        try {
            return client.getChildren().forPath(root).stream().filter(child -> !NOT_SERVICES.contains(child)).toList();
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        } catch (Exception e) {
            throw new RpcException(RpcStatus.NETWORK, "registry: cannot list services: " + e, e);
        }
    }

    /** The URLs registered under a service's category ({@code providers}, {@code consumers}). */
    public List<ServiceUrl> registered(String interfaceName, String category) {
        try {
            return decode(client.getChildren().forPath(categoryPath(interfaceName, category)));
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        } catch (Exception e) {
            throw new RpcException(RpcStatus.NETWORK, "registry: cannot list " + category + " of " + interfaceName
                    + ": " + e, e);
        }
    }

    private void stateChanged(ConnectionState state) {
        if ((state == ConnectionState.CONNECTED || state == ConnectionState.RECONNECTED) && !closed.get()) {
            // The session may have expired meanwhile, taking our ephemeral nodes and watches; a
            // node can also outlive its session for a while, owned by the old one, and vanish later.
            for (ServiceUrl url : List.copyOf(unregistering)) {
                nodes.lock();
                try {
                    if (unregistering.contains(url) && !registered.contains(url)) {
                        delete(url);
                    }
                } finally {
                    nodes.unlock();
                }
            }
            for (ServiceUrl url : List.copyOf(registered)) {
                nodes.lock();
                try {
                    if (!registered.contains(url)) {
                        continue; // unregistered since the list was taken
                    }
                    Stat stat = client.checkExists().forPath(path(url));
                    long session = client.getZookeeperClient().getZooKeeper().getSessionId();
                    if (stat == null || stat.getEphemeralOwner() != session) {
                        create(url);
                        log.info("registry: registered {} again after reconnecting", url.serviceKey());
                    }
                } catch (Exception e) {
                    log.warn("registry: cannot register {} again: {}", url.serviceKey(), e.toString());
                } finally {
                    nodes.unlock();
                }
            }
            applications.reconnected();
            subscriptions.forEach(ZkSubscription::refresh);
        }
    }

    /** Registrations, pending unregistrations and subscriptions now; for lifecycle tests. */
    public int size() {
        return registered.size() + unregistering.size() + subscriptions.size() + applications.size();
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("registry " + url.address() + " is closed (expected: an open registry)");
        }
    }

    /**
     * Stops at once — no new registrations or subscriptions, no more notifications — and removes
     * its nodes and watches and closes the client in the background, since each of those waits for
     * ZooKeeper: the future completes when they are done.
     */
    @Override
    public CompletableFuture<Void> closeAsync() {
        if (!closed.compareAndSet(false, true)) {
            return closeFuture;
        }
        tracked.destroyed(this);
        List<ZkSubscription> watching = new ArrayList<>(subscriptions);
        watching.forEach(ZkSubscription::deactivate);
        Thread closer = new Thread(() -> {
            try {
                watching.forEach(ZkSubscription::close);
                boolean reachable = connected();
                if (reachable) {
                    registered.forEach(this::delete);
                } // else the nodes go when the session does
                applications.close(reachable);
                if (cache != null) {
                    cache.close();
                }
                registered.clear();
                unregistering.clear();
                client.close();
            } catch (RuntimeException e) {
                log.warn("registry: closing {}: {}", url.address(), e.toString());
            } finally {
                closeFuture.complete(null);
            }
        }, "tern-registry-close-" + url.address());
        closer.setDaemon(true);
        closer.start();
        return closeFuture;
    }

    /**
     * One consumer's watch on a service's providers. ZooKeeper watches fire once; each firing
     * reads the children again and sets a new watch, until the subscription is closed, which also
     * removes the watch from the client.
     */
    private final class ZkSubscription implements Subscription, Watcher {
        private final ServiceUrl consumer;
        private final NotifyListener listener;
        private final String path;
        private final AtomicBoolean active = new AtomicBoolean(true);
        private final ReentrantLock refreshLock = new ReentrantLock();
        private volatile boolean notified;
        /**
         * The URLs of the children last read, by node name: a re-read parses only the nodes that
         * are new, so one provider more or less costs a lookup per provider, not a parse.
         * Guarded by {@link #refreshLock}.
         */
        private Map<String, ServiceUrl> known = Map.of();
        /** Providers are matched to the consumer and kept in the cache file; other categories are told as they are. */
        private final boolean providers;

        ZkSubscription(ServiceUrl consumer, NotifyListener listener, String path, boolean providers) {
            this.consumer = consumer;
            this.listener = listener;
            this.path = path;
            this.providers = providers;
        }

        void refresh() {
            // The watch thread and the reconnection both refresh: one at a time, so an older list
            // never follows a newer one.
            refreshLock.lock();
            try {
                read();
            } finally {
                refreshLock.unlock();
            }
        }

        private void read() {
            if (!active.get()) {
                return;
            }
            if (!connected()) {
                fromCache(); // the reconnection refreshes
                return;
            }
            List<String> children;
            try {
                try {
                    children = client.getChildren().usingWatcher(this).forPath(path);
                } catch (KeeperException.NoNodeException e) {
                    client.create().creatingParentsIfNeeded().forPath(path);
                    children = client.getChildren().usingWatcher(this).forPath(path);
                }
            } catch (KeeperException.NodeExistsException e) {
                read();
                return;
            } catch (Exception e) {
                // Unreachable: keep the last list; the reconnection refreshes.
                log.warn("registry: cannot read {} of {}: {}", path.substring(path.lastIndexOf('/') + 1),
                        consumer.serviceKey(), e.toString());
                fromCache();
                return;
            }
            Map<String, ServiceUrl> read = new HashMap<>(children.size() * 4 / 3 + 1);
            List<ServiceUrl> urls = decode(children, known, read);
            known = read;
            if (!providers) {
                deliver(urls);
                return;
            }
            if (cache != null) {
                cache.save(consumer.interfaceName(), children);
            }
            deliver(RegistryUrls.matching(consumer, urls));
        }

        /** A subscriber that has heard nothing yet starts from the cache file, if it has providers. */
        private void fromCache() {
            if (notified || cache == null || !providers) {
                return;
            }
            List<ServiceUrl> cached = RegistryUrls.matching(consumer, cache.providers(consumer.interfaceName()));
            if (!cached.get(0).isEmptyProtocol()) {
                log.warn("registry: serving {} providers of {} from the cache {} until ZooKeeper answers",
                        cached.size(), consumer.serviceKey(), cache.file());
                deliver(cached);
            }
        }

        private void deliver(List<ServiceUrl> providers) {
            if (active.get()) {
                notified = true;
                listener.notify(providers);
            }
        }

        @Override
        public void process(WatchedEvent event) {
            if (event.getType() == Event.EventType.NodeChildrenChanged || event.getType() == Event.EventType.NodeCreated
                    || event.getType() == Event.EventType.NodeDeleted) {
                refresh();
            }
        }

        /** Stops notifying; {@link #close} still removes the watch. */
        void deactivate() {
            active.set(false);
        }

        @Override
        public void close() {
            if (subscriptions.remove(this)) {
                active.set(false);
                refreshLock.lock();
                try {
                    known = Map.of();
                } finally {
                    refreshLock.unlock();
                }
                // Removing one watcher leaves the server's watch in place (it serves every watcher
                // of this session on the path); the last subscription on a path removes them all.
                boolean last = subscriptions.stream().noneMatch(other -> other.path.equals(path));
                try {
                    if (last) {
                        client.watchers().removeAll().ofType(WatcherType.Children).quietly().forPath(path);
                    } else {
                        client.watchers().remove(this).ofType(WatcherType.Children).quietly().forPath(path);
                    }
                } catch (Exception e) {
                    log.debug("registry: removing the watch on {}: {}", path, e.toString());
                }
            }
        }
    }
}
