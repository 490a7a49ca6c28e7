package io.tern.bootstrap;

import static java.util.Objects.requireNonNull;

import io.tern.AsyncCloseable;
import io.tern.Filter;
import io.tern.Invoker;
import io.tern.Protocol;
import io.tern.ServiceUrl;
import io.tern.ServiceUrlBuilder;
import io.tern.cluster.Clusters;
import io.tern.cluster.DynamicDirectory;
import io.tern.cluster.Router;
import io.tern.cluster.RuleRouter;
import io.tern.core.ProtocolStats;
import io.tern.core.RuleStats;
import io.tern.dubbo.DubboProtocol;
import io.tern.metrics.TernMetrics;
import io.tern.ops.OpsServer;
import io.tern.ops.OpsTarget;
import io.tern.registry.ApplicationDiscovery;
import io.tern.registry.ConsumerOverrides;
import io.tern.registry.ConsumerRoutes;
import io.tern.registry.Migration;
import io.tern.registry.MigrationControl;
import io.tern.registry.Registry;
import io.tern.registry.RegistryUrls;
import io.tern.registry.ZooKeeperApplications;
import io.tern.transport.EventLoops;
import io.tern.triple.TripleProtocol;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer application: makes references and owns what stands behind them — invokers,
 * directories, subscriptions, consumer registrations — as well as its protocol, and its registry
 * when it made it.
 *
 * <p>Identical references (same interface, service name, group, version, URL, timeout, parameters
 * and routers) share one invoker, counted: each {@link Reference} holds a share, and the last
 * share's release closes what the first one made, in reverse order of creation. A closed
 * reference leaves the client at once. Closing the client closes the references still open, then
 * the protocol and the registry it owns.
 */
public final class TernClient implements AsyncCloseable {

    private static final Logger log = LoggerFactory.getLogger(TernClient.class);

    private final TernClientBuilder config;
    private final DubboProtocol protocol;
    /** The consumer filters (meters, tracing), which each protocol applies to what it refers. */
    private final List<Filter> filters;
    /** Made when a reference first asks for Triple; guarded by {@link #tripleLock}. */
    private @Nullable TripleProtocol triple;
    /**
     * Held while Triple is made or read: not the client's {@link #lock}, which a reference holds
     * while it waits for its first providers, found perhaps through a call over Triple.
     */
    private final ReentrantLock tripleLock = new ReentrantLock();
    /**
     * Made, with the application-level discovery it uses, at the first reference through a
     * registry that has the application level; guarded by {@link #lock}.
     */
    private @Nullable MigrationControl migration;
    /** How long a new reference waits for its first providers at the application level. */
    static final java.time.Duration FIRST_PROVIDERS_WAIT = java.time.Duration.ofSeconds(6);
    private final @Nullable Registry registry;
    private final boolean ownsRegistry;
    private final Map<ReferenceKey, Shared<?>> shared = new HashMap<>();
    private final Set<DefaultReference<?>> open = new LinkedHashSet<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

    private final @Nullable TernMetrics metrics;
    /** The governance rules this client's references applied and refused, by key. */
    private final RuleStats ruleStats = new RuleStats();
    /** The event loops both protocols run on; closed after them. */
    private final EventLoops loops;

    TernClient(TernClientBuilder config, DubboProtocol protocol, EventLoops loops, List<Filter> filters,
            @Nullable Registry registry, boolean ownsRegistry, @Nullable TernMetrics metrics) {
        this.config = config;
        this.protocol = protocol;
        this.loops = loops;
        this.filters = List.copyOf(filters);
        this.registry = registry;
        this.ownsRegistry = ownsRegistry;
        this.metrics = metrics;
        if (metrics != null) {
            metrics.bindRules(ruleStats);
        }
    }

    /** The client's meters, or {@code null} when it was built without a meter registry. */
    public @Nullable TernMetrics metrics() {
        return metrics;
    }

    private volatile @Nullable OpsServer ops;

