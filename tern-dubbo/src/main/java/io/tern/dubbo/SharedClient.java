package io.tern.dubbo;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.tern.HostPort;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections to one provider address, shared by every reference to it and counted: each
 * reference retains it, and the release of the last closes its connections and removes it from
 * its protocol's map ({@code remove(address, this)}). A connection that drops is made again
 * with a backoff from 100 ms to {@link ClientOptions#reconnectMax()} while the client is open.
 */
final class SharedClient {

    private static final Logger log = LoggerFactory.getLogger(SharedClient.class);

    final HostPort address;
    final ClientOptions options;
    final DubboCodec codec;
    /** TLS on each connection, or {@code null} for plaintext; owned by the protocol. */
    final io.tern.transport.tls.@Nullable TlsContext tls;
    private final DubboProtocol protocol;
    private final TransportResources resources;
    private final AtomicInteger references = new AtomicInteger(1);
    private final AtomicReferenceArray<DubboConnection> connections;
    private final AtomicReferenceArray<CompletableFuture<Void>> connecting;
    private final AtomicReferenceArray<Timeout> reconnects;
    /** Channels still connecting, per slot: closing the client closes them rather than waiting out their timeout. */
    private final AtomicReferenceArray<Channel> dialing;
    private final AtomicInteger next = new AtomicInteger();
    private final LifecycleTracker.Tracked tracked;
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile @Nullable Throwable lastFailure;
    /**
     * The attempt calls wait for rather than fail: the first one to connect every slot (none when
     * lazy), then, each time every connection was lost, the first attempt to make one again.
     */
    private volatile @Nullable Attempt awaited;

    /** An attempt to connect that calls wait for; {@code afterLoss} when it follows a lost connection. */
    record Attempt(CompletableFuture<Void> ended, boolean afterLoss) {
        /** What a call that timed out waiting for it was waiting for. */
        String state() {
            return afterLoss ? "reconnecting" : "still connecting";
        }
    }

    SharedClient(DubboProtocol protocol, TransportResources resources, DubboCodec codec, HostPort address,
            ClientOptions options, io.tern.transport.tls.@Nullable TlsContext tls, LifecycleTracker tracker) {
        this.protocol = protocol;
        this.tls = tls;
        this.resources = resources;
        this.codec = codec;
        this.address = address;
        this.options = options;
        this.connections = new AtomicReferenceArray<>(options.connections());
        this.connecting = new AtomicReferenceArray<>(options.connections());
        this.reconnects = new AtomicReferenceArray<>(options.connections());
        this.dialing = new AtomicReferenceArray<>(options.connections());
        this.tracked = tracker.track(ResourceKind.CLIENT, address);
        this.awaited = options.lazy() ? null : new Attempt(new CompletableFuture<>(), false);
    }

    /** Starts the first connection attempts in the background, unless lazy. Called once, by the creator. */
    void start() {
        Attempt first = awaited;
        if (first != null) {
            connectAll().whenComplete((ignored, failure) -> first.ended().complete(null));
        }
    }

    /** The attempt calls wait for rather than fail, while it has not ended; else {@code null}. */
    @Nullable Attempt attemptUnderWay() {
        Attempt a = awaited;
        return a != null && !a.ended().isDone() ? a : null;
    }

    HashedWheelTimer timer() {
        return resources.timer;
    }

    /** Starts connecting every slot; the future completes when each attempt has ended. */
    CompletableFuture<Void> connectAll() {
        List<CompletableFuture<Void>> attempts = new ArrayList<>();
        for (int i = 0; i < connections.length(); i++) {
            attempts.add(connect(i, 0));
        }
        return CompletableFuture.allOf(attempts.toArray(new CompletableFuture<?>[0]));
    }

    /** Takes another reference, unless the last one was already released. */
    boolean tryRetain() {
        while (true) {
            int n = references.get();
            if (n == 0) {
                return false;
            }
            if (references.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Drops a reference; the last one closes the client. */
    CompletableFuture<Void> release() {
        if (references.decrementAndGet() == 0) {
            return close();
        }
        return CompletableFuture.completedFuture(null);
    }

    /** A usable connection, round-robin, or {@code null} when none is. */
    @Nullable DubboConnection connection() {
        int n = connections.length();
        int start = n == 1 ? 0 : Math.floorMod(next.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            DubboConnection c = connections.get((start + i) % n);
            if (c != null && c.isUsable()) {
                return c;
            }
        }
        return null;
    }

    /** The next usable connection, connecting first if none is up and none is being made. */
    CompletableFuture<DubboConnection> connectionAsync() {
        DubboConnection c = connection();
        if (c != null) {
            return CompletableFuture.completedFuture(c);
        }
        return connect(0, 0).thenApply(ignored -> {
            DubboConnection now = connection();
            if (now == null) {
                throw unavailable();
            }
            return now;
        });
    }

    io.tern.RpcException unavailable() {
        Throwable failure = lastFailure;
        boolean readOnly = false;
        for (int i = 0; i < connections.length(); i++) {
            DubboConnection c = connections.get(i);
            readOnly |= c != null && c.isReadOnly();
        }
        if (!closed.get() && !readOnly) {
            return new io.tern.RpcException(io.tern.RpcStatus.NETWORK, "no connection to " + address + ": "
                    + io.tern.transport.ConnectFailures.why(failure) + " (expected: a dubbo provider listening there)");
        }
        return new io.tern.RpcException(io.tern.RpcStatus.NETWORK, "no connection to " + address + ": "
                + (closed.get() ? "closed" : "provider is shutting down (read-only)"));
    }

    boolean isAvailable() {
        return !closed.get() && connection() != null;
    }

    int pendingCalls() {
        int sum = 0;
        for (int i = 0; i < connections.length(); i++) {
            DubboConnection c = connections.get(i);
            if (c != null) {
                sum += c.pendingCount();
            }
        }
        return sum;
    }

    private CompletableFuture<Void> connect(int slot, int attempt) {
        CompletableFuture<Void> fresh = new CompletableFuture<>();
        CompletableFuture<Void> existing = connecting.compareAndExchange(slot, null, fresh);
        if (existing != null) {
            return existing;
        }
        if (closed.get()) {
            connecting.set(slot, null);
            fresh.complete(null);
            return fresh;
        }
        DubboConnection[] made = new DubboConnection[1];
        Bootstrap bootstrap = new Bootstrap()
                .group(resources.loops.ioGroup())
                .channel(resources.loops.channelType())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, Wire.clientWaterMark(options.payloadLimit()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        DubboConnection connection = new DubboConnection(SharedClient.this, ch);
                        made[0] = connection;
                        long heartbeat = options.heartbeat().toMillis();
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.newClientHandler(ch.alloc(), address.host(),
                                    address.port()));
                        }
                        ch.pipeline()
                                // Reads only: tracking writes would put a listener on every write.
                                .addLast("idle", new IdleStateHandler(heartbeat * 3, 0, 0, TimeUnit.MILLISECONDS))
                                .addLast("decoder", new DubboFrameDecoder.ClientFrameDecoder(codec,
                                        options.payloadLimit(), connection, resources.decodeGroup, new ReadGate(ch)))
                                .addLast("handler", new ClientConnectionHandler(connection, heartbeat));
                    }
                });
        ChannelFuture future = bootstrap.connect(address.host(), address.port());
        dialing.set(slot, future.channel());
        if (closed.get()) {
            future.channel().close();
        }
        future.addListener(f -> {
            io.netty.handler.ssl.SslHandler ssl = f.isSuccess() && tls != null
                    ? future.channel().pipeline().get(io.netty.handler.ssl.SslHandler.class) : null;
            if (ssl == null) {
                connected(slot, attempt, future, f.isSuccess() ? null : f.cause(), made[0], fresh);
            } else {
                ssl.handshakeFuture().addListener(h -> {
                    io.tern.transport.tls.TlsContext context = tls;
                    if (context != null) {
                        context.clientHandshakeDone(h.isSuccess());
                    }
                    connected(slot, attempt, future, h.isSuccess() ? null : handshakeFailed(h.cause()), made[0], fresh);
                });
            }
        });
        return fresh;
    }

    /** A TLS handshake's failure, saying what was expected of the server. */
    private Throwable handshakeFailed(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new javax.net.ssl.SSLHandshakeException("TLS handshake with " + address + " failed: " + root.getMessage()
                + " (expected: a server certificate that is valid now, names " + address.host()
                + " and is signed by a trusted CA)");
    }

    private void connected(int slot, int attempt, ChannelFuture future, @Nullable Throwable failure,
            @Nullable DubboConnection made, CompletableFuture<Void> fresh) {
        dialing.compareAndSet(slot, future.channel(), null);
        if (failure == null && made != null) {
            DubboConnection connection = made;
            lastFailure = null;
            connections.set(slot, connection);
            protocol.connectionOpened();
            future.channel().closeFuture().addListener(c -> onConnectionClosed(slot, connection));
            if (closed.get()) {
                future.channel().close();
            }
        } else {
            lastFailure = failure;
            future.channel().close();
            scheduleReconnect(slot, attempt + 1);
        }
        connecting.set(slot, null);
        fresh.complete(null);
        Attempt a = awaited;
        if (a != null && a.afterLoss()) {
            a.ended().complete(null); // the first connects every slot, and ends when they all have
        }
    }

    private void onConnectionClosed(int slot, DubboConnection connection) {
        if (connections.compareAndSet(slot, connection, null) && !closed.get()) {
            Attempt a = awaited;
            if (connection() == null && (a == null || a.ended().isDone())) {
                awaited = new Attempt(new CompletableFuture<>(), true);
            }
            scheduleReconnect(slot, 1);
        }
    }

    private void scheduleReconnect(int slot, int attempt) {
        if (closed.get()) {
            return;
        }
        long delay = Math.min(options.reconnectMax().toMillis(), 100L << Math.min(attempt - 1, 16));
        Timeout timeout = resources.timer.newTimeout(t -> connect(slot, attempt), delay, TimeUnit.MILLISECONDS);
        Timeout previous = reconnects.getAndSet(slot, timeout);
        if (previous != null) {
            previous.cancel();
        }
        if (closed.get()) {
            timeout.cancel();
        }
    }

    /** Closes the connections and stops reconnecting, whatever the reference count; idempotent. */
    CompletableFuture<Void> close() {
        if (!closed.compareAndSet(false, true)) {
            return closeFuture;
        }
        protocol.forget(this);
        tracked.destroyed(this);
        Attempt waitedFor = awaited;
        if (waitedFor != null) {
            waitedFor.ended().complete(null);
        }
        for (int i = 0; i < reconnects.length(); i++) {
            Timeout t = reconnects.getAndSet(i, null);
            if (t != null) {
                t.cancel();
            }
        }
        List<CompletableFuture<Void>> closes = new ArrayList<>();
        for (int i = 0; i < dialing.length(); i++) {
            Channel ch = dialing.getAndSet(i, null);
            if (ch != null) {
                ch.close();
            }
        }
        for (int i = 0; i < connections.length(); i++) {
            DubboConnection c = connections.getAndSet(i, null);
            if (c != null) {
                CompletableFuture<Void> f = new CompletableFuture<>();
                Channel ch = c.channel;
                ch.close().addListener(done -> f.complete(null));
                closes.add(f);
            }
        }
        CompletableFuture.allOf(closes.toArray(new CompletableFuture<?>[0]))
                .whenComplete((a, b) -> closeFuture.complete(null));
        log.debug("closed the connections to {}", address);
        return closeFuture;
    }

    @Override
    public String toString() {
        return "SharedClient[" + address + ", references=" + references.get() + (closed.get() ? ", closed" : "") + "]";
    }
}
