package io.tern.registry;

import static java.util.Objects.requireNonNull;

import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.registry.discovery.AppMetadata;
import io.tern.registry.discovery.InstanceNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Application-level discovery over a {@link ZooKeeperRegistry}'s session, in Apache Dubbo 3's
 * layout: each application instance an ephemeral node {@code <root>/<app>/<host:port>}
 * ({@link InstanceNode}; root {@code /services} unless the registry URL's {@code rootPath} or
 * {@code group} says otherwise, as Dubbo reads them), and the service-name mapping
 * {@code /<group>/mapping/<interface>}, the applications that serve an interface, comma-separated.
 *
 * <p>Instances registered here are registered again when the session is lost and a new one comes,
 * and deleted when the registry closes. Made by the registry, once, and closed with it.
 */
public final class ZooKeeperApplications {

    private static final Logger log = LoggerFactory.getLogger(ZooKeeperApplications.class);
    /** Attempts to add an application to a mapping another writer keeps changing, as Dubbo's {@code cas-retry-times}. */
    static final int MAPPING_ATTEMPTS = 10;
    /** The most a mapping writer waits before trying again, in ms, as Dubbo's {@code cas-retry-wait-time}. */
    static final int MAPPING_RETRY_WAIT = 100;

    private final CuratorFramework client;
    private final String instanceRoot;
    private final String mappingRoot;
    private final String configRoot;
    private final String ruleGroup;
    private final String interfaceRoot;
    private final String metadataRoot;
    private final String where;
    /** The instances registered, by node path. */
    private final Map<String, InstanceNode> registered = new ConcurrentHashMap<>();
    /** Held while an instance's node is made, changed or deleted. */
    private final ReentrantLock nodes = new ReentrantLock();
    /** The applications whose instances are watched, each once however many listen; guarded by {@link #watching}. */
    private final Map<String, InstancesWatch> instanceWatches = new HashMap<>();
    /** The mappings watched by node path, each once however many listen; guarded by {@link #watching}. */
    private final Map<String, DataWatch<SortedSet<String>>> mappingWatches = new HashMap<>();
    /** The config-center nodes watched by path, each once however many listen; guarded by {@link #watching}. */
    private final Map<String, DataWatch<Optional<String>>> configWatches = new HashMap<>();
    private final ReentrantLock watching = new ReentrantLock();

    ZooKeeperApplications(CuratorFramework client, ServiceUrl registryUrl, String interfaceRoot) {
        this.client = client;
        this.instanceRoot = instanceRoot(registryUrl);
        this.mappingRoot = interfaceRoot + "/mapping";
        this.configRoot = "/" + configNamespace(registryUrl, interfaceRoot) + "/config";
        this.ruleGroup = ruleGroup(registryUrl);
        this.interfaceRoot = interfaceRoot;
        this.metadataRoot = interfaceRoot + "/metadata";
        this.where = registryUrl.address();
    }

    /**
     * The config center's namespace, as Dubbo takes it when the registry is the config center:
     * {@code config-center.namespace}, else the registry's root ({@code group}, {@code dubbo}
     * by default).
     */
    static String configNamespace(ServiceUrl registryUrl, String interfaceRoot) {
        String namespace = registryUrl.parameter("config-center.namespace");
        if (namespace == null || namespace.isBlank()) {
            namespace = interfaceRoot;
        }
        return namespace.replaceAll("^/+", "");
    }

    /**
     * The config-center group the governance rules are in, as Dubbo takes it when the registry is
     * the config center: {@code config-center.group}, else the registry's {@code group}, else
     * {@code dubbo}.
     */
    static String ruleGroup(ServiceUrl registryUrl) {
        String group = registryUrl.parameter("config-center.group");
        if (group == null || group.isBlank()) {
            group = registryUrl.parameter("group", OverrideRules.GROUP);
        }
        return group.replaceAll("^/+", "");
    }

