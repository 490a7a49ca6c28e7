package io.tern.triple;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.transport.tls.TlsContext;
import io.tern.transport.ConnectFailures;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/2 connection (h2c with prior knowledge, or h2 over TLS) from a {@link TripleProtocol}
 * to a provider's address, shared by every invoker of that address and counted: the protocol
 * closes it when the last invoker lets go. Each call is a stream of its own.
 *
 * <p>A connection the provider closes is made again while invokers use it. After a graceful close
 * (a GOAWAY without error, as a provider sends when it closes an idle connection or shuts down)
 * the next call makes it, as a gRPC channel leaves idleness. After any other loss it is made at
 * once, with one WARN; a failed attempt is tried again with a backoff from 100 ms to 10 s, and
 * until one succeeds the address is unavailable, so a cluster sends its calls elsewhere.
 */
final class TripleConnection {

    private static final Logger log = LoggerFactory.getLogger(TripleConnection.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final long MAX_BACKOFF_MILLIS = 10_000;

    /** One made connection and what writes to it. */
    record Link(Channel channel, ConnectionWrites writes) {
    }

    final String address;
    /** Where the protocol keeps it: the address, marked when the connection has TLS. */
    final String key;
    final boolean tls;
    private final TripleProtocol protocol;
    private final String host;
    private final int port;
    private final @Nullable TlsContext tlsContext;
    private final LifecycleTracker.Tracked tracked;
    /** The connection up now; {@code null} while there is none. */
    private volatile @Nullable Link link;
    /** Why the last attempt failed; {@code null} once one succeeds. */
    private volatile @Nullable RpcException lastFailure;
    private volatile boolean closed;
    /** The attempt under way, the retry waiting, and how many have failed in a row; guarded by this. */
    private @Nullable CompletableFuture<Link> dialing;
    private @Nullable Channel dialingChannel;
    private @Nullable ScheduledFuture<?> retry;
    /** Connections the provider sent a GOAWAY on, replaced for new calls, finishing the calls they carry. */
    private final java.util.Set<Channel> draining = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private int failures;
    /** Guarded by the protocol's lock. */
    int users;
    /** Its keepalive: the first reference's; the time doubles each time a provider says too_many_pings. */
    private volatile KeepAlive keepAlive;

    private TripleConnection(TripleProtocol protocol, String host, int port, @Nullable TlsContext tls, String key,
            KeepAlive keepAlive) {
        this.protocol = protocol;
        this.keepAlive = keepAlive;
        this.host = host;
        this.port = port;
        this.tlsContext = tls;
        this.address = host + ":" + port;
        this.key = key;
        this.tls = tls != null;
        this.tracked = protocol.tracker().track(ResourceKind.CLIENT, "tri://" + address);
    }

    /**
     * A connection to {@code host:port}, made before this returns.
     *
     * @throws RpcException (NETWORK) naming the address and why when it cannot be made
     */
    static TripleConnection connect(TripleProtocol protocol, String host, int port, @Nullable TlsContext tls,
            String key, KeepAlive keepAlive) {
        TripleConnection connection = new TripleConnection(protocol, host, port, tls, key, keepAlive);
        try {
            connection.dial().get();
            return connection;
        } catch (ExecutionException e) {
            connection.close();
            throw (RpcException) e.getCause(); // dial fails with nothing else
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connection.close();
            throw new RpcException(RpcStatus.NETWORK, "tri: interrupted while connecting to " + connection.address, e);
        }
    }

    /** The connection up now, or {@code null} when a call must {@link #dial} first. */
    @Nullable Link link() {
        Link now = link;
        return now != null && now.channel().isActive() && !GoAwayWatch.goneAway(now.channel()) ? now : null;
    }

    /** What a call's request is written with before its stream is open. */
    ByteBufAllocator alloc() {
        Link now = link;
        return now != null ? now.channel().alloc() : ByteBufAllocator.DEFAULT;
    }

    /**
     * The connection, made now unless it is up or being made.
     *
     * @return a future failing with an {@link RpcException} (NETWORK) naming the address and why
     */
    CompletableFuture<Link> dial() {
        Link now = link();
        if (now != null) {
            return CompletableFuture.completedFuture(now);
        }
        CompletableFuture<Link> attempt;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(closedException());
            }
            if (dialing != null) {
                return dialing;
            }
            attempt = new CompletableFuture<>();
            dialing = attempt;
            if (retry != null) {
                retry.cancel(false);
                retry = null;
            }
        }
        start(attempt);
        return attempt;
    }

    private void start(CompletableFuture<Link> attempt) {
        TlsContext context = tlsContext;
        Bootstrap bootstrap = new Bootstrap().group(protocol.group()).channel(protocol.channelType())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (context != null) {
                            ch.pipeline().addLast(context.newClientHandler(ch.alloc(), host, port));
                        }
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient()
                                .initialSettings(Http2Settings.defaultSettings()
                                        .initialWindowSize(TripleProtocol.MAX_MESSAGE_SIZE)
                                        .maxHeaderListSize(32 * 1024).pushEnabled(false))
                                // calls beyond the provider's concurrent-stream limit wait for a stream, not fail
                                .encoderEnforceMaxConcurrentStreams(true)
                                .build());
                        ch.pipeline().addLast(new ConnectionWindow());
                        KeepAlive pings = keepAlive;
                        Duration every = pings.time();
                        if (every != null) {
                            ch.pipeline().addLast(new Http2KeepAlive(every, pings.timeout(), pings.withoutCalls(),
                                    why -> log.warn("tri: closing the connection to {}: {}", address, why)));
                        }
                        ch.pipeline().addLast(new GoAwayWatch(TripleConnection.this));
                        ch.pipeline().addLast(new Http2MultiplexHandler(new RefuseStreams()));
                    }
                });
        ChannelFuture connecting = bootstrap.connect(host, port);
        synchronized (this) {
            dialingChannel = connecting.channel();
        }
        if (closed) {
            connecting.channel().close();
        }
        connecting.addListener(f -> {
            SslHandler ssl = f.isSuccess() ? connecting.channel().pipeline().get(SslHandler.class) : null;
            if (!f.isSuccess()) {
                dialed(attempt, connecting.channel(), new RpcException(RpcStatus.NETWORK, "tri: cannot connect to "
                        + address + ": " + ConnectFailures.why(f.cause()) + " (expected: a Triple provider listening"
                        + " there)", f.cause()));
            } else if (ssl == null || context == null) {
                dialed(attempt, connecting.channel(), null);
            } else {
                ssl.handshakeFuture().addListener(h -> {
                    context.clientHandshakeDone(h.isSuccess());
                    dialed(attempt, connecting.channel(), h.isSuccess() ? null : new RpcException(RpcStatus.NETWORK,
                            "tri: TLS handshake with " + address + " failed: " + rootMessage(h.cause())
                                    + " (expected: a server certificate that is valid now, names " + host
                                    + " and is signed by a trusted CA)", h.cause()));
                });
            }
        });
    }

    /** An attempt ended: the connection is up, or it failed and is tried again later. */
    private void dialed(CompletableFuture<Link> attempt, Channel channel, @Nullable RpcException failure) {
        Link made = null;
        boolean retried = false;
        synchronized (this) {
            dialing = null;
            dialingChannel = null;
            if (failure == null && !closed) {
                made = new Link(channel, new ConnectionWrites(channel));
                Link previous = link;
                if (previous != null && previous.channel().isActive()) {
                    draining.add(previous.channel()); // gone away: its streams finish, then the provider closes it
                }
                link = made;
                protocol.connectionOpened();
                lastFailure = null;
                if (failures > 0) {
                    log.info("tri: connected to {} again after {} failed attempts", address, failures);
                }
                failures = 0;
            } else if (!closed) {
                lastFailure = failure;
                failures++;
                long backoff = Math.min(MAX_BACKOFF_MILLIS, 100L << Math.min(failures - 1, 16));
                retry = protocol.group().schedule(this::retry, backoff, TimeUnit.MILLISECONDS);
                retried = true;
            }
        }
        if (made == null) {
            channel.close();
            RpcException why = failure != null ? failure : closedException();
            if (retried) {
                log.debug("tri: connecting to {} failed, trying again: {}", address, why.getMessage());
            }
            attempt.completeExceptionally(why);
            return;
        }
        Link up = made;
        channel.closeFuture().addListener(f -> lost(up));
        attempt.complete(up);
    }

    private void retry() {
        synchronized (this) {
            retry = null;
        }
        dial();
    }

    /** The connection went: made again at once unless the provider closed it gracefully. */
    private void lost(Link gone) {
        draining.remove(gone.channel());
        synchronized (this) {
            if (link != gone) {
                return;
            }
            link = null;
        }
        if (closed) {
            return;
        }
        if (Boolean.TRUE.equals(gone.channel().attr(GoAwayWatch.GRACEFUL).get())) {
            log.debug("tri: {} closed its connection gracefully; the next call makes a new one", address);
            return;
        }
        log.warn("tri: the connection to {} was lost; reconnecting", address);
        dial();
    }

    /**
     * Whether calls can be sent: the connection is up, or can be made at the next call. Not while
     * attempts are failing, nor once closed.
     */
    boolean isAvailable() {
        return !closed && lastFailure == null;
    }

    private RpcException closedException() {
        return new RpcException(RpcStatus.NETWORK, "tri: the connection to " + address + " is closed");
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    /** The HTTP/2 streams open now on this connection. */
    int activeStreams() {
        Link now = link;
        return now == null ? 0 : activeStreams(now.channel());
    }

    /** The HTTP/2 streams open now on an HTTP/2 connection, counted on its event loop; 0 for any other. */
    static int activeStreams(Channel connection) {
        Http2FrameCodec codec = connection.pipeline().get(Http2FrameCodec.class);
        if (codec == null || !connection.isActive()) {
            return 0;
        }
        try {
            return connection.eventLoop().submit(() -> codec.connection().numActiveStreams()).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return 0; // the connection is closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** Closes the connection and stops making it again; idempotent. */
    CompletableFuture<Void> close() {
        Link now;
        Channel pending;
        CompletableFuture<Link> attempt;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.completedFuture(null);
            }
            closed = true;
            now = link;
            link = null;
            pending = dialingChannel;
            attempt = dialing;
            if (retry != null) {
                retry.cancel(false);
                retry = null;
            }
        }
        if (pending != null) {
            pending.close();
        }
        for (Channel old : draining) {
            old.close();
        }
        draining.clear();
        if (attempt != null) {
            attempt.completeExceptionally(closedException());
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (now == null) {
            tracked.destroyed(this);
            done.complete(null);
        } else {
            now.channel().close().addListener(f -> {
                tracked.destroyed(this);
                done.complete(null);
            });
        }
        return done;
    }

    /**
     * Notes a GOAWAY on its connection: new calls then go to a new connection, as the provider
     * asked; and one without error makes the connection's close graceful.
     */
    /**
     * The provider said {@code too_many_pings}: this connection's pings come half as often from its
     * next link on, as grpc-java's client does.
     */
    private void tooManyPings() {
        KeepAlive now = keepAlive;
        Duration every = now.time();
        if (every != null) {
            Duration slower = every.multipliedBy(2);
            keepAlive = now.withTime(slower);
            log.warn("tri: {} says too_many_pings: pinging every {} ms from now on (keepalive.time)", address,
                    slower.toMillis());
        }
    }

    /** Whether a GOAWAY says the client pinged too often: ENHANCE_YOUR_CALM with {@code too_many_pings}. */
    static boolean tooManyPings(Http2GoAwayFrame goAway) {
        return goAway.errorCode() == Http2Error.ENHANCE_YOUR_CALM.code()
                && "too_many_pings".equals(goAway.content().toString(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private static final class GoAwayWatch extends ChannelInboundHandlerAdapter {
        static final io.netty.util.AttributeKey<Boolean> GRACEFUL =
                io.netty.util.AttributeKey.valueOf(TripleConnection.class, "graceful");
        static final io.netty.util.AttributeKey<Boolean> GONE_AWAY =
                io.netty.util.AttributeKey.valueOf(TripleConnection.class, "goneAway");

        static boolean goneAway(Channel channel) {
            return Boolean.TRUE.equals(channel.attr(GONE_AWAY).get());
        }

        private final TripleConnection owner;

        GoAwayWatch(TripleConnection owner) {
            this.owner = owner;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2GoAwayFrame goAway) {
                ctx.channel().attr(GONE_AWAY).set(Boolean.TRUE);
                if (goAway.errorCode() == Http2Error.NO_ERROR.code()) {
                    ctx.channel().attr(GRACEFUL).set(Boolean.TRUE);
                } else if (tooManyPings(goAway)) {
                    owner.tooManyPings();
                }
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** A server does not open streams to a client: any it tries are dropped. */
    private static final class RefuseStreams extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }

        @Override
        public boolean isSharable() {
            return true;
        }
    }

    @Override
    public String toString() {
        return "TripleConnection[" + address + (closed ? ", closed" : link != null ? ", up" : ", down") + "]";
    }
}
