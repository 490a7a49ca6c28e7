package io.tern.triple;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.tern.ClassPolicy;
import io.tern.Exporter;
import io.tern.Invoker;
import io.tern.Protocol;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.PeerWarnings;
import io.tern.core.ProtocolStats;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.serialization.Hessian2Serialization;
import io.tern.transport.ConnectionLimits;
import io.tern.transport.EventLoops;
import io.tern.transport.PortProtocol;
import io.tern.transport.ServerPort;
import io.tern.transport.WorkStealingPool;
import io.tern.transport.tls.ClientTls;
import io.tern.transport.tls.PlaintextWarnings;
import io.tern.transport.tls.PortTls;
import io.tern.transport.tls.ServerTls;
import io.tern.transport.tls.TlsContext;
import io.tern.triple.internal.GrpcCompression;
import io.tern.triple.internal.GrpcHealthService;
import io.tern.triple.internal.GrpcReflectionService;
import io.tern.triple.internal.Protobuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * The Triple protocol, {@code tri}: gRPC over HTTP/2 (h2c, prior knowledge) as Apache Dubbo 3.3
 * speaks it, and unary calls in JSON over HTTP/1.1 on the same port. Exports services on
 * servers, one per address, or on a port the dubbo protocol listens on ({@link #share}); refers
 * them, one shared connection per address. Methods of plain Java interfaces travel wrapped with
 * Hessian2 inside ({@code hessian4}), under the same class policy as the dubbo protocol;
 * methods whose request and answer are protobuf messages travel as protobuf, as any gRPC peer
 * sends them. Unary, server-streaming and bidirectional calls ({@link io.tern.StreamObserver}),
 * with HTTP/2 flow control, deadlines from {@code grpc-timeout}, and cancellation both ways.
 *
 * <p>Owns its event loops, its service threads, its servers and its connections; closing it
 * unexports what is still exported, closes the connections and stops them.
 */
public final class TripleProtocol implements Protocol {

    /** The largest message taken or sent, as Dubbo's default. */
    public static final int MAX_MESSAGE_SIZE = 8 * 1024 * 1024;

    /**
     * The streams a client may have open at once on one connection to a Tern server; a Tern
     * client holds calls beyond a server's limit until a stream frees up.
     */
    public static final int MAX_CONCURRENT_STREAMS = 1_000;

    private final LifecycleTracker tracker;
    private final ClassPolicy policy;
    /** Reads HTTP/1.1 JSON bodies, every type id they name checked against the policy. */
    private final ObjectMapper json;
    private final Hessian2Serialization serialization;
    /** The event loops: its own, or a set shared with the other protocols of a server or client. */
    private final EventLoops loops;
    private final boolean ownsLoops;
    /** Where services run: its own threads, or the call pool of the server it serves on. */
    private final ExecutorService services;
    private final boolean ownsServices;
    private final Map<String, TripleServer> servers = new HashMap<>();
    /** The servers on ports other protocols listen on, by port. */
    private final Map<Integer, TripleServer> shared = new HashMap<>();
    private final Map<String, TripleConnection> connections = new HashMap<>();
    private final Set<TripleInvoker<?>> invokers = new HashSet<>();
    private final ReentrantLock lock = new ReentrantLock();
    /** What gRPC's health service answers on this protocol's servers. */
    private final TripleHealth health = new TripleHealth(this);
    /** The services every server answers, made when first called; guarded by {@link #lock}. */
    private final Map<String, TripleExporter<?>> builtIns = new HashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

    /** Filters around every exported invoker, inside the token check's refusal so that they see it. */
    private volatile io.tern.core.FilterChain providerFilters = io.tern.core.FilterChain.empty();
    private volatile io.tern.core.FilterChain consumerFilters = io.tern.core.FilterChain.empty();

    /**
     * What peers of the ports this protocol binds itself may hold, the same limits and option names
     * as the dubbo protocol's ({@code accepts}, {@code accepts.per.address}, {@code inbound.budget},
     * {@code frame.timeout}); an export URL's parameters override them. A shared port has the limits
     * of the protocol that binds it.
     */
    private volatile ConnectionLimits limits = ConnectionLimits.DEFAULT;
    /** Keepalive of the servers this protocol starts: grpc-java's server defaults, unless set. */
    private volatile KeepAlive serverKeepAlive = KeepAlive.SERVER;

    /** TLS of the ports this protocol binds itself; a shared port has the TLS of the protocol that binds it. */
    private final @Nullable TlsContext serverTls;
    private final @Nullable PortTls portTls;
    private final PeerWarnings peerWarnings = new PeerWarnings(LoggerFactory.getLogger(PeerErrors.class));
    private final PeerErrors http2Errors = new PeerErrors(peerWarnings, "an HTTP/2");
    private final @Nullable TlsContext clientTls;
    /** TLS against the JVM's trust store, for providers that say {@code ssl-enabled=true} when none is set. */
    private @Nullable TlsContext defaultClientTls;

    private TripleProtocol(LifecycleTracker tracker, ClassPolicy policy, @Nullable ServerTls serverTls,
            @Nullable ClientTls clientTls, @Nullable EventLoops shared, @Nullable WorkStealingPool callPool) {
        this.tracker = tracker;
        this.policy = policy;
        this.serialization = new Hessian2Serialization(policy);
        this.json = Http1JsonHandler.JSON.copy().setPolymorphicTypeValidator(new PolicyTypeValidator(policy));
        this.ownsLoops = shared == null;
        this.loops = shared != null ? shared
                : EventLoops.create("tern-tri", 2 * Runtime.getRuntime().availableProcessors());
        TlsContext server = null;
        try {
            server = serverTls == null ? null : TlsContext.server(serverTls, loops.ioGroup(), tracker);
            this.clientTls = clientTls == null ? null : TlsContext.client(clientTls, true, loops.ioGroup(), tracker);
        } catch (RuntimeException e) {
            if (server != null) {
                server.close();
            }
            if (ownsLoops) {
                loops.closeAsync();
            }
            throw e;
        }
        this.serverTls = server;
        this.portTls = server == null || serverTls == null ? null
                : new PortTls(server, serverTls.mode(), new PlaintextWarnings("tri"));
        this.ownsServices = callPool == null;
        this.services = callPool != null ? callPool : new ThreadPoolExecutor(0, OWN_SERVICE_THREADS, 60,
                TimeUnit.SECONDS, new SynchronousQueue<>(), new DefaultThreadFactory("tern-tri-service", true));
        int threads = callPool != null ? callPool.threads() : OWN_SERVICE_THREADS;
        this.maxWaitingStreamWriters = Math.max(1, threads / 2);
        this.streamWriters = new java.util.concurrent.Semaphore(maxWaitingStreamWriters);
    }

    /**
     * Filters every service exported from now on runs through (metrics, tracing), outermost
     * first; a call refused for its token passes through them too.
     */
    public TripleProtocol providerFilters(java.util.List<? extends io.tern.Filter> filters) {
        this.providerFilters = io.tern.core.FilterChain.of(filters);
        return this;
    }

    /** The limits of the ports this protocol binds from now on (see {@link ConnectionLimits}). */
    /**
     * The keepalive of the servers it starts from now on (an export URL's {@code keepalive.*}
     * and {@code permit.keepalive.*} parameters override it for its server): how often they ping a
     * silent client, and how often they let clients ping.
     */
    public TripleProtocol serverKeepAlive(KeepAlive keepAlive) {
        this.serverKeepAlive = requireNonNull(keepAlive, "keepAlive");
        return this;
    }

    KeepAlive serverKeepAlive() {
        return serverKeepAlive;
    }

    public TripleProtocol connectionLimits(ConnectionLimits limits) {
        this.limits = requireNonNull(limits, "limits");
        return this;
    }

    /**
     * Filters every invoker referred from now on runs through (metrics, tracing), outermost
     * first, as the dubbo protocol's consumer filters.
     */
    public TripleProtocol consumerFilters(java.util.List<? extends io.tern.Filter> filters) {
        this.consumerFilters = io.tern.core.FilterChain.of(filters);
        return this;
    }

    io.tern.core.FilterChain providerFilters() {
        return providerFilters;
    }

    /** A protocol with the global tracker and a strict class policy. */
    public static TripleProtocol create() {
        return create(LifecycleTracker.global(), ClassPolicy.strict());
    }

    /** A protocol registering with {@code tracker}, reading only what {@code policy} allows. */
    public static TripleProtocol create(LifecycleTracker tracker, ClassPolicy policy) {
        return create(tracker, policy, null, null);
    }

    /**
     * A protocol with TLS: {@code serverTls} on the ports it binds itself (a port shared with the
     * dubbo protocol has that protocol's TLS), {@code clientTls} on every connection it makes.
     * Without {@code clientTls}, a connection to a provider whose URL says {@code ssl-enabled=true}
     * uses TLS verified against the JVM's trust store.
     *
     * @throws IllegalArgumentException naming the file when a TLS file cannot be read or used
     */
    public static TripleProtocol create(LifecycleTracker tracker, ClassPolicy policy, @Nullable ServerTls serverTls,
            @Nullable ClientTls clientTls) {
        return new TripleProtocol(requireNonNull(tracker, "tracker"), requireNonNull(policy, "policy"), serverTls,
                clientTls, null, null);
    }

    /**
     * As {@link #create(LifecycleTracker, ClassPolicy, ServerTls, ClientTls)}, on event loops shared
     * with the other protocols of a server or client; they stay open when this protocol closes, for
     * whoever made them to close.
     */
    public static TripleProtocol create(LifecycleTracker tracker, ClassPolicy policy, @Nullable ServerTls serverTls,
            @Nullable ClientTls clientTls, EventLoops loops) {
        return new TripleProtocol(requireNonNull(tracker, "tracker"), requireNonNull(policy, "policy"), serverTls,
                clientTls, requireNonNull(loops, "loops"), null);
    }

    /**
     * As {@link #create(LifecycleTracker, ClassPolicy, ServerTls, ClientTls, EventLoops)}, running
     * services on the call pool of a server, shared with its other protocols (server-stream writers
     * waiting for slow readers may hold half its threads, no more); the pool stays open when this
     * protocol closes, for whoever made it to stop.
     */
    public static TripleProtocol create(LifecycleTracker tracker, ClassPolicy policy, @Nullable ServerTls serverTls,
            @Nullable ClientTls clientTls, EventLoops loops, WorkStealingPool callPool) {
        return new TripleProtocol(requireNonNull(tracker, "tracker"), requireNonNull(policy, "policy"), serverTls,
                clientTls, requireNonNull(loops, "loops"), requireNonNull(callPool, "callPool"));
    }

    @Override
    public String name() {
        return "tri";
    }

    /**
     * Exports on the server at the URL's address, started for it unless one serves there already;
     * port 0 binds any free port, and the exporter's URL says which.
     *
     * @throws IllegalStateException when the protocol is closed or the service key is exported there
     */
    @Override
    public <T> Exporter<T> export(Invoker<T> invoker) {
        requireNonNull(invoker, "invoker");
        TripleMethod.checkShapes(invoker.type());
        ServiceUrl url = invoker.url();
        GrpcCompression.compresses(url.parameter(TripleExporter.COMPRESSION)); // a wrong value fails the export
        lock.lock();
        try {
            if (closed.get()) {
                throw new IllegalStateException("protocol closed: tri (expected: an open protocol)");
            }
            policy.allowInterface(invoker.type());
            String address = url.host() + ":" + url.port();
            TripleServer server = servers.get(address);
            if (server == null) {
                server = TripleServer.bind(this, url.host(), url.port(), limits.withUrl(url),
                        serverKeepAlive.withUrl(url));
                servers.put(address, server);
                if (url.port() == 0) {
                    servers.put(url.host() + ":" + server.port(), server);
                }
            }
            return server.export(invoker);
        } finally {
            lock.unlock();
        }
    }

    /**
     * An invoker of the service at the URL's address, over the connection this protocol keeps to
     * that address (made now if it has none), with the URL's timeout (3 s if it names none). The
     * caller owns the invoker; the connection closes when its last invoker does.
     *
     * @throws IllegalStateException when the protocol is closed
     * @throws io.tern.RpcException {@link io.tern.RpcStatus#NETWORK} when the address cannot be reached
     */
    @Override
    public <T> Invoker<T> refer(Class<T> type, ServiceUrl url) {
        requireNonNull(type, "type");
        requireNonNull(url, "url");
        TripleMethod.checkShapes(type);
        GrpcCompression.compresses(url.parameter(TripleExporter.COMPRESSION)); // a wrong value fails the reference
        lock.lock();
        try {
            if (closed.get()) {
                throw new IllegalStateException("protocol closed: tri (expected: an open protocol)");
            }
            policy.allowInterface(type);
            String address = url.host() + ":" + url.port();
            TripleConnection connection = connections.get(address);
            TlsContext tls = clientTls(url);
            if (tls != null) {
                address = "tls:" + address;
                connection = connections.get(address);
            }
            if (connection == null) {
                connection = TripleConnection.connect(this, url.host(), url.port(), tls, address,
                        KeepAlive.CLIENT.withUrl(url));
                connections.put(address, connection);
            }
            connection.users++;
            TripleInvoker<T> invoker = new TripleInvoker<>(this, connection, type, url);
            invokers.add(invoker);
            return consumerFilters.wrap(invoker);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Serves Triple on a port another protocol listens on (the dubbo protocol's, through its
     * {@code sharePort}): services exported here afterwards at {@code host:port} are answered on
     * the connections that port hands to {@link #sharedPortProtocols}. The sharing ends with the last
     * service exported there.
     *
     * @throws IllegalStateException when the protocol is closed or already serves that address
     */
    public void share(String host, int port) {
        requireNonNull(host, "host");
        if (port <= 0 || port > 65_535) {
            throw new IllegalArgumentException("port: " + port + " (expected: the bound port, 1 to 65535)");
        }
        lock.lock();
        try {
            if (closed.get()) {
                throw new IllegalStateException("protocol closed: tri (expected: an open protocol)");
            }
            String address = host + ":" + port;
            if (servers.containsKey(address)) {
                throw new IllegalStateException("tri already serves " + address + " (expected: share a port once)");
            }
            TripleServer server = TripleServer.shared(this, host, port);
            servers.put(address, server);
            shared.put(port, server);
        } finally {
            lock.unlock();
        }
    }

    /**
     * What Triple serves on a port another protocol binds and shares with {@link #share}: HTTP/2
     * and HTTP/1.1, told from a connection's first bytes. A connection on a port no longer shared
     * is closed.
     */
    public List<PortProtocol> sharedPortProtocols() {
        return TripleServer.portProtocols(this::sharedServer);
    }

    /** The server sharing the port a connection came in on; null when that port is not shared. */
    private @Nullable TripleServer sharedServer(io.netty.channel.Channel connection) {
        int port = ((java.net.InetSocketAddress) connection.localAddress()).getPort();
        lock.lock();
        try {
            return shared.get(port);
        } finally {
            lock.unlock();
        }
    }

    /** An invoker started closing: it leaves the protocol at once. */
    void forget(TripleInvoker<?> invoker) {
        lock.lock();
        try {
            invokers.remove(invoker);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A closed invoker's calls have ended: it lets go of its share of the connection, and the
     * last share closes the connection, which leaves the protocol.
     */
    CompletableFuture<Void> release(TripleConnection connection) {
        lock.lock();
        try {
            if (--connection.users > 0) {
                return CompletableFuture.completedFuture(null);
            }
            connections.remove(connection.key, connection);
        } finally {
            lock.unlock();
        }
        return connection.close();
    }

    /** The invokers referred and not closed; for lifecycle tests. */
    public int invokerCount() {
        lock.lock();
        try {
            return invokers.size();
        } finally {
            lock.unlock();
        }
    }

    /** The connections to providers open now; for lifecycle tests. */
    public int connectionCount() {
        lock.lock();
        try {
            return connections.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The HTTP/2 streams open now on this protocol's servers and connections; for lifecycle
     * tests: every stream leaves once it completes, fails, is cancelled, times out or its
     * connection goes.
     */
    public int activeStreams() {
        return (int) sumOverServers(TripleServer::activeStreams) + clientStreams();
    }

    /** The HTTP/2 streams open now on the connections this protocol made to providers. */
    private int clientStreams() {
        List<TripleConnection> open;
        lock.lock();
        try {
            open = List.copyOf(connections.values());
        } finally {
            lock.unlock();
        }
        int total = 0;
        for (TripleConnection connection : open) {
            total += connection.activeStreams();
        }
        return total;
    }

    /**
     * Whether a method of the service interface {@code type} travels as protobuf messages: a
     * service Triple alone carries (Hessian2 over dubbo does not), as gRPC clients call it.
     */
    public static boolean carriesProtobuf(Class<?> type) {
        for (io.tern.MethodDescriptor method : io.tern.ServiceDescriptor.of(type).methods()) {
            if (TripleMethod.isProtobuf(method)) {
                return true;
            }
        }
        return false;
    }

    /**
     * What gRPC's health service ({@code grpc.health.v1.Health}) answers on this protocol's
     * servers: each service's status, which an operator may change, and the watches open.
     */
    public TripleHealth health() {
        return health;
    }

    /** The services exported on this protocol's servers now. */
    List<TripleExporter<?>> exporters() {
        List<TripleExporter<?>> all = new ArrayList<>();
        for (TripleServer server : running()) {
            all.addAll(server.exporters());
        }
        return all;
    }

    /**
     * The service every server answers under {@code interfaceName} when none is exported under
     * it: gRPC's health service, and its server reflection where protobuf-java is present; null
     * for any other name, or once the protocol is closing.
     */
    @Nullable TripleExporter<?> builtIn(String interfaceName) {
        boolean reflection = TripleReflection.V1.equals(interfaceName) || TripleReflection.V1ALPHA.equals(interfaceName);
        if (!TripleHealth.SERVICE_NAME.equals(interfaceName) && !(reflection && Protobuf.present())) {
            return null;
        }
        lock.lock();
        try {
            if (closed.get()) {
                return null;
            }
            return builtIns.computeIfAbsent(interfaceName, name -> {
                ServiceUrl url = ServiceUrl.builder("tri").address("0.0.0.0", 0).path(name).build();
                Invoker<?> invoker = reflection
                        ? Invokers.of(GrpcReflectionService.class, new TripleReflection(this), url, tracker)
                        : Invokers.of(GrpcHealthService.class, health.service(), url, tracker);
                return TripleExporter.builtIn(this, url, invoker);
            });
        } finally {
            lock.unlock();
        }
    }

    /** A server that has unexported its last service has closed: it leaves the protocol. */
    void forget(TripleServer server) {
        lock.lock();
        try {
            servers.values().removeIf(s -> s == server);
            shared.values().removeIf(s -> s == server);
        } finally {
            lock.unlock();
        }
    }

    LifecycleTracker tracker() {
        return tracker;
    }

    /** The TLS a connection for this URL uses, under the lock: the one set, or the JVM's for {@code ssl-enabled}. */
    private @Nullable TlsContext clientTls(ServiceUrl url) {
        if (clientTls != null) {
            return clientTls;
        }
        if (!url.booleanParameter(ServerTls.SSL_ENABLED, false)) {
            return null;
        }
        if (defaultClientTls == null) {
            defaultClientTls = TlsContext.client(ClientTls.systemTrust(), true, loops.ioGroup(), tracker);
        }
        return defaultClientTls;
    }

    /** TLS in front of the ports this protocol binds itself; null without. */
    @Nullable PortTls portTls() {
        return portTls;
    }

    /** The service threads of a protocol that has no server's call pool to run on. */
    static final int OWN_SERVICE_THREADS = 200;
    private final ProtocolStats stats = new LiveStats();
    private final AtomicLong connectionsOpened = new AtomicLong();
    private final java.util.concurrent.atomic.LongAdder queuedStreamBytes = new java.util.concurrent.atomic.LongAdder();
    private final AtomicLong refusedAnswers = new AtomicLong();
    /**
     * Server-stream writers that may wait at once for readers that do not read: half the service
     * threads, so that such readers can never take the threads unary calls need.
     */
    private final int maxWaitingStreamWriters;
    private final java.util.concurrent.Semaphore streamWriters;

    /** Server-stream writers that may wait for their readers at once: half the service threads. */
    int maxWaitingStreamWriters() {
        return maxWaitingStreamWriters;
    }

    /** The permits of the server-stream writers waiting for their readers. */
    java.util.concurrent.Semaphore streamWriters() {
        return streamWriters;
    }

    /** The last handler of the HTTP/2 connections of this protocol's servers. */
    PeerErrors http2Errors() {
        return http2Errors;
    }

    /** Warnings about what peers did on this protocol's ports, limited per host and minute. */
    PeerWarnings peerWarnings() {
        return peerWarnings;
    }

    /** The TLS of the ports this protocol binds itself, for metrics. */
    public java.util.Optional<TlsContext> serverTlsContext() {
        return java.util.Optional.ofNullable(serverTls);
    }

    /** The class policy every class a peer names is checked against, on every path into this protocol. */
    public ClassPolicy classPolicy() {
        return policy;
    }

    ObjectMapper json() {
        return json;
    }

    Hessian2Serialization serialization() {
        return serialization;
    }

    EventLoopGroup group() {
        return loops.ioGroup();
    }

    /** The event loops its ports and connections run on. */
    EventLoops loops() {
        return loops;
    }

    Class<? extends SocketChannel> channelType() {
        return loops.channelType();
    }

    ExecutorService services() {
        return services;
    }

    /**
     * Bytes of requests still arriving that the ports this protocol binds hold now, against their
     * inbound budgets; for tests and meters.
     */
    public long reservedInboundBytes() {
        return sumOverServers(server -> {
            ServerPort port = server.serverPort();
            return port == null ? 0 : port.reservedBytes();
        });
    }

    /** Bytes of answers this protocol's servers owe readers that have not read them; for tests. */
    public long owedAnswerBytes() {
        return sumOverServers(TripleServer::owedAnswerBytes);
    }

    /** The connections this protocol's servers hold now (a shared port's: those handed over); for tests and meters. */
    public int acceptedConnectionCount() {
        return (int) sumOverServers(TripleServer::connectionCount);
    }

    /** {@code each} over the servers running now, added up. */
    private long sumOverServers(java.util.function.ToLongFunction<TripleServer> each) {
        long total = 0;
        for (TripleServer server : running()) {
            total += each.applyAsLong(server);
        }
        return total;
    }

    /** The servers running now, each once. */
    private List<TripleServer> running() {
        lock.lock();
        try {
            return servers.values().stream().distinct().toList();
        } finally {
            lock.unlock();
        }
    }

    /** Answers refused because their connection owed its reader too much already; for tests and meters. */
    public long refusedAnswers() {
        return refusedAnswers.get();
    }

    void answerRefused() {
        refusedAnswers.incrementAndGet();
    }

    /**
     * What this protocol's server streams have queued and not yet sent, counted as
     * {@link StreamAnswer#STREAM_QUEUE_LIMIT} counts it; for tests and meters.
     */
    public long queuedStreamBytes() {
        return queuedStreamBytes.sum();
    }

    void streamQueued(long cost) {
        queuedStreamBytes.add(cost);
    }

    /** What this protocol holds now, in the terms every protocol reports: for operators and metrics. */
    public ProtocolStats stats() {
        return stats;
    }

    void connectionOpened() {
        connectionsOpened.incrementAndGet();
    }

    private final class LiveStats implements ProtocolStats {
        @Override
        public String protocol() {
            return name();
        }

        @Override
        public int serverCount() {
            return TripleProtocol.this.serverCount();
        }

        @Override
        public int clientCount() {
            return connectionCount();
        }

        @Override
        public int exportedCount() {
            return (int) sumOverServers(TripleServer::exportedCount);
        }

        @Override
        public int referredCount() {
            return invokerCount();
        }

        @Override
        public int pendingCalls() {
            return clientStreams();
        }

        @Override
        public long connectionsOpened() {
            return connectionsOpened.get();
        }

        @Override
        public int acceptedConnections() {
            return acceptedConnectionCount();
        }

        @Override
        public int serverCallsInFlight() {
            return (int) sumOverServers(TripleServer::activeStreams);
        }

        @Override
        public int serverPoolActive() {
            return services instanceof WorkStealingPool pool ? pool.active()
                    : ((ThreadPoolExecutor) services).getActiveCount();
        }

        @Override
        public int serverPoolQueued() {
            return services instanceof WorkStealingPool pool ? pool.queued()
                    : ((ThreadPoolExecutor) services).getQueue().size();
        }
    }

    /** The servers running now; for lifecycle tests. */
    public int serverCount() {
        return running().size();
    }

    /** Unexports every service, closes the servers, then stops the threads. */
    @Override
    public CompletableFuture<Void> closeAsync() {
        if (!closed.compareAndSet(false, true)) {
            return closeFuture;
        }
        health.shutdown();
        List<TripleServer> running;
        List<TripleInvoker<?>> referred;
        List<TripleExporter<?>> answeredByAll;
        lock.lock();
        try {
            running = new ArrayList<>(servers.values().stream().distinct().toList());
            servers.clear();
            shared.clear();
            referred = new ArrayList<>(invokers);
            answeredByAll = new ArrayList<>(builtIns.values());
            builtIns.clear();
        } finally {
            lock.unlock();
        }
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        answeredByAll.forEach(exporter -> closing.add(exporter.closeAsync()));
        referred.forEach(invoker -> closing.add(invoker.closeAsync())); // their connections close with the last
        running.forEach(server -> closing.add(server.closeAsync()));
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                .whenComplete((done, failure) -> {
                    if (ownsServices) {
                        services.shutdown();
                    }
                    lock.lock();
                    try {
                        for (TlsContext tls : new TlsContext[] {serverTls, clientTls, defaultClientTls}) {
                            if (tls != null) {
                                tls.close();
                            }
                        }
                    } finally {
                        lock.unlock();
                    }
                    if (ownsLoops) {
                        loops.closeAsync().whenComplete((f, g) -> closeFuture.complete(null));
                    } else {
                        closeFuture.complete(null);
                    }
                });
        return closeFuture;
    }
}
