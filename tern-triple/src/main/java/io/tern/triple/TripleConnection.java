package io.tern.triple;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import io.tern.transport.tls.TlsContext;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP/2 connection (h2c, prior knowledge) from a {@link TripleProtocol} to a provider's
 * address, shared by every invoker of that address and counted: the protocol closes it when the
 * last invoker lets go. Each call is a stream of its own.
 */
final class TripleConnection {

    final String address;
    /** Where the protocol keeps it: the address, marked when the connection has TLS. */
    final String key;
    final boolean tls;
    final Channel channel;
    /** Flushes the requests of calls opened together once. */
    final ConnectionWrites writes;
    private final LifecycleTracker.Tracked tracked;
    int users;

    private TripleConnection(String address, String key, Channel channel, LifecycleTracker tracker) {
        this.address = address;
        this.key = key;
        this.tls = channel.pipeline().get(SslHandler.class) != null;
        this.channel = channel;
        this.writes = new ConnectionWrites(channel);
        this.tracked = tracker.track(ResourceKind.CLIENT, "tri://" + address);
    }

    static TripleConnection connect(TripleProtocol protocol, String host, int port, @Nullable TlsContext tls,
            String key) {
        Bootstrap bootstrap = new Bootstrap().group(protocol.group()).channel(protocol.channelType())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newClientHandler(ch.alloc(), host, port));
                        }
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient()
                                .initialSettings(Http2Settings.defaultSettings()
                                        .initialWindowSize(TripleProtocol.MAX_MESSAGE_SIZE)
                                        .maxHeaderListSize(32 * 1024).pushEnabled(false))
                                // calls beyond the provider's concurrent-stream limit wait for a stream, not fail
                                .encoderEnforceMaxConcurrentStreams(true)
                                .build());
                        ch.pipeline().addLast(new ConnectionWindow());
                        ch.pipeline().addLast(new Http2MultiplexHandler(new RefuseStreams()));
                    }
                });
        try {
            Channel channel = bootstrap.connect(host, port).sync().channel();
            SslHandler ssl = channel.pipeline().get(SslHandler.class);
            if (ssl != null && tls != null) {
                io.netty.util.concurrent.Future<Channel> handshake = ssl.handshakeFuture().awaitUninterruptibly();
                tls.clientHandshakeDone(handshake.isSuccess());
                if (!handshake.isSuccess()) {
                    channel.close();
                    throw new RpcException(RpcStatus.NETWORK, "tri: TLS handshake with " + host + ":" + port
                            + " failed: " + rootMessage(handshake.cause()) + " (expected: a server certificate that is"
                            + " valid now, names " + host + " and is signed by a trusted CA)", handshake.cause());
                }
            }
            return new TripleConnection(host + ":" + port, key, channel, protocol.tracker());
        } catch (RpcException e) {
            throw e;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new RpcException(RpcStatus.NETWORK, "tri: cannot connect to " + host + ":" + port + ": " + e
                    + " (expected: a Triple provider listening there)", e);
        }
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    boolean isActive() {
        return channel.isActive();
    }

    /** The HTTP/2 streams open now on this connection. */
    int activeStreams() {
        return activeStreams(channel);
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

    CompletableFuture<Void> close() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        channel.close().addListener(f -> {
            tracked.destroyed(this);
            closed.complete(null);
        });
        return closed;
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
}
