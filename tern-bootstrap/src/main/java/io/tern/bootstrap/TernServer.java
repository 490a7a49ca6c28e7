package io.tern.bootstrap;

import io.tern.AsyncCloseable;
import io.tern.Exporter;
import io.tern.Protocol;
import io.tern.ServiceUrl;
import io.tern.ServiceUrlBuilder;
import io.tern.core.Invokers;
import io.tern.core.ProtocolStats;
import io.tern.dubbo.DubboProtocol;
import io.tern.metrics.TernMetrics;
import io.tern.ops.OpsPatterns;
import io.tern.ops.OpsServer;
import io.tern.ops.OpsTarget;
import io.tern.registry.OverrideWatch;
import io.tern.registry.Registry;
import io.tern.registry.RegistryUrls;
import io.tern.registry.ZooKeeperApplications;
import io.tern.transport.CallPools;
import io.tern.transport.EventLoops;
import io.tern.transport.WorkStealingPool;
import io.tern.triple.TripleProtocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running provider application. Owns its protocols (dubbo, and Triple on the same port when
 * asked for), its exporters and registrations, and its registry when it made it. Closing is
 * graceful and in reverse order: unregister first, and keep serving for the unregister delay
 * while consumers hear of it; then unexport (connected consumers are told by the read-only
 * event, calls in flight finish); then the protocols, then the registry.
 */
public final class TernServer implements AsyncCloseable {

    private static final Logger log = LoggerFactory.getLogger(TernServer.class);

    /**
     * A service exported: {@code original} is its URL as a registry would show it (null without
     * a registry), {@code advertised} the same as the provider-side override rules in force
     * configure it, {@code registered} that when it is registered at the interface level. The
     * two change with the rules, under the lock of {@link #exported}.
     */
    private static final class Exported {
        private final Exporter<?> exporter;
        private final @Nullable ServiceUrl original;
        private @Nullable ServiceUrl advertised;
        private @Nullable ServiceUrl registered;
        /** The override rules of the service, watched when the registry has a config center. */
        private volatile @Nullable OverrideWatch rules;

        Exported(Exporter<?> exporter, @Nullable ServiceUrl original) {
            this.exporter = exporter;
            this.original = original;
            this.advertised = original;
        }

        Exporter<?> exporter() {
            return exporter;
        }

        @Nullable ServiceUrl advertised() {
            return advertised;
        }

        @Nullable ServiceUrl registered() {
            return registered;
        }

        /** Stops watching the rules; never under the lock of {@code exported}, which their listener takes. */
        void stopWatching() {
            OverrideWatch watch = rules;
            if (watch != null) {
                watch.close();
            }
        }
    }

    private final DubboProtocol protocol;
    private final @Nullable TripleProtocol triple;
    /** The event loops both protocols run on; closed after them. */
    private final EventLoops loops;
    /** The call pool both protocols run services on; stopped after them, given the shutdown timeout. */
    private final WorkStealingPool calls;
    private final Duration shutdownTimeout;
    private final @Nullable Registry registry;
    private final boolean ownsRegistry;
    private final Duration unregisterDelay;
    private final List<Exported> exported = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

    private final @Nullable TernMetrics metrics;
    /** The provider-side governance rules this server applied and refused, by key. */
    private final io.tern.core.RuleStats ruleStats = new io.tern.core.RuleStats();
    private volatile boolean started;
    private volatile io.tern.core.lifecycle.LifecycleTracker tracker = io.tern.core.lifecycle.LifecycleTracker.global();
    /** Services taken offline by an operator; guarded by {@link #exported}. */
    private final java.util.Set<Exporter<?>> offline = new java.util.HashSet<>();
    private volatile @Nullable OpsServer ops;
    /** What the server was built with, once started; the services exported later take it too. */
    private volatile @Nullable TernServerBuilder settings;
    /** The instance at the application level, when the server registers there. */
    private volatile @Nullable InstancePublication instance;

    /** The server's publication at the application level, when it has one; for lifecycle tests. */
    @Nullable InstancePublication instancePublication() {
        return instance;
    }