    /** Starts the operations endpoint on 127.0.0.1:{@code port}; closed with the client. */
    void startOps(int port, io.micrometer.prometheusmetrics.@Nullable PrometheusMeterRegistry prometheus) {
        ops = OpsServer.start(new Ops(prometheus), port);
    }

    /**
     * What the operations endpoint reports of this client — its references and their providers,
     * and the tracker's report — for an embedder that shows it its own way (an actuator
     * endpoint, a health check).
     */
    public OpsTarget state() {
        return new Ops(null);
    }

    /** The operations endpoint, or {@code null} when the client was built without one. */
    public @Nullable OpsServer ops() {
        return ops;
    }

    /** What the operations endpoint sees of this client: its references and their providers. */
    private final class Ops extends OpsBase {
        Ops(io.micrometer.prometheusmetrics.@Nullable PrometheusMeterRegistry prometheus) {
            super(config.tracker, prometheus);
        }

        @Override
        public List<Service> services() {
            return List.of();
        }

        private List<Shared<?>> shares() {
            lock.lock();
            try {
                return new ArrayList<>(shared.values());
            } finally {
                lock.unlock();
            }
        }

        @Override
        public List<ReferenceState> references() {
            List<Shared<?>> shares = shares();
            List<ReferenceState> states = new ArrayList<>();
            for (Shared<?> share : shares) {
                List<String> providers = new ArrayList<>();
                String discovery = "direct";
                java.util.Map<String, String> seenAt = java.util.Map.of();
                for (AsyncCloseable made : share.made) {
                    if (made instanceof DirectoryView view) {
                        discovery = view.discovery();
                        seenAt = view.seenAt();
                        view.directory().providers().forEach(p -> providers.add(p.url().address()
                                + (p.isAvailable() ? "" : " (unavailable)")));
                    }
                }
                if (discovery.equals("direct")) {
                    providers.add(share.invoker.url().address());
                }
                states.add(new ReferenceState(share.invoker.url().serviceKey().toString(), share.invoker.isAvailable(),
                        providers, discovery, seenAt));
            }
            return states;
        }

        @Override
        public List<RuleState> rules() {
            List<Shared<?>> shares = shares();
            List<RuleState> states = new ArrayList<>();
            for (Shared<?> share : shares) {
                String owner = share.invoker.url().serviceKey().toString();
                for (AsyncCloseable made : share.made) {
                    if (made instanceof RulesView view) {
                        view.overrides().describe().forEach((key, status) -> states.add(new RuleState(owner,
                                "consumer", key, status)));
                        view.routes().describe().forEach((key, status) -> states.add(new RuleState(owner,
                                "consumer", key, status)));
                    }
                }
            }
            return states;
        }

        @Override
        public int online(String pattern) {
            return 0; // a client exports nothing
        }

        @Override
        public int offline(String pattern) {
            return 0;
        }

        @Override
        public boolean ready() {
            return !closed.get();
        }

        @Override
        public boolean started() {
            return true;
        }

    }

    public <T> Reference<T> reference(Class<T> type) {
        return reference(type, options -> { });
    }

    /**
     * A reference to a service: direct when the options give a URL, else discovered through the
     * registry (with its providers kept up to date, load balancing and fault tolerance). Close it
     * when it is no longer needed.
     *
     * @throws IllegalStateException when there is neither a URL nor a registry, or the client is closed
     */
    public <T> Reference<T> reference(Class<T> type, Consumer<ReferenceOptions> configure) {
        requireNonNull(type, "type");
        requireNonNull(configure, "configure");
        ReferenceOptions options = new ReferenceOptions();
        configure.accept(options);
        ReferenceKey key = ReferenceKey.of(type, options);
        lock.lock();
        try {
            checkOpen();
            @SuppressWarnings("unchecked")
            Shared<T> share = (Shared<T>) shared.get(key);
            if (share == null) {
                share = create(type, options, key);
                shared.put(key, share);
            }
            share.count++;
            DefaultReference<T> reference = new DefaultReference<>(this, share, config.tracker);
            open.add(reference);
            return reference;
        } finally {
            lock.unlock();
        }
    }

