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
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Closes a server's HTTP/2 connection that has had no open stream for the port's
 * {@code idle.timeout}, as gRPC's {@code maxConnectionIdle} does: a GOAWAY without error, so the
 * client knows to make a new connection for its next call, then the close. PINGs and SETTINGS do
 * not keep a connection: only calls do. Added after the HTTP/2 codec; runs on the connection's
 * event loop.
 */
final class Http2Idle extends ChannelInboundHandlerAdapter {

    private final Duration idle;
    private @Nullable ScheduledFuture<?> timer;

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
                disarm();
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
        disarm();
        timer = ctx.executor().schedule(() -> {
            timer = null;
            if (connection.numActiveStreams() == 0 && ctx.channel().isActive()) {
                ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        }, idle.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void disarm() {
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
            timer = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        disarm();
        ctx.fireChannelInactive();
    }
}
