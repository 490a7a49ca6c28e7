package io.tern.dubbo;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.timeout.IdleStateHandler;
import io.tern.HostPort;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceDescriptor;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.transport.CallPools;
import io.tern.transport.PortProtocol;
import io.tern.transport.ServerPort;
import io.tern.transport.WorkStealingPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listening port and the services exported on it. Owns its server channel, its accepted
 * connections and its dispatch executor; does not own the event loops. Closes — gracefully —
 * when its last service is unexported or its protocol closes: consumers are told it is going
 * (the read-only event), it stops accepting, calls in flight finish (up to the shutdown
 * timeout), then its connections close. The protocol forgets it when it closes.
 */
final class DubboServer implements DubboCodec.ServiceLookup {

    private static final Logger log = LoggerFactory.getLogger(DubboServer.class);

    final ServerOptions options;
    final DubboCodec codec;
    final HostPort address;
    private final ServerPort port;
    private final ChannelGroup connections;
    private final @Nullable ExecutorService executor;
    /** Whether the executor is this server's own, or the pool its protocol shares with others. */
    private final boolean ownsExecutor;
    private final Map<String, DubboExporter<?>[]> byPath = new ConcurrentHashMap<>();
    private final ReentrantLock exportLock = new ReentrantLock();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private final LifecycleTracker.Tracked tracked;
    private final DubboProtocol protocol;
    private final TransportResources resources;
    private volatile boolean closing;

    private DubboServer(DubboProtocol protocol, TransportResources resources, DubboCodec codec, ServerOptions options,
            ServerPort port, @Nullable ExecutorService executor, boolean ownsExecutor, LifecycleTracker tracker) {
        this.protocol = protocol;
        this.resources = resources;
        this.codec = codec;
        this.options = options;
        this.port = port;
        this.connections = port.connections();
        this.executor = executor;
        this.ownsExecutor = ownsExecutor;
        this.address = port.address();
        this.tracked = tracker.track(ResourceKind.SERVER, address);
    }

    /**
     * Binds a server.
     *
     * @throws RpcException {@link RpcStatus#NETWORK} naming the address when it cannot bind
     */
    static DubboServer bind(DubboProtocol protocol, TransportResources resources, DubboCodec codec,
            ServerOptions options, String host, int port, LifecycleTracker tracker) {
        WorkStealingPool shared = options.dispatch() == Dispatch.POOL ? protocol.callPool : null;
        ExecutorService executor = shared != null ? shared : Dispatchers.executor(options, host + ":" + port);
        DubboServer[] self = new DubboServer[1];
        PortProtocol dubbo = new PortProtocol("dubbo", limits -> options.heartbeat().multipliedBy(3),
                DubboServer::magic, ch -> {
                    DubboServer server = self[0];
                    if (server == null || server.closing) {
                        ch.close();
                    } else {
                        server.dubbo(ch);
                    }
                });
        List<PortProtocol> protocols = new ArrayList<>(1 + protocol.sharedPort.size());
        protocols.add(dubbo);
        protocols.addAll(protocol.sharedPort);
        ServerPort bound;
        try {
            bound = ServerPort.bind("dubbo", resources.loops, host, port, options.limits(), options.inboundBudget(),
                    protocol.portTls, protocols);
        } catch (RpcException e) {
            if (executor != null && shared == null) {
                executor.shutdownNow();
            }
            throw e;
        }
        DubboServer server = new DubboServer(protocol, resources, codec, options, bound, executor, shared == null,
                tracker);
        self[0] = server;
        return server;
    }

    /** The port it listens on. */
    ServerPort port() {
        return port;
    }

    /** Whether a connection opens with dubbo's magic. */
    private static PortProtocol.Match magic(ByteBuf first) {
        if (first.readableBytes() < 2) {
            return PortProtocol.Match.MORE;
        }
        return Wire.isMagic(first, first.readerIndex()) ? PortProtocol.Match.YES : PortProtocol.Match.NO;
    }

