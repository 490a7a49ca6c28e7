package io.tern.triple;

import io.netty.channel.ChannelFutureListener;
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
 * {@code idle.timeout}, as gRPC's {@code maxConnectionIdle} does: a GOAWAY without error, so the
 * client knows to make a new connection for its next call, then the close. PINGs and SETTINGS do
 * not keep a connection: only calls do. Added after the HTTP/2 codec; runs on the connection's
 * event loop.
 */
final class Http2Idle extends ChannelInboundHandlerAdapter {

    private final Duration idle;
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
                timer.disarm();
            }

            @Override
            public void onStreamClosed(Http2Stream stream) {
                if (connection.numActiveStreams() == 0) {
                    arm(ctx, connection);
                }
            }
        });
        arm(ctx, connection);
    }

    private void arm(ChannelHandlerContext ctx, Http2Connection connection) {
        timer.arm(ctx, idle, () -> {
            if (connection.numActiveStreams() == 0 && ctx.channel().isActive()) {
                ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        timer.disarm();
        ctx.fireChannelInactive();
    }
}
