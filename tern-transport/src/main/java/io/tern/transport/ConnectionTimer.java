package io.tern.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One deadline of a connection's handler — for its first bytes, a request to arrive, an idle
 * spell — armed, disarmed and armed again on the connection's event loop, which runs what it
 * does on expiry. Every handler that closes a connection for time spent keeps its deadline in one.
 * Used from the event loop only.
 */
public final class ConnectionTimer {

    private @Nullable ScheduledFuture<?> task;

    /** Runs {@code expiry} after {@code after} unless disarmed first; replaces a deadline armed before. */
    public void arm(ChannelHandlerContext ctx, Duration after, Runnable expiry) {
        disarm();
        task = ctx.executor().schedule(() -> {
            task = null;
            expiry.run();
        }, after.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Cancels the deadline, if one is armed. */
    public void disarm() {
        ScheduledFuture<?> t = task;
        if (t != null) {
            task = null;
            t.cancel(false);
        }
    }

    /** Whether a deadline is armed now. */
    public boolean armed() {
        return task != null;
    }
}