    /** Sets up an accepted connection for the dubbo protocol. */
    private void dubbo(Channel ch) {
        long idleMillis = options.heartbeat().toMillis() * 3;
        ReadGate gate = new ReadGate(ch);
        ch.pipeline()
                .addLast("idle", new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS))
                .addLast("decoder", new DubboFrameDecoder.ServerFrameDecoder(codec, options.payloadLimit(), this,
                        port, resources.decodeGroup, gate))
                .addLast("handler", new ServerConnectionHandler(this, ch, gate));
    }

    @Override
    public @Nullable ServiceDescriptor descriptor(String path) {
        DubboExporter<?>[] exporters = byPath.get(path);
        return exporters == null ? null : exporters[0].descriptor;
    }

    /** The exporter a call addresses; one map lookup and a scan of the few services at that path. */
    @Nullable DubboExporter<?> find(String path, @Nullable Object group, String version) {
        DubboExporter<?>[] exporters = byPath.get(path);
        if (exporters == null) {
            return null;
        }
        String g = group instanceof String s ? s : "";
        for (DubboExporter<?> exporter : exporters) {
            if (exporter.key().group().equals(g) && matchesVersion(exporter.key().version(), version)) {
                return exporter;
            }
        }
        return null;
    }

    private static boolean matchesVersion(String exported, String requested) {
        return exported.equals(requested)
                || exported.isEmpty() && (requested.isEmpty() || io.tern.ServiceKey.NO_VERSION.equals(requested));
    }

    /** What is exported at a path, for messages. */
    List<String> exportedAt(String path) {
        DubboExporter<?>[] exporters = byPath.get(path);
        return exporters == null ? List.of() : Arrays.stream(exporters).map(e -> e.key().toString()).toList();
    }

    /**
     * Adds a service; returns {@code false} when this server is closing (the caller binds anew).
     *
     * @throws IllegalStateException if the service key is already exported here
     */
    boolean export(DubboExporter<?> exporter) {
        exportLock.lock();
        try {
            if (closing) {
                return false;
            }
            String path = exporter.path();
            DubboExporter<?>[] existing = byPath.get(path);
            if (existing != null) {
                for (DubboExporter<?> e : existing) {
                    if (e.key().equals(exporter.key())) {
                        throw new IllegalStateException("service: " + exporter.key() + " is already exported on "
                                + address + " (expected: unexport it first)");
                    }
                }
            }
            DubboExporter<?>[] updated = existing == null ? new DubboExporter<?>[] {exporter}
                    : Arrays.copyOf(existing, existing.length + 1);
            updated[updated.length - 1] = exporter;
            byPath.put(path, updated);
            return true;
        } finally {
            exportLock.unlock();
        }
    }

    /**
     * Removes a service. Another service's port stays open and stops routing to it at once; the
     * last service's removal closes the server gracefully, the service answering calls until the
     * connections have drained (consumers told by the read-only event). Returns when that is done.
     */
    CompletableFuture<Void> unexport(DubboExporter<?> exporter) {
        exportLock.lock();
        try {
            DubboExporter<?>[] existing = byPath.get(exporter.path());
            boolean last = existing != null && byPath.size() == 1 && existing.length == 1 && !closing;
            if (!last) {
                remove(exporter);
                return CompletableFuture.completedFuture(null);
            }
        } finally {
            exportLock.unlock();
        }
        return closeAsync().whenComplete((ignored, failure) -> {
            exportLock.lock();
            try {
                remove(exporter);
            } finally {
                exportLock.unlock();
            }
        });
    }

    private void remove(DubboExporter<?> exporter) {
        String path = exporter.path();
        DubboExporter<?>[] existing = byPath.get(path);
        if (existing != null) {
            DubboExporter<?>[] updated = Arrays.stream(existing).filter(e -> e != exporter)
                    .toArray(DubboExporter<?>[]::new);
            if (updated.length == 0) {
                byPath.remove(path);
            } else {
                byPath.put(path, updated);
            }
        }
    }

    /** The class policy the protocol reads peers' values through. */
    io.tern.ClassPolicy classPolicy() {
        return protocol.classPolicy();
    }

    int exportedCount() {
        return byPath.values().stream().mapToInt(a -> a.length).sum();
    }

    /** Connections not being read because their answers are not being read; for tests. */
    int pausedConnections() {
        int paused = 0;
        for (Channel ch : connections) {
            paused += ch.config().isAutoRead() ? 0 : 1;
        }
        return paused;
    }

    /** Bytes of answers waiting to be written, over all connections; for tests. */
    long pendingWriteBytes() {
        long pending = 0;
        for (Channel ch : connections) {
            io.netty.channel.ChannelOutboundBuffer buffer = ch.unsafe().outboundBuffer();
            pending += buffer == null ? 0 : buffer.totalPendingWriteBytes();
        }
        return pending;
    }

    int connectionCount() {
        return connections.size();
    }

    /** Calls accepted and not yet answered. */
    int callsInFlight() {
        return inFlight.get();
    }

    /** Pool workers running a call now; 0 without a pool. */
    int poolActive() {
        return executor instanceof WorkStealingPool pool ? pool.active() : 0;
    }

    /** Calls waiting for a pool worker; 0 without a pool. */
    int poolQueued() {
        return executor instanceof WorkStealingPool pool ? pool.queued() : 0;
    }

    /** Whether calls go to a pool (or virtual threads), rather than running on the I/O thread. */
    boolean dispatchesToAPool() {
        return executor != null;
    }

    /** Runs an accepted call per the dispatch option; returns false if the pool refused it. */
    boolean dispatch(ServerConnectionHandler.ServerCall call) {
        if (executor == null) {
            call.run();
            return true;
        }
        try {
            executor.execute(call);
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
    }

    /** Counts a call from the moment it is accepted, so that closing waits for queued calls too. */
    void callAccepted() {
        inFlight.incrementAndGet();
    }

    void callFinished() {
        if (inFlight.decrementAndGet() == 0 && closing) {
            drained.complete(null);
        }
    }

    CompletableFuture<Void> closeFuture() {
        return closeFuture;
    }

    /** Closes gracefully: read-only event, stop accepting, drain, close connections. Idempotent. */
    CompletableFuture<Void> closeAsync() {
        exportLock.lock();
        try {
            if (closing) {
                return closeFuture;
            }
            closing = true;
        } finally {
            exportLock.unlock();
        }
        protocol.forget(this);
        tracked.destroyed(this);
        for (Channel ch : connections) {
            ServerConnectionHandler handler = ch.pipeline().get(ServerConnectionHandler.class);
            if (handler != null) {
                handler.sendReadOnly();
            }
        }
        CompletableFuture<Void> stopped = port.stopAccepting();
        if (inFlight.get() == 0) {
            drained.complete(null);
        }
        long waitMillis = options.shutdownTimeout().toMillis();
        io.netty.util.Timeout deadline = resources.timer.newTimeout(t -> {
            if (!drained.isDone()) {
                int refused = refuseQueued(waitMillis);
                if (drained.complete(null)) {
                    log.warn("closing {} with {} calls still running after {} ms ({} queued calls refused)", address,
                            inFlight.get(), waitMillis, refused);
                }
            }
        }, Math.max(1, waitMillis), TimeUnit.MILLISECONDS);
        drained.whenComplete((ignored, failure) -> {
            deadline.cancel();
            List<CompletableFuture<Void>> closes = new ArrayList<>();
            closes.add(stopped);
            for (Channel ch : connections) {
                closes.add(toFuture(ch.close()));
            }
            CompletableFuture.allOf(closes.toArray(new CompletableFuture<?>[0]))
                    .thenCompose(a -> terminateExecutor(waitMillis))
                    .whenComplete((a, b) -> closeFuture.complete(null));
        });
        return closeFuture;
    }

    /** Answers the calls still queued when the shutdown timeout ends; returns how many. */
    private int refuseQueued(long waitMillis) {
        if (!(executor instanceof WorkStealingPool pool)) {
            return 0; // direct and virtual-thread dispatch start every call at once
        }
        List<Runnable> queued = pool.drainQueued(
                call -> call instanceof ServerConnectionHandler.ServerCall c && c.server() == this);
        String why = "server " + address + " is shutting down: the call did not start within the shutdown timeout of "
                + waitMillis + " ms (expected: another provider)";
        for (Runnable call : queued) {
            ((ServerConnectionHandler.ServerCall) call).refuse(why);
        }
        return queued.size();
    }

    /**
     * Stops its own executor (see {@link CallPools#terminate}); a pool shared with the server's
     * other protocols is stopped by whoever made it.
     */
    private CompletableFuture<Void> terminateExecutor(long waitMillis) {
        ExecutorService pool = executor;
        if (pool == null || !ownsExecutor) {
            return CompletableFuture.completedFuture(null);
        }
        return CallPools.terminate(pool, Duration.ofMillis(waitMillis), "dubbo server " + address);
    }

    private static CompletableFuture<Void> toFuture(ChannelFuture channelFuture) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        channelFuture.addListener(done -> f.complete(null));
        return f;
    }

    @Override
    public String toString() {
        return "DubboServer[" + address + ", services=" + exportedCount() + (closing ? ", closing" : "") + "]";
    }
}