    private <T> Shared<T> create(Class<T> type, ReferenceOptions options, ReferenceKey key) {
        List<AsyncCloseable> made = new ArrayList<>();
        try {
            String url = options.url;
            Invoker<T> invoker = url != null ? direct(type, url, options, made) : discovered(type, options, made);
            return new Shared<>(key, invoker, made);
        } catch (RuntimeException e) {
            closeAll(made);
            throw e;
        }
    }

    private <T> Invoker<T> direct(Class<T> type, String directUrl, ReferenceOptions options,
            List<AsyncCloseable> made) {
        ServiceUrl given = ServiceUrl.parse(directUrl);
        String service = options.service != null ? options.service : type.getName();
        ServiceUrlBuilder url = given.toBuilder().path(given.path().isEmpty() ? service : given.path());
        apply(url, options);
        Invoker<T> invoker = refer(type, url.build());
        made.add(invoker);
        return invoker;
    }

    /** An invoker over the provider URL's protocol: {@code tri} over Triple, anything else over dubbo. */
    private <T> Invoker<T> refer(Class<T> type, ServiceUrl url) {
        return "tri".equals(url.protocol()) ? triple().refer(type, url) : protocol.refer(type, url);
    }

    /** The Triple protocol, made at the first reference that asks for it and closed with the client. */
    private TripleProtocol triple() {
        tripleLock.lock();
        try {
            if (closed.get()) {
                throw new IllegalStateException("client closed (expected: an open client)");
            }
            TripleProtocol made = triple;
            if (made == null) {
                made = TripleProtocol.create(config.tracker, protocol.classPolicy(), null, config.tls, loops)
                        .consumerFilters(filters);
                triple = made;
                if (metrics != null) {
                    metrics.bindProtocol("consumer", made.stats());
                }
            }
            return made;
        } finally {
            tripleLock.unlock();
        }
    }

    private <T> Invoker<T> discovered(Class<T> type, ReferenceOptions options, List<AsyncCloseable> made) {
        if (registry == null) {
            throw new IllegalStateException("reference to " + type.getName() + ": no registry and no url"
                    + " (expected: Tern.client().registry(...) or options.url(\"dubbo://host:port\"))");
        }
        ServiceUrlBuilder url = (options.service != null
                ? RegistryUrls.genericConsumer(config.host, options.service, config.application, options.group,
                        options.version)
                : RegistryUrls.consumer(config.host, type, config.application, options.group, options.version))
                .toBuilder();
        apply(url, options);
        ServiceUrl consumer = url.build();
        Registry r = registry;
        r.register(consumer);
        made.add(() -> {
            r.unregister(consumer);
            return CompletableFuture.completedFuture(null);
        });
        // an operator's override rules, where the registry has a config center: what they set wins over
        // the provider's and the consumer's settings, and the providers they disable are left out
        java.util.concurrent.atomic.AtomicReference<@Nullable ConsumerOverrides> rules =
                new java.util.concurrent.atomic.AtomicReference<>();
        DynamicDirectory<T> directory = DynamicDirectory.create(type, consumer, provider -> {
            ServiceUrl merged = RegistryUrls.merge(provider, consumer);
            ConsumerOverrides overrides = rules.get();
            return refer(type, overrides == null ? merged : overrides.configure(merged));
        }, io.tern.cluster.Directory.DEFAULT_GRACE, config.tracker,
                java.util.Set.of(protocol.name())); // dubbo unless the reference asks: protocol=tri
        boolean governed = r.applications() != null; // an operator's rules are read from its config center
        RuleRouter routes = RuleRouter.create();
        List<Router> routers = new ArrayList<>(options.routers);
        if (governed) {
            routers.add(routes);
        }
        Invoker<T> cluster = Clusters.join(directory, routers, config.tracker);
        made.add(cluster);
        Registry.NotifyListener providers = directory::notify;
        if (governed) {
            ConsumerOverrides overrides = ConsumerOverrides.watch(r, consumer, directory::notify,
                    configured -> Clusters.reconfigure(cluster, configured), ruleStats, config.tracker);
            rules.set(overrides);
            ConsumerRoutes routing;
            try {
                routing = ConsumerRoutes.watch(r, consumer, routes, overrides, ruleStats, config.tracker);
            } catch (RuntimeException e) {
                overrides.close();
                throw e;
            }
            providers = routing;
            made.add(new RulesView(overrides, routing));
        }
        MigrationControl migration = migration(r);
        Migration.Migrating migrating = migration != null ? migration.subscribe(consumer, providers) : null;
        Registry.Subscription subscription = migrating != null ? migrating : r.subscribe(consumer, providers);
        made.add(new DirectoryView(directory, migrating));
        made.add(() -> {
            subscription.close();
            return CompletableFuture.completedFuture(null);
        });
        return cluster;
    }

