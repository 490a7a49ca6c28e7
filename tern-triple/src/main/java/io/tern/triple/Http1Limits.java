package io.tern.triple;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.tern.transport.ConnectionTimer;
import io.tern.transport.ServerPort;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The port's limits on an HTTP/1.1 connection, placed before the HTTP codec so that it sees bytes
 * as they come: a request, from its first byte to its last, must arrive within the port's
 * {@code frame.timeout} (a header sent a byte a second, or a body that stops, closes the
 * connection), its bytes are taken from the port's inbound budget until it has been read whole
 * (so many connections' unfinished bodies cannot add up past the budget), and a keep-alive
 * connection with nothing to do is closed after the port's {@code idle.timeout}. Everything
 * happens on the connection's event loop.
 */
final class Http1Limits extends ChannelDuplexHandler {

    private final @Nullable ServerPort port;
    private final Duration frameTimeout;
    /** How long a keep-alive connection may wait for its next request. */
    private final Duration idle;
    private boolean receiving;
    private long reserved;
    private final ConnectionTimer timer = new ConnectionTimer();

    Http1Limits(@Nullable ServerPort port, Duration frameTimeout, Duration idle) {
        this.port = port;
        this.frameTimeout = frameTimeout;
        this.idle = idle;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // the detector has read the request line's first bytes: a request has begun
        receiving = true;
        arm(ctx, frameTimeout, "a request took longer than " + frameTimeout.toMillis() + " ms to arrive"
                + " (frame.timeout)");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes) {
            if (!receiving) {
                receiving = true;
                arm(ctx, frameTimeout, "a request took longer than " + frameTimeout.toMillis() + " ms to arrive"
                        + " (frame.timeout)");
            }
            ServerPort limits = port;
            int length = bytes.readableBytes();
            if (limits != null && length > 0) {
                if (!limits.reserve(length)) {
                    bytes.release();
                    limits.warn(ctx.channel(), "tri: closing an HTTP/1.1 connection: its request does not fit the"
                            + " server's inbound budget (inbound.budget)");
                    ctx.close();
                    return;
                }
                reserved += length;
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** A request has been read whole: its bytes go back to the budget, and its clock stops. */
    void requestRead() {
        receiving = false;
        disarm();
        release();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse) {
            promise = promise.unvoid().addListener(f -> {
                if (!receiving && f.isSuccess()) {
                    arm(ctx, idle, "an idle HTTP/1.1 connection sent no request for " + idle.toMillis() + " ms");
                }
            });
        }
        super.write(ctx, msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        disarm();
        release();
        super.channelInactive(ctx);
    }

    private void arm(ChannelHandlerContext ctx, Duration after, String why) {
        timer.arm(ctx, after, () -> {
            ServerPort limits = port;
            if (limits != null && receiving) {
                limits.warn(ctx.channel(), "tri: closing an HTTP/1.1 connection: " + why);
            }
            ctx.close();
        });
    }

    private void disarm() {
        timer.disarm();
    }

    private void release() {
        ServerPort limits = port;
        if (limits != null && reserved > 0) {
            limits.unreserve(reserved);
        }
        reserved = 0;
    }
}
