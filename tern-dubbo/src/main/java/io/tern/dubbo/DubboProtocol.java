package io.tern.dubbo;

import static java.util.Objects.requireNonNull;

import io.tern.ClassPolicy;
import io.tern.Exporter;
import io.tern.HostPort;
import io.tern.Invoker;
import io.tern.Protocol;
import io.tern.ServiceUrl;
import io.tern.ServiceUrlBuilder;
import io.tern.core.FilterChain;
import io.tern.core.Tokens;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.serialization.Hessian2Serialization;
import io.tern.transport.PortProtocol;
import io.tern.transport.WorkStealingPool;
import io.tern.transport.tls.ClientTls;
import io.tern.transport.tls.PlaintextWarnings;
import io.tern.transport.tls.PortTls;
import io.tern.transport.tls.ServerTls;
import io.tern.transport.tls.TlsContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Apache Dubbo's {@code dubbo} protocol: Hessian2 over TCP, wire-compatible with Dubbo 3.3.
 *
 * <p>Exporting binds a server for the URL's address (port 0 for any free port; the exporter's
 * URL names the port bound) or joins the server already there; unexporting a port's last service
 * closes the port gracefully. Referring shares one reference-counted client per provider address
 * among all references; the last reference's close closes its connections. Referring never waits
 * for the network: the first connection is made in the background.
 *
 * <p>The protocol owns its event loops, timer, servers, clients, exporters and invokers until
 * they are closed; every one of them leaves the protocol's maps when it closes. Closing the
 * protocol closes what is still open, then its threads.
 */
public final class DubboProtocol implements Protocol {

    /** The protocol's name in URLs. */
    public static final String NAME = "dubbo";

    private final LifecycleTracker tracker;
    private final FilterChain providerFilters;
    private final FilterChain consumerFilters;
    private final ServerOptions serverDefaults;
    private final ClientOptions clientDefaults;
    private final ClassPolicy policy;
    private final DubboCodec codec;
    private final TransportResources resources;
    /** The other protocols served on this protocol's ports, told from a connection's first bytes after dubbo. */
    final List<PortProtocol> sharedPort;
    /** The call pool shared with the server's other protocols; null when each server has its own. */
    final @Nullable WorkStealingPool callPool;
    private final ConcurrentMap<HostPort, DubboServer> servers = new ConcurrentHashMap<>();
    private final ConcurrentMap<ClientKey, SharedClient> clients = new ConcurrentHashMap<>();
    /** TLS for the ports bound, when set. */
    final @Nullable TlsContext serverTls;
    /** TLS in front of the ports bound, when set. */
    final @Nullable PortTls portTls;
    private final @Nullable TlsContext clientTls;
    /** TLS against the JVM's trust store, made for the first provider that asks for TLS when none is set. */
    private @Nullable TlsContext defaultClientTls;
    private final Set<DubboExporter<?>> exporters = ConcurrentHashMap.newKeySet();
    private final Set<DubboInvoker<?>> invokers = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong connectionsOpened = new java.util.concurrent.atomic.AtomicLong();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private final DubboProtocolStats stats = new LiveStats();

    DubboProtocol(DubboProtocolBuilder builder) {
        this.tracker = builder.tracker;
        this.providerFilters = builder.providerFilters;
        this.consumerFilters = builder.consumerFilters;
        this.serverDefaults = builder.serverOptions;
        this.clientDefaults = builder.clientOptions;
        this.policy = builder.classPolicy;
        this.codec = new DubboCodec(new Hessian2Serialization(policy));
        this.resources = new TransportResources(builder.ioThreads, builder.eventLoops);
        this.sharedPort = builder.sharedPort;
        this.callPool = builder.callPool;
        TlsContext server = null;
        try {
            server = builder.serverTls == null ? null : TlsContext.server(builder.serverTls, resources.decodeGroup, tracker);
            this.clientTls = builder.clientTls == null ? null
                    : TlsContext.client(builder.clientTls, false, resources.decodeGroup, tracker);
        } catch (RuntimeException e) {
            if (server != null) {
                server.close();
            }
            resources.close();
            throw e;
        }
        this.serverTls = server;
        this.portTls = server == null || builder.serverTls == null ? null
                : new PortTls(server, builder.serverTls.mode(), new PlaintextWarnings("dubbo"));
    }