    /**
     * The migration of this client's references through {@code r}, with application-level
     * discovery, made at the first reference through it and closed with the client; null when
     * the registry has no application level.
     */
    private @Nullable MigrationControl migration(Registry r) {
        ZooKeeperApplications level = r.applications();
        if (level == null) {
            return null;
        }
        MigrationControl made = migration;
        if (made == null) {
            ApplicationDiscovery discovery = ApplicationDiscovery.create(level,
                    new InstanceMetadataSource(this::refer), config.tracker);
            made = MigrationControl.start(r, discovery, config.application, config.migrationStep,
                    FIRST_PROVIDERS_WAIT);
            migration = made;
        }
        return made;
    }

    private static void apply(ServiceUrlBuilder url, ReferenceOptions options) {
        if (!options.group.isEmpty()) {
            url.group(options.group);
        }
        if (!options.version.isEmpty()) {
            url.version(options.version);
        }
        if (options.timeout != null) {
            url.timeout(options.timeout);
        }
        options.parameters.forEach(url::parameter);
    }

    /** A reference closed: it leaves the client, and its share is released. */
    CompletableFuture<Void> release(DefaultReference<?> reference, Shared<?> share) {
        lock.lock();
        try {
            open.remove(reference);
            if (--share.count > 0) {
                return CompletableFuture.completedFuture(null);
            }
            shared.remove(share.key, share);
        } finally {
            lock.unlock();
        }
        return closeAll(share.made);
    }