    TernServer(DubboProtocol protocol, @Nullable TripleProtocol triple, EventLoops loops, WorkStealingPool calls,
            Duration shutdownTimeout, @Nullable Registry registry, boolean ownsRegistry, Duration unregisterDelay,
            @Nullable TernMetrics metrics) {
        this.protocol = protocol;
        this.triple = triple;
        this.loops = loops;
        this.calls = calls;
        this.shutdownTimeout = shutdownTimeout;
        this.registry = registry;
        this.ownsRegistry = ownsRegistry;
        this.unregisterDelay = unregisterDelay;
        this.metrics = metrics;
        if (metrics != null) {
            metrics.bindRules(ruleStats);
        }
    }

    /** The server's meters, or {@code null} when it was built without a meter registry. */
    public @Nullable TernMetrics metrics() {
        return metrics;
    }

    void start(TernServerBuilder b) {
        tracker = b.tracker;
        settings = b;
        int port = b.port;
        for (TernServerBuilder.ServiceSpec<?> spec : b.services) {
            resolveToken(spec);
            checkProtocols(spec.type(), spec.options());
        }
        for (TernServerBuilder.ServiceSpec<?> spec : b.services) {
            if (spec.options().tripleOnly) {
                if (triple == null) {
                    throw new IllegalStateException(spec.type().getName() + ": offered over Triple only on a server"
                            + " without Triple (expected: TernServerBuilder.triple(true))");
                }
                continue;
            }
            Exporter<?> exporter = export(spec, b, port, protocol);
            port = exporter.url().port(); // the rest share the port the first one bound
            publish(exporter, spec, b);
        }
        if (triple != null) {
            boolean shared = !exported.isEmpty();
            if (shared) {
                triple.share(exported.get(0).exporter().url().host(), port);
            }
            for (TernServerBuilder.ServiceSpec<?> spec : b.services) {
                if (spec.options().dubboOnly) {
                    continue;
                }
                Exporter<?> exporter = exportTriple(spec, b, port);
                port = exporter.url().port(); // without dubbo services, the first binds a port of its own
                publish(exporter, spec, b);
            }
        }
        ZooKeeperApplications level = registry == null ? null : registry.applications();
        if (level != null && b.registerMode.instanceLevel() && !exported.isEmpty()) {
            publishInstance(level, b);
        }
        started = true;
    }

    private static void checkProtocols(Class<?> type, ServiceOptions options) {
        if (options.tripleOnly && options.dubboOnly) {
            throw new IllegalArgumentException(type.getName() + ": offered over Triple only and over dubbo only"
                    + " (expected: one of them, or neither for both)");
        }
    }

    /** Turns token=true into one token for the service, the same over dubbo and Triple. */
    private static void resolveToken(TernServerBuilder.ServiceSpec<?> spec) {
        spec.options().parameters.computeIfPresent(io.tern.core.Tokens.KEY,
                (key, token) -> io.tern.core.Tokens.resolve(token));
    }

    /**
     * Exports one more service while the server runs, as the services it started with: over
     * dubbo on the server's port (unless {@link ServiceOptions#tripleOnly() Triple only}), over
     * Triple too when the server serves Triple, registered at the levels its register mode says
     * — at the application level the instance advertises a new revision that includes it. The
     * handle returned unexports it: unregistered first (the instance advertising what is left),
     * then, after the server's unregister delay, unexported.
     *
     * @throws IllegalStateException when the server is closed, or listens on no port yet (it
     *     started with no service)
     */
    public <T> ExportedService export(Class<T> type, T implementation, java.util.function.Consumer<ServiceOptions> configure) {
        java.util.Objects.requireNonNull(type, "type");
        java.util.Objects.requireNonNull(implementation, "implementation");
        java.util.Objects.requireNonNull(configure, "configure");
        TernServerBuilder b = settings;
        int port = port();
        if (b == null || closed.get()) {
            throw new IllegalStateException("export " + type.getName() + ": the server is "
                    + (b == null ? "not started" : "closed") + " (expected: a running server)");
        }
        if (port == 0) {
            throw new IllegalStateException("export " + type.getName() + ": the server listens on no port, as it"
                    + " started with no service (expected: a server started with at least one service)");
        }
        ServiceOptions options = new ServiceOptions();
        configure.accept(options);
        TernServerBuilder.ServiceSpec<T> spec = new TernServerBuilder.ServiceSpec<>(type, implementation, options);
        resolveToken(spec);
        checkProtocols(type, options);
        List<Exporter<?>> made = new ArrayList<>(2);
        try {
            if (options.tripleOnly && triple == null) {
                throw new IllegalStateException(type.getName() + ": offered over Triple only on a server without"
                        + " Triple (expected: TernServerBuilder.triple(true))");
            }
            if (!options.tripleOnly) {
                Exporter<?> exporter = export(spec, b, port, protocol);
                made.add(exporter);
                publish(exporter, spec, b);
            }
            if (triple != null && !options.dubboOnly) {
                Exporter<?> exporter = exportTriple(spec, b, port);
                made.add(exporter);
                publish(exporter, spec, b);
            }
        } catch (RuntimeException e) {
            new ExportedService(made).unexport(false);
            throw e;
        }
        ExportedService handle = new ExportedService(made);
        if (closed.get()) { // closed meanwhile, perhaps without seeing it: it goes now
            handle.unexport(false);
            throw new IllegalStateException("export " + type.getName() + ": the server closed while exporting it");
        }
        readvertise(b);
        return handle;
    }

