package io.tern.triple;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2PingFrame;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A server's rule for its clients' pings, as gRPC servers enforce it: no more often than the
 * permitted keepalive time while calls are open, and no more often than every two hours while
 * none is (unless pings without calls are permitted). Pings that come too early are struck; the
 * third strike closes the connection with GOAWAY {@code ENHANCE_YOUR_CALM} and the debug data
 * {@code too_many_pings}, which grpc-java's client and Tern's read as "ping less". Headers or data
 * from the client forgive the strikes. Added after the HTTP/2 codec (which answers each ping).
 */
final class Http2PingPolicy extends ChannelInboundHandlerAdapter {

    private static final int MAX_STRIKES = KeepAlive.MAX_PING_STRIKES;

    private final long permitNanos;
    private final boolean permitWithoutCalls;
    private final Consumer<String> onRefused;
    private @Nullable Http2Connection connection;
    private long lastValid = System.nanoTime();
    private int strikes;
    private boolean refused;

    Http2PingPolicy(KeepAlive keepAlive, Consumer<String> onRefused) {
        this.permitNanos = keepAlive.permitTime().toNanos();
        this.permitWithoutCalls = keepAlive.permitWithoutCalls();
        this.onRefused = onRefused;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Http2FrameCodec codec = ctx.pipeline().get(Http2FrameCodec.class);
        connection = codec == null ? null : codec.connection();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2HeadersFrame || msg instanceof Http2DataFrame) {
            strikes = 0;
        } else if (msg instanceof Http2PingFrame ping && !ping.ack() && !permitted() && !refused) {
            refused = true;
            onRefused.accept("a client pinged " + (MAX_STRIKES + 1) + " times sooner than permitted ("
                    + "permit.keepalive.time)");
            ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.ENHANCE_YOUR_CALM,
                    Unpooled.copiedBuffer("too_many_pings", StandardCharsets.US_ASCII)))
                    .addListener(ChannelFutureListener.CLOSE);
        }
        ctx.fireChannelRead(msg);
    }

    /** Whether a ping arriving now keeps to the rule; a ping that does not is struck. */
    private boolean permitted() {
        long now = System.nanoTime();
        Http2Connection open = connection;
        boolean calls = open != null && open.numActiveStreams() > 0;
        long allowed = calls || permitWithoutCalls ? permitNanos : KeepAlive.IMPLICIT_PERMIT_TIME.toNanos();
        if (now - lastValid < allowed) {
            return ++strikes <= MAX_STRIKES;
        }
        lastValid = now;
        return true;
    }
}
