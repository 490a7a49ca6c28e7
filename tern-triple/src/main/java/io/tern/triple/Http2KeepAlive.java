package io.tern.triple;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.tern.transport.ConnectionTimer;
import java.time.Duration;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Pings the peer of an HTTP/2 connection that has been silent for the keepalive time, and closes
 * the connection when nothing arrives within the keepalive timeout of the ping: a peer gone
 * without a word (a machine switched off, a network cut) is noticed, and a NAT or proxy sees
 * traffic. Anything read counts as life, as in grpc-java. Added after the HTTP/2 codec; runs on
 * the connection's event loop.
 */
final class Http2KeepAlive extends ChannelInboundHandlerAdapter {

    /** The content of Tern's keepalive pings, told apart from other pings' acks. */
    static final long PING_CONTENT = 0x7465726e6b61L; // "ternka"

    private final Duration time;
    private final Duration timeout;
    private final boolean withoutCalls;
    /** Told, once, that the connection is closed for want of an answer. */
    private final Consumer<String> onTimeout;
    private final ConnectionTimer timer = new ConnectionTimer();
    private @Nullable Http2Connection connection;
    /** Whether a ping is out and nothing has been read since. */
    private boolean waiting;
    /** Whether something was read since the timer was last armed. */
    private boolean read;

    Http2KeepAlive(Duration time, Duration timeout, boolean withoutCalls, Consumer<String> onTimeout) {
        this.time = time;
        this.timeout = timeout;
        this.withoutCalls = withoutCalls;
        this.onTimeout = onTimeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Http2FrameCodec codec = ctx.pipeline().get(Http2FrameCodec.class);
        connection = codec == null ? null : codec.connection();
        if (ctx.channel().isActive()) {
            idle(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        idle(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        read = true;
        if (waiting) {
            waiting = false; // an answer, or anything else: the peer is there
            idle(ctx);
        }
        ctx.fireChannelRead(msg);
    }

    /** Waits {@code time}; then pings if nothing was read meanwhile, else waits again. */
    private void idle(ChannelHandlerContext ctx) {
        read = false;
        timer.arm(ctx, time, () -> {
            if (!ctx.channel().isActive()) {
                return;
            }
            if (read || !withoutCalls && !callsOpen()) {
                idle(ctx);
                return;
            }
            waiting = true;
            ctx.writeAndFlush(new DefaultHttp2PingFrame(PING_CONTENT));
            timer.arm(ctx, timeout, () -> {
                if (waiting && ctx.channel().isActive()) {
                    onTimeout.accept("no answer to a keepalive ping within " + timeout.toMillis()
                            + " ms (keepalive.timeout)");
                    ctx.close();
                }
            });
        });
    }

    private boolean callsOpen() {
        Http2Connection now = connection;
        return now != null && now.numActiveStreams() > 0;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        timer.disarm();
        ctx.fireChannelInactive();
    }
}