    /**
     * A service exported while the server runs ({@link TernServer#export}); closing it unexports
     * the service.
     */
    public final class ExportedService implements AsyncCloseable {
        private final List<Exporter<?>> exporters;
        private final AtomicBoolean done = new AtomicBoolean();
        private final CompletableFuture<Void> unexported = new CompletableFuture<>();

        private ExportedService(List<Exporter<?>> exporters) {
            this.exporters = List.copyOf(exporters);
        }

        /** The URLs it is exported at, one per protocol. */
        public List<ServiceUrl> urls() {
            return exporters.stream().<ServiceUrl>map(Exporter::url).toList();
        }

        /** Unregisters the service, then, after the server's unregister delay, unexports it. */
        @Override
        public CompletableFuture<Void> closeAsync() {
            return unexport(true);
        }

        private CompletableFuture<Void> unexport(boolean delayed) {
            if (!done.compareAndSet(false, true)) {
                return unexported;
            }
            List<Exported> leaving = new ArrayList<>();
            List<Exported> gone = new ArrayList<>();
            synchronized (exported) {
                for (java.util.Iterator<Exported> it = exported.iterator(); it.hasNext(); ) {
                    Exported e = it.next();
                    if (exporters.contains(e.exporter())) {
                        it.remove();
                        gone.add(e);
                        if (!offline.remove(e.exporter())) {
                            leaving.add(e);
                        }
                    }
                }
            }
            boolean unregistered = false;
            for (Exported e : leaving) {
                unregistered |= unregister(e);
            }
            gone.forEach(Exported::stopWatching);
            TernServerBuilder b = settings;
            if (b != null && !closed.get()) {
                unregistered |= readvertise(b);
            }
            Executor afterDelay = afterUnregistering(delayed && unregistered);
            CompletableFuture.runAsync(() -> { }, afterDelay)
                    .thenCompose(ignored -> CompletableFuture.allOf(exporters.stream().map(Exporter::closeAsync)
                            .toArray(CompletableFuture<?>[]::new)))
                    .whenComplete((ignored, failure) -> unexported.complete(null));
            return unexported;
        }
    }

    /**
     * Takes a service registered at the interface level out of the registry (a WARN when the
     * registry refuses); whether it was registered there.
     */
    private boolean unregister(Exported e) {
        ServiceUrl registered = e.registered();
        if (registry == null || registered == null) {
            return false;
        }
        try {
            registry.unregister(registered);
        } catch (RuntimeException ex) {
            log.warn("cannot unregister {}: {}", registered.serviceKey(), ex.getMessage());
        }
        return true;
    }

    /** Where unexporting runs: after the unregister delay when consumers must first hear of an unregistration, else at once. */
    private Executor afterUnregistering(boolean unregistered) {
        return unregistered && unregisterDelay.toNanos() > 0
                ? CompletableFuture.delayedExecutor(unregisterDelay.toNanos(), TimeUnit.NANOSECONDS)
                : Runnable::run;
    }