    /** The config-center group of the governance rules ({@code dubbo} unless the registry URL says otherwise). */
    public String ruleGroup() {
        return ruleGroup;
    }

    /** The node of a service's categories at the interface level: {@code /<root>/<interface>}. */
    public String servicePath(String interfaceName) {
        return interfaceRoot + "/" + requireNonNull(interfaceName, "interfaceName");
    }

    /**
     * Where instances live, as Dubbo reads it from the registry URL: {@code rootPath}, unless that
     * is left at {@code /services}, in which case {@code group} ({@code /services} by default).
     */
    static String instanceRoot(ServiceUrl registryUrl) {
        String root = registryUrl.parameter("rootPath", "/services");
        if (root.equalsIgnoreCase("/services")) {
            root = registryUrl.parameter("group", "/services");
            if (!root.startsWith("/")) {
                root = "/" + root;
            }
        }
        return root;
    }

    /** The node path of an application's instances. */
    public String instancesPath(String app) {
        return instanceRoot + "/" + app;
    }

    /** The node path of an interface's mapping. */
    public String mappingPath(String interfaceName) {
        return mappingRoot + "/" + interfaceName;
    }

    /**
     * Registers an instance, or changes what it advertises when it is registered already (a new
     * revision); kept until {@link #unregister}, and made again after a lost session.
     *
     * @throws RpcException {@link RpcStatus#NETWORK} when ZooKeeper refuses the node
     */
    public void register(InstanceNode instance) {
        requireNonNull(instance, "instance");
        String path = path(instance);
        nodes.lock();
        try {
            InstanceNode before = registered.put(path, instance);
            if (client.getZookeeperClient().isConnected()) {
                try {
                    write(path, instance, true);
                } catch (RpcException e) {
                    if (before == null) {
                        registered.remove(path);
                    } else {
                        registered.put(path, before);
                    }
                    throw e;
                }
            }
        } finally {
            nodes.unlock();
        }
    }

    /** Deletes an instance's node; it is no longer made again. */
    public void unregister(InstanceNode instance) {
        String path = path(instance);
        nodes.lock();
        try {
            registered.remove(path);
            client.delete().quietly().forPath(path);
        } catch (Exception e) {
            log.warn("registry: cannot delete instance {} at {} yet: {} (it goes with the session)", path, where,
                    e.toString());
        } finally {
            nodes.unlock();
        }
    }

    private String path(InstanceNode instance) {
        return instancesPath(instance.app()) + "/" + instance.id();
    }

    /**
     * Makes the node, taking over one an old session of ours left; a node this session owns
     * already is written again when {@code rewrite}. Returns whether it made the node.
     */
    private boolean write(String path, InstanceNode instance, boolean rewrite) {
        try {
            Stat stat = client.checkExists().forPath(path);
            long session = client.getZookeeperClient().getZooKeeper().getSessionId();
            if (stat != null && stat.getEphemeralOwner() == session) {
                if (rewrite) {
                    client.setData().forPath(path, instance.toJson());
                }
                return false;
            }
            if (stat != null) {
                client.delete().quietly().forPath(path); // left by an earlier session of ours
            }
            client.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                    .forPath(path, instance.toJson());
            return true;
        } catch (Exception e) {
            throw new RpcException(RpcStatus.NETWORK, "registry: cannot register instance " + instance.id() + " of "
                    + instance.app() + " at " + where + ": " + e, e);
        }
    }

    /** The instances of an application now; nodes that are not instances are skipped with a WARN. */
    public List<InstanceNode> instances(String app) {
        String parent = instancesPath(app);
        List<InstanceNode> found = new ArrayList<>();
        try {
            for (String child : client.getChildren().forPath(parent)) {
                InstanceNode instance = readInstance(parent, child, null);
                if (instance != null) {
                    found.add(instance);
                }
            }
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        } catch (Exception e) {
            throw new RpcException(RpcStatus.NETWORK, "registry: cannot read the instances of " + app + " at "
                    + where + ": " + e, e);
        }
        return found;
    }

