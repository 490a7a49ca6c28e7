package io.tern.ops;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Closes a connection that has not sent a whole request within the deadline of its opening or of
 * its last answer: a caller that sends nothing, or a header a byte a second, cannot hold a
 * connection, and neither can one left open and idle. Placed before the HTTP codec, it sees the
 * answers go out; every command answers well within the deadline.
 */
final class RequestDeadline extends ChannelDuplexHandler {

    private final long deadlineNanos;
    private @Nullable ScheduledFuture<?> timer;

    RequestDeadline(Duration deadline) {
        this.deadlineNanos = deadline.toNanos();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        arm(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse) {
            promise = promise.unvoid();
            promise.addListener(f -> arm(ctx)); // answered: the next request's clock starts
        }
        super.write(ctx, msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        disarm();
        super.channelInactive(ctx);
    }

    private void arm(ChannelHandlerContext ctx) {
        disarm();
        if (ctx.channel().isActive()) {
            timer = ctx.executor().schedule(() -> ctx.close(), deadlineNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void disarm() {
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
            timer = null;
        }
    }
}