    /**
     * Advertises at the application level what the server serves now, when it registers there:
     * a new revision in its instance node, or the node first made, or withdrawn with nothing
     * left; whether an instance was advertised before.
     */
    private boolean readvertise(TernServerBuilder b) {
        ZooKeeperApplications level = registry == null ? null : registry.applications();
        if (level == null || !b.registerMode.instanceLevel()) {
            return false;
        }
        synchronized (exported) {
            InstancePublication published = instance;
            if (published != null) {
                published.advertise(advertisedOnline());
                return true;
            }
            if (!exported.isEmpty()) {
                publishInstance(level, b);
            }
            return false;
        }
    }

    /** Registers the server at the application level: its metadata service on its port, its instance, the mapping. */
    private void publishInstance(ZooKeeperApplications level, TernServerBuilder b) {
        List<ServiceUrl> advertised;
        Exporter<?> first;
        ServiceUrl tripleAt = null;
        synchronized (exported) {
            advertised = advertisedOnline();
            first = exported.get(0).exporter();
            for (Exported e : exported) {
                if ("tri".equals(e.exporter().url().protocol())) {
                    tripleAt = e.exporter().url();
                    break;
                }
            }
        }
        Protocol answering = "dubbo".equals(first.url().protocol()) ? protocol : java.util.Objects.requireNonNull(triple);
        instance = InstancePublication.publish(level, b.application, advertised, answering,
                first.url().host(), b.registerHost != null ? b.registerHost : first.url().host(), first.url().port(),
                tripleAt != null ? triple : null, tripleAt, InstancePublication.Storage.of(b.metadataType,
                        b.reportMetadata), b.tracker);
    }

    /** The advertised URLs of the services not taken offline; the caller holds {@link #exported}. */
    private List<ServiceUrl> advertisedOnline() {
        List<ServiceUrl> online = new ArrayList<>();
        for (Exported e : exported) {
            ServiceUrl advertised = e.advertised();
            if (advertised != null && !offline.contains(e.exporter())) {
                online.add(advertised);
            }
        }
        return online;
    }

    /**
     * Registers an exported service, when there is a registry, and keeps it for closing. With a
     * config center, the provider-side override rules for it are watched first: it registers as
     * they configure it, and registers again whenever they change.
     */
    private void publish(Exporter<?> exporter, TernServerBuilder.ServiceSpec<?> spec, TernServerBuilder b) {
        Registry r = registry;
        if (r == null) {
            synchronized (exported) {
                exported.add(new Exported(exporter, null));
            }
            return;
        }
        ServiceUrl reachable = b.registerHost == null ? exporter.url()
                : exporter.url().toBuilder().address(b.registerHost, exporter.url().port()).build();
        Exported e = new Exported(exporter, RegistryUrls.provider(reachable, spec.type(), b.application));
        synchronized (exported) {
            exported.add(e);
        }
        if (r.applications() != null) {
            e.rules = OverrideWatch.watch(r, java.util.Objects.requireNonNull(e.original),
                    rules -> reconfigure(e, rules), ruleStats);
        }
        if (b.registerMode.interfaceLevel()) {
            synchronized (exported) {
                e.registered = e.advertised;
                r.register(java.util.Objects.requireNonNull(e.registered));
            }
        }
    }

    /**
     * The provider-side override rules of {@code e} changed: it is advertised as they configure
     * it, registered again at the interface level (the new URL first, then the old one taken
     * away) and at the application level, as a Dubbo provider does.
     */
    private void reconfigure(Exported e, List<io.tern.cluster.Configurator> rules) {
        ServiceUrl original = e.original;
        Registry r = registry;
        if (original == null || r == null || closed.get()) {
            return;
        }
        ServiceUrl configured = io.tern.cluster.Configurator.apply(rules, original,
                io.tern.cluster.Configurator.View.provider(original.application(), original.host()));
        synchronized (exported) {
            if (java.util.Objects.equals(configured, e.advertised) || !exported.contains(e)) {
                return;
            }
            e.advertised = configured;
            log.info("registry: {} advertised as {} override rules configure it", original.serviceKey(),
                    rules.size());
            ServiceUrl before = e.registered;
            if (before != null) {
                e.registered = configured;
                if (!offline.contains(e.exporter())) {
                    try {
                        r.register(configured);
                        r.unregister(before);
                    } catch (RuntimeException ex) {
                        log.warn("registry: cannot register {} again as the override rules configure it: {}",
                                original.serviceKey(), ex.getMessage());
                    }
                }
            }
            InstancePublication published = instance;
            if (published != null) {
                published.advertise(advertisedOnline());
            }
        }
    }