    /** Closes resources in reverse order of creation, each after the one made after it. */
    private static CompletableFuture<Void> closeAll(List<AsyncCloseable> made) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (int i = made.size() - 1; i >= 0; i--) {
            AsyncCloseable resource = made.get(i);
            chain = chain.thenCompose(ignored -> {
                try {
                    return resource.closeAsync();
                } catch (RuntimeException e) {
                    log.warn("closing a reference failed: {}", e.toString());
                    return CompletableFuture.completedFuture(null);
                }
            }).exceptionally(failure -> {
                log.warn("closing a reference failed: {}", failure.toString());
                return null;
            });
        }
        return chain;
    }

    /** References open now; for lifecycle tests. */
    public int referenceCount() {
        lock.lock();
        try {
            return open.size();
        } finally {
            lock.unlock();
        }
    }

    /** Distinct invokers behind the open references; for lifecycle tests. */
    public int sharedCount() {
        lock.lock();
        try {
            return shared.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The names of the protocols this client runs now: {@code dubbo}, and {@code tri} from the
     * first reference over Triple.
     */
    public List<String> protocolNames() {
        return running().stream().map(ServedProtocol::name).toList();
    }

    /**
     * The protocol named {@code name} ({@code dubbo}, {@code tri}).
     *
     * @throws IllegalArgumentException naming the protocols it runs, when it runs no such one
     */
    public Protocol protocol(String name) {
        return ServedProtocol.named(name, running()).protocol();
    }

    /**
     * What the protocol named {@code name} holds now: references, connections, calls waiting.
     *
     * @throws IllegalArgumentException naming the protocols it runs, when it runs no such one
     */
    public ProtocolStats stats(String name) {
        return ServedProtocol.named(name, running()).stats();
    }

    private List<ServedProtocol> running() {
        return ServedProtocol.of(protocol, madeTriple());
    }

    /** The Triple protocol, when a reference has made it. */
    private @Nullable TripleProtocol madeTriple() {
        tripleLock.lock();
        try {
            return triple;
        } finally {
            tripleLock.unlock();
        }
    }

    /** The migration of references, when a reference has made it; for lifecycle tests. */
    @Nullable MigrationControl madeMigration() {
        lock.lock();
        try {
            return migration;
        } finally {
            lock.unlock();
        }
    }

    /** Application-level discovery, when a reference has made it; for lifecycle tests. */
    @Nullable ApplicationDiscovery madeApplications() {
        MigrationControl made = madeMigration();
        return made == null ? null : made.discovery();
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("client is closed (expected: an open client)");
        }
    }

    @Override
    public CompletableFuture<Void> closeAsync() {
        if (!closed.compareAndSet(false, true)) {
            return closeFuture;
        }
        OpsServer endpoint = ops;
        if (endpoint != null) {
            endpoint.close();
        }
        List<DefaultReference<?>> references;
        lock.lock();
        try {
            references = new ArrayList<>(open);
        } finally {
            lock.unlock();
        }
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (int i = references.size() - 1; i >= 0; i--) {
            DefaultReference<?> reference = references.get(i);
            chain = chain.thenCompose(ignored -> reference.closeAsync());
        }
        chain.thenCompose(ignored -> {
                    MigrationControl control = madeMigration();
                    return control == null ? CompletableFuture.<Void>completedFuture(null)
                            : control.closeAsync().thenCompose(done -> control.discovery().closeAsync());
                })
                .thenCompose(ignored -> {
                    TripleProtocol tri = madeTriple();
                    return tri != null ? tri.closeAsync() : CompletableFuture.completedFuture(null);
                })
                .thenCompose(ignored -> protocol.closeAsync())
                .thenCompose(ignored -> loops.closeAsync())
                .thenCompose(ignored -> ownsRegistry && registry != null ? registry.closeAsync()
                        : CompletableFuture.completedFuture(null))
                .whenComplete((a, b) -> {
                    if (metrics != null) {
                        metrics.close();
                    }
                    closeFuture.complete(null);
                });
        return closeFuture;
    }

    /** The governance rules of a discovered reference, for the operations endpoint; closing it removes their watches. */
    private record RulesView(ConsumerOverrides overrides, ConsumerRoutes routes) implements AsyncCloseable {
        @Override
        public CompletableFuture<Void> closeAsync() {
            routes.close();
            overrides.close();
            return CompletableFuture.completedFuture(null);
        }
    }

    /**
     * The directory behind a discovered reference and the migration it is found through, for the
     * operations endpoint; its cluster closes the one, its subscription the other.
     */
    private record DirectoryView(io.tern.cluster.Directory<?> directory, Migration.@Nullable Migrating migrating)
            implements AsyncCloseable {
        /** Where its providers come from: its step and level, or the interface level alone. */
        String discovery() {
            Migration.Migrating found = migrating;
            return found != null ? found.describe() : "interface level";
        }

        /** The level each of its providers is seen at. */
        java.util.Map<String, String> seenAt() {
            Migration.Migrating found = migrating;
            if (found != null) {
                return found.seenAt();
            }
            java.util.Map<String, String> levels = new java.util.TreeMap<>();
            directory.providers().forEach(p -> levels.put(p.url().address(), "interface"));
            return levels;
        }

        @Override
        public CompletableFuture<Void> closeAsync() {
            return CompletableFuture.completedFuture(null);
        }
    }

    /** One invoker and what was made for it, shared by identical references; guarded by the client's lock. */
    static final class Shared<T> {
        final ReferenceKey key;
        final Invoker<T> invoker;
        final List<AsyncCloseable> made;
        int count;

        Shared(ReferenceKey key, Invoker<T> invoker, List<AsyncCloseable> made) {
            this.key = key;
            this.invoker = invoker;
            this.made = List.copyOf(made);
        }
    }
}