    /**
     * An instance's node read (its data watched by {@code watcher}, when given); null when the
     * node is gone, or is no instance, which is skipped with a WARN.
     */
    private @Nullable InstanceNode readInstance(String parent, String id, @Nullable Watcher watcher) throws Exception {
        String path = parent + "/" + id;
        byte[] content;
        try {
            content = watcher == null ? client.getData().forPath(path)
                    : client.getData().usingWatcher(watcher).forPath(path);
        } catch (KeeperException.NoNodeException gone) {
            return null;
        }
        return parseInstance(path, content);
    }

    /** An instance node's content read; null, with a WARN, when it is no instance. */
    private static @Nullable InstanceNode parseInstance(String path, byte[] content) {
        try {
            return InstanceNode.parse(content);
        } catch (IllegalArgumentException e) {
            log.warn("registry: skipping {}: {}", path, e.getMessage());
            return null;
        }
    }

    /**
     * Adds {@code app} to the applications that serve {@code interfaceName}, as Dubbo does: read
     * the mapping with its version, write it back with the application appended only if nobody
     * wrote in between, and try again after a random wait of up to 100 ms, ten times at most.
     *
     * @throws RpcException {@link RpcStatus#NETWORK} when every attempt lost to another writer or
     *     ZooKeeper refused
     */
    public void map(String interfaceName, String app) {
        requireNonNull(interfaceName, "interfaceName");
        requireNonNull(app, "app");
        String path = mappingPath(interfaceName);
        Exception last = null;
        for (int attempt = 1; attempt <= MAPPING_ATTEMPTS; attempt++) {
            try {
                Stat stat = new Stat();
                String content;
                try {
                    content = new String(client.getData().storingStatIn(stat).forPath(path), StandardCharsets.UTF_8);
                } catch (KeeperException.NoNodeException absent) {
                    client.create().creatingParentContainersIfNeeded().withMode(CreateMode.PERSISTENT)
                            .forPath(path, app.getBytes(StandardCharsets.UTF_8));
                    return;
                }
                if (applications(content).contains(app)) {
                    return;
                }
                String updated = content.isBlank() ? app : content + "," + app;
                client.setData().withVersion(stat.getVersion()).forPath(path, updated.getBytes(StandardCharsets.UTF_8));
                return;
            } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException raced) {
                last = raced; // another writer came first: read again
            } catch (Exception e) {
                last = e;
            }
            try {
                Thread.sleep(ThreadLocalRandom.current().nextInt(MAPPING_RETRY_WAIT + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new RpcException(RpcStatus.NETWORK, "registry: cannot add " + app + " to the mapping of "
                + interfaceName + " at " + where + " after " + MAPPING_ATTEMPTS + " attempts: " + last, last);
    }

    /** The applications that serve {@code interfaceName}, sorted; empty when none is mapped. */
    public SortedSet<String> mapping(String interfaceName) {
        try {
            return applications(new String(client.getData().forPath(mappingPath(interfaceName)),
                    StandardCharsets.UTF_8));
        } catch (KeeperException.NoNodeException e) {
            return new TreeSet<>();
        } catch (Exception e) {
            throw new RpcException(RpcStatus.NETWORK, "registry: cannot read the mapping of " + interfaceName
                    + " at " + where + ": " + e, e);
        }
    }

    /** The node of an application's revision in the metadata report: {@code /<group>/metadata/<app>/<revision>}. */
    public String metadataPath(String app, String revision) {
        return metadataRoot + "/" + app + "/" + revision;
    }

    /**
     * Publishes {@code metadata} to the metadata report, as Dubbo's {@code metadata-type=remote}
     * does: a persistent node under its revision, written when it is absent or blank, never
     * changed afterwards (a revision names its content).
     *
     * @throws RpcException {@link RpcStatus#NETWORK} when ZooKeeper refuses it
     */
    public void publishMetadata(AppMetadata metadata) {
        String path = metadataPath(metadata.app(), metadata.revision());
        byte[] content = metadata.toJson().getBytes(StandardCharsets.UTF_8);
        try {
            try {
                client.create().creatingParentsIfNeeded().forPath(path, content);
            } catch (KeeperException.NodeExistsException exists) {
                byte[] existing = client.getData().forPath(path);
                if (existing == null || new String(existing, StandardCharsets.UTF_8).isBlank()) {
                    client.setData().forPath(path, content);
                }
            }
        } catch (Exception e) {
            throw new RpcException(RpcStatus.NETWORK, "registry: cannot publish the metadata of " + metadata.app()
                    + " revision " + metadata.revision() + " at " + where + ": " + e, e);
        }
    }

    /**
     * The metadata of {@code app}'s {@code revision} from the metadata report.
     *
     * @throws RpcException {@link RpcStatus#NETWORK} naming the node, when it cannot be read or is absent
     */
    public AppMetadata metadata(String app, String revision) {
        String path = metadataPath(app, revision);
        byte[] content;
        try {
            content = client.getData().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            throw new RpcException(RpcStatus.NETWORK, "registry: no metadata of " + app + " revision " + revision
                    + " at " + path + " (expected: the provider's metadata-type=remote to have published it)");
        } catch (Exception e) {
            throw new RpcException(RpcStatus.NETWORK, "registry: cannot read " + path + " at " + where + ": " + e, e);
        }
        if (content == null || content.length > InstanceNode.MAX_BYTES) {
            throw new RpcException(RpcStatus.LIMIT_EXCEEDED, "registry: " + path + " holds "
                    + (content == null ? "nothing" : content.length + " bytes") + " (expected: metadata of at most "
                    + InstanceNode.MAX_BYTES + " bytes)");
        }
        try {
            return AppMetadata.fromJson(new String(content, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new RpcException(RpcStatus.SERIALIZATION, "registry: " + path + ": " + e.getMessage(), e);
        }
    }

    /** The applications that have (or had) instances registered, sorted; for {@code tern ls}. */
    public List<String> applicationNames() {
        return children(instanceRoot, "applications");
    }

    /** The interfaces with a mapping, sorted; for {@code tern ls}. */
    public List<String> mappedInterfaces() {
        return children(mappingRoot, "mapped interfaces");
    }

    /** The keys in a config-center group, sorted; for {@code tern rules}. */
    public List<String> configKeys(String group) {
        return children(configRoot + "/" + requireNonNull(group, "group"), "the config keys of group " + group);
    }

    /** What the config-center node of {@code key} in {@code group} holds; null when there is none. */
    public @Nullable String config(String group, String key) {
        String path = configRoot + "/" + requireNonNull(group, "group") + "/" + requireNonNull(key, "key");
        try {
            return new String(client.getData().forPath(path), StandardCharsets.UTF_8);
        } catch (KeeperException.NoNodeException e) {
            return null;
        } catch (Exception e) {
            throw new RpcException(RpcStatus.NETWORK, "registry: cannot read " + path + " at " + where + ": " + e, e);
        }
    }

    private List<String> children(String path, String what) {
        try {
            return client.getChildren().forPath(path).stream().sorted().toList();
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        } catch (Exception e) {
            throw new RpcException(RpcStatus.NETWORK, "registry: cannot list " + what + " at " + where + ": " + e, e);
        }
    }

    /** A mapping's content read as Dubbo reads it: split on commas, trimmed, empties dropped, sorted. */
    static SortedSet<String> applications(String content) {
        TreeSet<String> apps = new TreeSet<>();
        Arrays.stream(content.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(apps::add);
        return apps;
    }

    /**
     * Tells {@code listener} an application's instances now and after every change: an instance
     * added, gone, or advertising something new (a revision). One set of ZooKeeper watches (the
     * application's node, and each instance's) serves every listener of an application, and goes
     * with the last one's subscription.
     */
    public Registry.Subscription watchInstances(String app, Consumer<List<InstanceNode>> listener) {
        requireNonNull(app, "app");
        return listen(instanceWatches, app, InstancesWatch::new, listener);
    }

    /**
     * Tells {@code listener} the applications that serve {@code interfaceName} now (empty when
     * none is mapped) and after every change of the mapping. One watch of the mapping's node
     * serves every listener of an interface, and goes with the last one's subscription.
     */
    public Registry.Subscription watchMapping(String interfaceName, Consumer<SortedSet<String>> listener) {
        requireNonNull(interfaceName, "interfaceName");
        return listen(mappingWatches, mappingPath(interfaceName), path -> new DataWatch<>(path, mappingWatches,
                content -> Collections.unmodifiableSortedSet(applications(content)), Collections.emptySortedSet()),
                listener);
    }

    /**
     * Tells {@code listener} what the config center holds under {@code key} in {@code group}
     * ({@code /<root>/config/<group>/<key>}, as Dubbo's ZooKeeper config center keeps it; null
     * while there is no such node, which is not the same as a node holding nothing) now and after
     * every change. One watch of the node serves every listener of it, and goes with the last
     * one's subscription.
     */
    public Registry.Subscription watchConfig(String group, String key, Consumer<@Nullable String> listener) {
        requireNonNull(group, "group");
        requireNonNull(key, "key");
        requireNonNull(listener, "listener");
        Consumer<Optional<String>> told = content -> listener.accept(content.orElse(null));
        return listen(configWatches, configRoot + "/" + group + "/" + key, path -> new DataWatch<>(path,
                configWatches, Optional::of, Optional.empty()), told);
    }

    private <V, W extends SharedWatch<V>> Registry.Subscription listen(Map<String, W> home, String key,
            Function<String, W> make, Consumer<V> listener) {
        requireNonNull(listener, "listener");
        W watch;
        boolean first;
        watching.lock();
        try {
            W existing = home.get(key);
            first = existing == null;
            watch = existing != null ? existing : make.apply(key);
            if (first) {
                home.put(key, watch);
            }
            watch.listeners.add(listener);
        } finally {
            watching.unlock();
        }
        if (first) {
            watch.arm();
        } else {
            watch.tell(listener);
        }
        W watched = watch;
        AtomicBoolean open = new AtomicBoolean(true);
        return () -> {
            if (open.compareAndSet(true, false)) {
                watched.leave(listener);
            }
        };
    }

    /** Applications whose instances are watched now; for lifecycle tests. */
    public int watchedApplications() {
        return watchCount(instanceWatches);
    }

    /** Interfaces whose mapping is watched now; for lifecycle tests. */
    public int watchedMappings() {
        return watchCount(mappingWatches);
    }

    /** Config-center nodes watched now; for lifecycle tests. */
    public int watchedConfigs() {
        return watchCount(configWatches);
    }

    private int watchCount(Map<String, ?> home) {
        watching.lock();
        try {
            return home.size();
        } finally {
            watching.unlock();
        }
    }

    /**
     * Nodes watched for any number of listeners of one key: read with ZooKeeper watches set, which
     * fire once; each firing reads again and sets new ones, and the listeners hear the result,
     * until the last listener leaves, which removes every watch. Listeners are told under the
     * watch's lock, in the order of the changes, and must not block.
     */
    private abstract class SharedWatch<V> implements Watcher {
        final String key;
        private final Map<String, ? extends SharedWatch<V>> home;
        final List<Consumer<V>> listeners = new CopyOnWriteArrayList<>();
        final ReentrantLock reading = new ReentrantLock();
        private volatile V current;
        private volatile boolean closed;

        SharedWatch(String key, Map<String, ? extends SharedWatch<V>> home, V empty) {
            this.key = key;
            this.home = home;
            this.current = empty;
        }

        /** Reads everything afresh, setting the watches; under {@link #reading}. */
        abstract void readAll();

        /** Reads again what {@code event} says changed; whether the listeners have something to hear. */
        abstract boolean reread(WatchedEvent event);

        /** What the listeners hear now; under {@link #reading}. */
        abstract V value();

        /** The nodes watched now; under {@link #reading}. */
        abstract List<String> watchedPaths();

        /** Reads everything, setting the watches; again after a lost session, whose watches went with it. */
        final void arm() {
            reading.lock();
            try {
                if (!closed) {
                    readAll();
                    publish();
                }
            } finally {
                reading.unlock();
            }
        }

        @Override
        public final void process(WatchedEvent event) {
            if (closed || event.getPath() == null || event.getType() == Event.EventType.None) {
                return;
            }
            reading.lock();
            try {
                if (!closed && reread(event)) {
                    publish();
                }
            } finally {
                reading.unlock();
            }
        }

        private void publish() {
            V now = value();
            current = now;
            for (Consumer<V> listener : listeners) {
                listener.accept(now);
            }
        }

        final void tell(Consumer<V> listener) {
            listener.accept(current);
        }

        final void leave(Consumer<V> listener) {
            watching.lock();
            try {
                listeners.remove(listener);
                if (!listeners.isEmpty()) {
                    return;
                }
                home.remove(key, this);
            } finally {
                watching.unlock();
            }
            List<String> watched;
            reading.lock();
            try {
                closed = true;
                watched = watchedPaths();
            } finally {
                reading.unlock();
            }
            // Removing one watcher leaves the server's watch in place (it serves every watcher of
            // the session on a path); these paths are watched by this watch alone, so all go.
            for (String node : watched) {
                try {
                    client.watchers().removeAll().ofType(Watcher.WatcherType.Any).quietly().forPath(node);
                } catch (Exception e) {
                    log.debug("registry: removing the watch on {}: {}", node, e.toString());
                }
            }
        }
    }

    /**
     * The instances of one application, watched through its node's children and each instance's
     * data: an instance made or deleted changes the children, one advertising something new is
     * read alone.
     */
    private final class InstancesWatch extends SharedWatch<List<InstanceNode>> {
        private final String path;
        /** The instances by node name; guarded by {@link #reading}. */
        private final Map<String, InstanceNode> instances = new TreeMap<>();

        InstancesWatch(String app) {
            super(app, instanceWatches, List.of());
            this.path = instancesPath(app);
        }

        /**
         * Reads every instance afresh, one read after another. (Reads sent together would answer
         * on ZooKeeper's event thread, which a change of this very application can hold while it
         * waits for this watch's lock: so they are not.)
         */
        @Override
        void readAll() {
            instances.clear();
            readChildren();
        }

        /** The children, watching them (or the node's creation, when it has none yet); null when unreadable. */
        private @Nullable List<String> children() {
            try {
                try {
                    return client.getChildren().usingWatcher(this).forPath(path);
                } catch (KeeperException.NoNodeException absent) {
                    if (client.checkExists().usingWatcher(this).forPath(path) != null) {
                        return children(); // made in between
                    }
                    return List.of();
                }
            } catch (Exception e) {
                log.warn("registry: cannot read the instances of {} at {}: {}", key, where, e.toString());
                return null; // the next session reads again
            }
        }

        /** Reads the children again, and the new ones' data, one after another (on ZooKeeper's event thread). */
        private void readChildren() {
            List<String> children = children();
            if (children == null) {
                return;
            }
            instances.keySet().retainAll(children);
            for (String id : children) {
                if (!instances.containsKey(id)) {
                    read(id);
                }
            }
        }

        /** Reads one instance, watching its data. */
        private void read(String id) {
            try {
                InstanceNode instance = readInstance(path, id, this);
                if (instance == null) {
                    instances.remove(id);
                } else {
                    instances.put(id, instance);
                }
            } catch (Exception e) {
                log.warn("registry: cannot read instance {}/{}: {}", path, id, e.toString());
            }
        }

        @Override
        boolean reread(WatchedEvent event) {
            String changed = event.getPath();
            if (changed.equals(path)) {
                readChildren(); // children changed, or the node was made or deleted
                return true;
            }
            if (event.getType() == Event.EventType.NodeDataChanged && changed.startsWith(path + "/")) {
                read(changed.substring(path.length() + 1));
                return true;
            }
            return false; // an instance deleted: its parent's children changed too
        }

        @Override
        List<InstanceNode> value() {
            return List.copyOf(instances.values());
        }

        @Override
        List<String> watchedPaths() {
            List<String> watched = new ArrayList<>(instances.size() + 1);
            watched.add(path);
            instances.keySet().forEach(id -> watched.add(path + "/" + id));
            return watched;
        }
    }

    /**
     * One node's content, watched through its data (or its creation, while there is none), read
     * as {@code parse} makes it ({@code empty} while the node does not exist).
     */
    private final class DataWatch<V> extends SharedWatch<V> {
        private final String path;
        private final Function<String, V> parse;
        private final V empty;
        /** What the node holds, parsed; guarded by {@link #reading}. */
        private V content;

        DataWatch(String path, Map<String, DataWatch<V>> home, Function<String, V> parse, V empty) {
            super(path, home, empty);
            this.path = path;
            this.parse = parse;
            this.empty = empty;
            this.content = empty;
        }

        @Override
        void readAll() {
            try {
                try {
                    content = parse.apply(new String(client.getData().usingWatcher(this).forPath(path),
                            StandardCharsets.UTF_8));
                } catch (KeeperException.NoNodeException absent) {
                    if (client.checkExists().usingWatcher(this).forPath(path) != null) {
                        readAll(); // made in between
                        return;
                    }
                    content = empty;
                }
            } catch (Exception e) {
                log.warn("registry: cannot read {} at {}: {}", path, where, e.toString());
            }
        }

        @Override
        boolean reread(WatchedEvent event) {
            if (!event.getPath().equals(path)) {
                return false;
            }
            readAll();
            return true;
        }

        @Override
        V value() {
            return content;
        }

        @Override
        List<String> watchedPaths() {
            return List.of(path);
        }
    }

    /**
     * A new session: the instances it registered are made again where the old session's went,
     * and the watches set again (those of an expired session went with it).
     */
    void reconnected() {
        List<SharedWatch<?>> watched = new ArrayList<>();
        watching.lock();
        try {
            watched.addAll(instanceWatches.values());
            watched.addAll(mappingWatches.values());
            watched.addAll(configWatches.values());
        } finally {
            watching.unlock();
        }
        watched.forEach(SharedWatch::arm);
        for (Map.Entry<String, InstanceNode> entry : List.copyOf(registered.entrySet())) {
            nodes.lock();
            try {
                if (registered.get(entry.getKey()) != entry.getValue()) {
                    continue; // unregistered or changed since the list was taken
                }
                if (write(entry.getKey(), entry.getValue(), false)) {
                    log.info("registry: registered instance {} again after reconnecting", entry.getKey());
                }
            } catch (RuntimeException e) {
                log.warn("registry: cannot register instance {} again: {}", entry.getKey(), e.toString());
            } finally {
                nodes.unlock();
            }
        }
    }

    /**
     * Forgets every instance registered, deleting their nodes when ZooKeeper is {@code reachable};
     * the registry is closing.
     */
    void close(boolean reachable) {
        for (String path : reachable ? List.copyOf(registered.keySet()) : List.<String>of()) {
            try {
                client.delete().quietly().forPath(path);
            } catch (Exception e) {
                log.warn("registry: closing: cannot delete instance {}: {}", path, e.toString());
            }
        }
        registered.clear();
    }

    /** Instances registered and applications and mappings watched now; for lifecycle tests. */
    int size() {
        return registered.size() + watchedApplications() + watchedMappings() + watchedConfigs();
    }
}