    /**
     * A service over Triple, on the dubbo services' port when there are any, through the same
     * filters (the Triple protocol's provider filters, set by the builder).
     */
    private <T> Exporter<T> exportTriple(TernServerBuilder.ServiceSpec<T> spec, TernServerBuilder b, int port) {
        TripleProtocol tri = java.util.Objects.requireNonNull(triple);
        ServiceUrl url = serviceUrl("tri", spec, b, port);
        if (b.tls != null && !exported.isEmpty()) {
            // on the dubbo services' port, whose TLS the dubbo protocol terminates
            url = url.toBuilder().parameter(io.tern.transport.tls.ServerTls.SSL_ENABLED, true).build();
        }
        return tri.export(Invokers.of(spec.type(), spec.implementation(), url, b.tracker));
    }

    /** Starts the operations endpoint on 127.0.0.1:{@code port}; closed with the server. */
    void startOps(int port, io.micrometer.prometheusmetrics.@Nullable PrometheusMeterRegistry prometheus) {
        ops = OpsServer.start(new Ops(prometheus), port);
    }

    /**
     * What the operations endpoint reports of this server — its services, their addresses and
     * whether they are online, and the tracker's report — for an embedder that shows it its own
     * way (an actuator endpoint, a health check).
     */
    public OpsTarget state() {
        return new Ops(null);
    }

    /** The operations endpoint, or {@code null} when the server was built without one. */
    public @Nullable OpsServer ops() {
        return ops;
    }

    /** What the operations endpoint sees of this server and does to it. */
    private final class Ops extends OpsBase {
        Ops(io.micrometer.prometheusmetrics.@Nullable PrometheusMeterRegistry prometheus) {
            super(tracker, prometheus);
        }

        @Override
        public List<Service> services() {
            synchronized (exported) {
                return exported.stream().map(e -> new Service(e.exporter().url().serviceKey().toString(),
                        e.exporter().url().protocol(), e.exporter().url().address(),
                        !offline.contains(e.exporter()))).toList();
            }
        }

        @Override
        public List<ReferenceState> references() {
            return List.of();
        }

        @Override
        public List<RuleState> rules() {
            List<Exported> all;
            synchronized (exported) {
                all = new ArrayList<>(exported);
            }
            List<RuleState> states = new ArrayList<>();
            for (Exported e : all) {
                OverrideWatch watch = e.rules;
                if (watch != null) {
                    String owner = e.exporter().url().serviceKey() + " (" + e.exporter().url().protocol() + ")";
                    watch.describe().forEach((key, status) -> states.add(new RuleState(owner, "provider", key,
                            status)));
                }
            }
            return states;
        }

        @Override
        public int online(String pattern) {
            return change(pattern, null, true);
        }

        @Override
        public int offline(String pattern) {
            return change(pattern, null, false);
        }

        @Override
        public int online(String pattern, @Nullable String protocol) {
            return change(pattern, protocol, true);
        }

        @Override
        public int offline(String pattern, @Nullable String protocol) {
            return change(pattern, protocol, false);
        }

        private int change(String pattern, @Nullable String protocol, boolean online) {
            int matched = 0;
            synchronized (exported) {
                for (Exported e : exported) {
                    if (!OpsPatterns.matches(pattern, e.exporter().url().serviceKey())
                            || protocol != null && !protocol.equals(e.exporter().url().protocol())) {
                        continue;
                    }
                    matched++;
                    boolean wasOffline = offline.contains(e.exporter());
                    if (online && wasOffline) {
                        if (registry != null && e.registered() != null) {
                            registry.register(e.registered());
                        }
                        offline.remove(e.exporter());
                        healthSays(e.exporter(), true);
                        log.info("ops: {} is online", e.exporter().url().serviceKey());
                    } else if (!online && !wasOffline) {
                        if (registry != null && e.registered() != null) {
                            registry.unregister(e.registered());
                        }
                        offline.add(e.exporter());
                        healthSays(e.exporter(), false);
                        log.info("ops: {} is offline (still exported)", e.exporter().url().serviceKey());
                    }
                }
                InstancePublication published = instance;
                if (published != null && matched > 0) {
                    published.advertise(advertisedOnline());
                }
            }
            return matched;
        }