    /** Which client an address is called through: plaintext and TLS connections are not shared. */
    private record ClientKey(HostPort address, boolean tls) {
    }

    public static DubboProtocolBuilder builder() {
        return new DubboProtocolBuilder();
    }

    public static DubboProtocol create() {
        return builder().build();
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Exports on the URL's host and port ({@code bind.ip} and {@code bind.port} override them).
     * The returned exporter's {@link Exporter#url()} carries the port bound.
     */
    @Override
    public <T> Exporter<T> export(Invoker<T> invoker) {
        requireNonNull(invoker, "invoker");
        checkOpen();
        ServiceUrl url = Tokens.resolve(invoker.url());
        if (url.serviceKey().interfaceName().isEmpty()) {
            throw new IllegalArgumentException("url: " + url + " names no service (expected: a path or an interface"
                    + " parameter)");
        }
        ServerOptions options = serverDefaults.withUrl(url);
        String host = url.parameter("bind.ip", url.host().isEmpty() ? "0.0.0.0" : url.host());
        int port = url.intParameter("bind.port", url.port());
        policy.allowInterface(invoker.type());
        Invoker<T> filtered = providerFilters.wrap(Tokens.guard(invoker, Tokens.of(url)));
        while (true) {
            DubboServer server = port == 0 ? bindAnyPort(host, options)
                    : servers.computeIfAbsent(new HostPort(host, port),
                            a -> DubboServer.bind(this, resources, codec, options, host, port, tracker));
            ServiceUrlBuilder exported = url.toBuilder().address(url.host().isEmpty() ? host : url.host(),
                    server.address.port());
            if (serverTls != null) {
                exported.parameter(ServerTls.SSL_ENABLED, true);
            }
            ServiceUrl exportedUrl = exported.build();
            DubboExporter<T> exporter = new DubboExporter<>(this, server, exportedUrl, filtered, tracker);
            boolean added;
            try {
                added = server.export(exporter);
            } catch (IllegalStateException e) {
                exporter.retire();
                throw e;
            }
            if (added) {
                exporters.add(exporter);
                if (closed.get()) {
                    exporter.close();
                    checkOpen();
                }
                return exporter;
            }
            exporter.retire();
            server.closeFuture().join(); // the port is closing: wait, then bind it anew
        }
    }

    private DubboServer bindAnyPort(String host, ServerOptions options) {
        DubboServer server = DubboServer.bind(this, resources, codec, options, host, 0, tracker);
        servers.put(server.address, server);
        return server;
    }

    @Override
    public <T> Invoker<T> refer(Class<T> type, ServiceUrl url) {
        requireNonNull(type, "type");
        requireNonNull(url, "url");
        checkOpen();
        if (url.port() == 0 || url.host().isEmpty()) {
            throw new IllegalArgumentException("url: " + url + " (expected: a provider address host:port)");
        }
        policy.allowInterface(type);
        ClientOptions options = clientDefaults.withUrl(url);
        HostPort address = new HostPort(url.host(), url.port());
        SharedClient client = acquire(address, options, clientTls(url));
        DubboInvoker<T> invoker = new DubboInvoker<>(this, type, url, client, options, tracker);
        invokers.add(invoker);
        if (closed.get()) {
            invoker.close();
            checkOpen();
        }
        return consumerFilters.wrap(invoker);
    }

    /**
     * The shared client of an address, retained. Never waits for a connection: a new client starts
     * connecting in the background (unless lazy), and calls made meanwhile wait for that attempt.
     */
    private SharedClient acquire(HostPort address, ClientOptions options, @Nullable TlsContext tls) {
        boolean[] created = new boolean[1];
        SharedClient client = clients.compute(new ClientKey(address, tls != null), (a, existing) -> {
            if (existing != null && existing.tryRetain()) {
                return existing;
            }
            created[0] = true;
            return new SharedClient(this, resources, codec, address, options, tls, tracker);
        });
        if (created[0]) {
            client.start();
        }
        return client;
    }

    /**
     * The TLS a connection for this URL uses: the one set, else for a provider that says
     * {@code ssl-enabled=true}, TLS against the JVM's trust store; none otherwise.
     */
    private @Nullable TlsContext clientTls(ServiceUrl url) {
        if (clientTls != null) {
            return clientTls;
        }
        if (!url.booleanParameter(ServerTls.SSL_ENABLED, false)) {
            return null;
        }
        synchronized (this) {
            if (defaultClientTls == null) {
                defaultClientTls = TlsContext.client(ClientTls.systemTrust(), false, resources.decodeGroup, tracker);
            }
            return defaultClientTls;
        }
    }

    /** The TLS of this protocol's ports and connections, for metrics: handshakes, reloads, plaintext counts. */
    public java.util.Optional<TlsContext> serverTlsContext() {
        return java.util.Optional.ofNullable(serverTls);
    }

    /** The server bound to this port, if any; for tests. */
    @Nullable DubboServer server(int port) {
        for (DubboServer server : servers.values()) {
            if (server.address.port() == port) {
                return server;
            }
        }
        return null;
    }

    void forget(DubboServer server) {
        servers.remove(server.address, server);
    }

    void forget(SharedClient client) {
        clients.remove(new ClientKey(client.address, client.tls != null), client);
    }

    void forget(DubboInvoker<?> invoker) {
        invokers.remove(invoker);
    }

    void forget(DubboExporter<?> exporter) {
        exporters.remove(exporter);
    }

    /** What the protocol holds now: ports, clients, services, invokers, calls and connections. */
    public DubboProtocolStats stats() {
        return stats;
    }

    /** A live view of the protocol's containers, read when asked. */
    private final class LiveStats implements DubboProtocolStats {
        @Override
        public int serverCount() {
            return servers.size();
        }

        @Override
        public int clientCount() {
            return clients.size();
        }

        @Override
        public int exportedCount() {
            return exporters.size();
        }

        @Override
        public int referredCount() {
            return invokers.size();
        }

        @Override
        public int pendingCalls() {
            return clients.values().stream().mapToInt(SharedClient::pendingCalls).sum();
        }

        @Override
        public long connectionsOpened() {
            return connectionsOpened.get();
        }

        @Override
        public int acceptedConnections() {
            return servers.values().stream().mapToInt(DubboServer::connectionCount).sum();
        }

        @Override
        public int serverCallsInFlight() {
            return servers.values().stream().mapToInt(DubboServer::callsInFlight).sum();
        }

        @Override
        public int serverPoolActive() {
            return servers.values().stream().mapToInt(DubboServer::poolActive).sum();
        }

        @Override
        public int serverPoolQueued() {
            return servers.values().stream().mapToInt(DubboServer::poolQueued).sum();
        }
    }

    void connectionOpened() {
        connectionsOpened.incrementAndGet();
    }

    /** The class policy peers' values are read through. */
    public ClassPolicy classPolicy() {
        return policy;
    }

    @Override
    public CompletableFuture<Void> closeAsync() {
        if (!closed.compareAndSet(false, true)) {
            return closeFuture;
        }
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        invokers.forEach(i -> pending.add(i.closeAsync()));
        exporters.forEach(e -> pending.add(e.closeAsync()));
        servers.values().forEach(s -> pending.add(s.closeAsync()));
        CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
                .whenComplete((a, b) -> {
                    List<CompletableFuture<Void>> rest = new ArrayList<>();
                    clients.values().forEach(c -> rest.add(c.close()));
                    CompletableFuture.allOf(rest.toArray(new CompletableFuture<?>[0]))
                            .thenCompose(ignored -> {
                                closeTls();
                                return resources.close();
                            })
                            .whenComplete((x, y) -> closeFuture.complete(null));
                });
        return closeFuture;
    }

    private synchronized void closeTls() {
        for (TlsContext tls : new TlsContext[] {serverTls, clientTls, defaultClientTls}) {
            if (tls != null) {
                tls.close();
            }
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("protocol dubbo is closed (expected: an open protocol)");
        }
    }

    @Override
    public String toString() {
        return "DubboProtocol[servers=" + servers.size() + ", clients=" + clients.size() + ", exported="
                + exporters.size() + ", referred=" + invokers.size() + (closed.get() ? ", closed" : "") + "]";
    }
}
