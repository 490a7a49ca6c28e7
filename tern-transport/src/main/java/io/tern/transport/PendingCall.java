package io.tern.transport;

import io.netty.util.Timeout;
import io.tern.Invocation;
import io.tern.MethodDescriptor;
import io.tern.Result;
import io.tern.ServiceKey;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A two-way call waiting for its answer, in its connection's pending map under its id. Every
 * way it ends — answer, timeout, write failure, connection closed, cancellation — removes it
 * from that map.
 */
final class PendingCall extends CompletableFuture<Result> implements DubboFrameDecoder.Pending {

    final long id;
    final @Nullable MethodDescriptor expected;
    private final ServiceKey serviceKey;
    private final String methodName;
    final long timeoutMillis;
    private final DubboConnection connection;
    volatile @Nullable Timeout timeout;

    PendingCall(long id, @Nullable MethodDescriptor expected, Invocation invocation, long timeoutMillis,
            DubboConnection connection) {
        this.id = id;
        this.expected = expected;
        this.serviceKey = invocation.serviceKey();
        this.methodName = invocation.methodName();
        this.timeoutMillis = timeoutMillis;
        this.connection = connection;
    }

    @Override
    public @Nullable MethodDescriptor expected() {
        return expected;
    }

    /** {@code service#method}, for messages; built only when one is written. */
    String description() {
        return serviceKey.call(methodName);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        connection.forget(this);
        return cancelled;
    }

    /** Stops the timeout; called once the call has left the pending map. */
    void stopTimer() {
        Timeout t = timeout;
        if (t != null) {
            t.cancel();
        }
    }
}