        /** gRPC health checks of a service over Triple follow what the operator said of it. */
        private void healthSays(Exporter<?> exporter, boolean serving) {
            if (triple != null && "tri".equals(exporter.url().protocol())) {
                triple.health().setServing(exporter.url().serviceKey(), serving);
            }
        }

        @Override
        public boolean ready() {
            synchronized (exported) {
                return started && !closed.get() && !exported.isEmpty() && offline.isEmpty();
            }
        }

        @Override
        public boolean started() {
            return started;
        }

    }

    private static <T> Exporter<T> export(TernServerBuilder.ServiceSpec<T> spec, TernServerBuilder b, int port,
            DubboProtocol protocol) {
        return protocol.export(Invokers.of(spec.type(), spec.implementation(), serviceUrl("dubbo", spec, b, port),
                b.tracker));
    }

    private static ServiceUrl serviceUrl(String protocol, TernServerBuilder.ServiceSpec<?> spec, TernServerBuilder b,
            int port) {
        ServiceUrlBuilder url = ServiceUrl.builder(protocol).address(b.host, port).path(spec.type().getName())
                .parameter("application", b.application);
        if (!spec.options().group.isEmpty()) {
            url.group(spec.options().group);
        }
        if (!spec.options().version.isEmpty()) {
            url.version(spec.options().version);
        }
        spec.options().parameters.forEach(url::parameter);
        return url.build();
    }

    /**
     * The URL of the registry the server registers with, as it connected to it: for an
     * {@code embedded://} one, the {@code zookeeper://127.0.0.1:port} of the ZooKeeper it started,
     * which other processes can use. Empty without a registry.
     */
    public java.util.Optional<ServiceUrl> registryUrl() {
        return registry == null ? java.util.Optional.empty() : java.util.Optional.of(registry.url());
    }

    /** The names of the protocols this server runs: {@code dubbo}, and {@code tri} when it serves Triple. */
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
     * What the protocol named {@code name} holds now: ports, connections, calls.
     *
     * @throws IllegalArgumentException naming the protocols it runs, when it runs no such one
     */
    public ProtocolStats stats(String name) {
        return ServedProtocol.named(name, running()).stats();
    }

    private List<ServedProtocol> running() {
        return ServedProtocol.of(protocol, triple);
    }

    /** The port the server listens on; 0 when it exports nothing. */
    public int port() {
        synchronized (exported) { // services come and go while the server runs
            return exported.isEmpty() ? 0 : exported.get(0).exporter().url().port();
        }
    }

    /** The URLs of the exported services, with the port bound. */
    public List<ServiceUrl> urls() {
        synchronized (exported) {
            return exported.stream().<ServiceUrl>map(e -> e.exporter().url()).toList();
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
        if (triple != null) {
            triple.health().shutdown(); // gRPC health checks say NOT_SERVING while calls finish
        }
        List<Exported> reversed;
        java.util.Set<Exporter<?>> wasOffline;
        synchronized (exported) {
            reversed = new ArrayList<>(exported);
            wasOffline = java.util.Set.copyOf(offline);
        }
        java.util.Collections.reverse(reversed);
        reversed.forEach(Exported::stopWatching);
        boolean unregistered = false;
        InstancePublication published = instance;
        if (published != null) {
            published.withdraw(); // first: consumers at the application level stop before the ports close
            unregistered = true;
        }
        for (Exported e : reversed) {
            if (!wasOffline.contains(e.exporter())) {
                unregistered |= unregister(e);
            }
        }
        Executor afterDelay = afterUnregistering(unregistered);
        CompletableFuture.supplyAsync(() -> {
                    List<CompletableFuture<Void>> unexporting = new ArrayList<>();
                    reversed.forEach(e -> unexporting.add(e.exporter().closeAsync()));
                    if (published != null) {
                        unexporting.add(published.closeAsync()); // the metadata service
                    }
                    return CompletableFuture.allOf(unexporting.toArray(CompletableFuture<?>[]::new));
                }, afterDelay)
                .thenCompose(unexported -> unexported)
                .thenCompose(ignored -> triple != null ? triple.closeAsync() : CompletableFuture.completedFuture(null))
                .thenCompose(ignored -> protocol.closeAsync())
                .thenCompose(ignored -> CallPools.terminate(calls, shutdownTimeout, "server"))
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
}
