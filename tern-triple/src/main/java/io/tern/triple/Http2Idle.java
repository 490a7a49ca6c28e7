package io.tern.triple;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2Stream;
import io.tern.transport.ConnectionTimer;
import java.time.Duration;

/**
 * Closes a server's HTTP/2 connection that has had no open stream for the port's
 * {@code idle.timeout}, as gRPC's {@code maxConnectionIdle} does, in two steps so that no call is
 * lost: first a GOAWAY without error that still takes every stream (the client makes a new
 * connection for its next call, and a call it sent meanwhile is served), then, a second later,
 * the close, which sends the final GOAWAY and waits for the calls under way. PINGs and SETTINGS
 * do not keep a connection: only calls do. Added after the HTTP/2 codec; runs on the
 * connection's event loop.
 */
final class Http2Idle extends ChannelInboundHandlerAdapter {

    /** Between the first GOAWAY and the close: calls the client sent before it heard the first arrive. */
    static final Duration GRACE = Duration.ofSeconds(1);

    private final Duration idle;
    private boolean closing;
    private final ConnectionTimer timer = new ConnectionTimer();

    Http2Idle(Duration idle) {
        this.idle = idle;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Http2FrameCodec codec = ctx.pipeline().get(Http2FrameCodec.class);
        Http2Connection connection = codec.connection();
        connection.addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamActive(Http2Stream stream) {
                if (!closing) {
                    timer.disarm();
                }
            }

            @Override
            public void onStreamClosed(Http2Stream stream) {
                if (!closing && connection.numActiveStreams() == 0) {
                    arm(ctx, connection);
                }
            }
        });
        arm(ctx, connection);
    }

    private void arm(ChannelHandlerContext ctx, Http2Connection connection) {
        timer.arm(ctx, idle, () -> {
            if (connection.numActiveStreams() == 0 && ctx.channel().isActive()) {
                closing = true;
                ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR)
                        .setExtraStreamIds(Integer.MAX_VALUE / 2)); // every stream id: none refused
                timer.arm(ctx, GRACE, ctx::close); // the codec's close: the final GOAWAY, then the calls drain
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        timer.disarm();
        ctx.fireChannelInactive();
    }
}
