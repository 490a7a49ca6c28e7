package io.tern.dubbo;

import io.netty.buffer.ByteBuf;
import io.netty.util.Timeout;
import io.tern.Invocation;
import io.tern.MethodDescriptor;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceKey;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * A two-way call waiting for its answer, in its connection's pending map under its id. Every
 * way it ends — answer, timeout, write failure, connection closed, cancellation — removes it
 * from that map.
 *
 * <p>A call whose thread waits for it has that thread's executor: a large answer's body is
 * handed there and read there (this call is the task that reads it), not on the event loop.
 */
final class PendingCall extends CompletableFuture<Result> implements DubboFrameDecoder.Pending, Runnable {

    final long id;
    final @Nullable MethodDescriptor expected;
    private final ServiceKey serviceKey;
    private final String methodName;
    final long timeoutMillis;
    private final DubboConnection connection;
    volatile @Nullable Timeout timeout;
    private final @Nullable Executor caller;
    /** The answer the caller is to read, from its arrival until it is read. */
    private @Nullable DecodedResponse answer;

    PendingCall(long id, @Nullable MethodDescriptor expected, Invocation invocation, long timeoutMillis,
            DubboConnection connection) {
        this.id = id;
        this.expected = expected;
        this.serviceKey = invocation.serviceKey();
        this.methodName = invocation.methodName();
        this.timeoutMillis = timeoutMillis;
        this.connection = connection;
        this.caller = invocation.callerExecutor();
    }

    @Override
    public @Nullable MethodDescriptor expected() {
        return expected;
    }

    @Override
    public boolean readByCaller() {
        return caller != null;
    }

    /**
     * Hands an answer still to be read to the caller's executor; called once the call has left
     * the pending map. The executor runs it even when its thread no longer waits.
     */
    void readOnCaller(DecodedResponse undecoded) {
        answer = undecoded; // published to the reading thread by the executor's queue
        Executor executor = java.util.Objects.requireNonNull(caller, "caller"); // only a waiting caller reads here
        try {
            executor.execute(this);
        } catch (RuntimeException e) {
            // Never expected of a caller's executor; the body must not leak whatever happens.
            run();
        }
    }

    /** Reads the answer handed over and completes the call with it. */
    @Override
    public void run() {
        DecodedResponse undecoded = answer;
        if (undecoded == null) {
            return; // read already
        }
        answer = null;
        ByteBuf body = undecoded.body;
        try {
            DecodedResponse read = connection.decode(undecoded, expected);
            if (read.failure != null) {
                completeExceptionally(read.failure);
            } else {
                complete(read.result);
            }
        } catch (RuntimeException e) {
            completeExceptionally(new RpcException(RpcStatus.INTERNAL, "reading the answer to "
                    + description() + " failed: " + e, e));
        } finally {
            if (body != null) {
                body.release();
            }
        }
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
