package io.tern.dubbo;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import io.tern.Invocation;
import io.tern.MethodDescriptor;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceKey;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * One client connection to a provider and the calls pending on it. Owned by its
 * {@link SharedClient}. Its pending map holds only calls in flight: each leaves it on its
 * answer, its timeout, a failed write, its cancellation, or the connection's close — which
 * fails every call still pending at once with {@link RpcStatus#NETWORK}.
 */
final class DubboConnection implements DubboFrameDecoder.PendingLookup {

    final Channel channel;
    private final SharedClient client;
    private final WriteQueue writes;
    private final ConcurrentHashMap<Long, PendingCall> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong(ThreadLocalRandom.current().nextLong(1L << 48));
    private volatile boolean readOnly;
    private volatile boolean closed;

    DubboConnection(SharedClient client, Channel channel) {
        this.client = client;
        this.channel = channel;
        this.writes = new WriteQueue(channel);
    }

    boolean isUsable() {
        return !closed && !readOnly && channel.isActive();
    }

    boolean isReadOnly() {
        return readOnly;
    }

    int pendingCount() {
        return pending.size();
    }

    /** Sends a call; two-way calls complete with their answer, one-way calls once written. */
    CompletableFuture<Result> send(Invocation invocation, RequestTemplate template) {
        boolean oneWay = template.oneWay();
        if (!channel.isWritable()) {
            return CompletableFuture.failedFuture(new RpcException(RpcStatus.NETWORK, "connection to " + client.address
                    + " is not writable for " + invocation.serviceKey().call(invocation.methodName())
                    + ": its provider is not reading (" + (channel.bytesBeforeWritable()
                    + channel.config().getWriteBufferLowWaterMark()) + " bytes wait to be written, expected: below "
                    + channel.config().getWriteBufferHighWaterMark() + ")"));
        }
        long id = ids.incrementAndGet();
        ByteBuf frame;
        try {
            frame = client.codec.encodeRequest(channel.alloc(), id, template, invocation, client.options.payloadLimit());
        } catch (RpcException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (oneWay) {
            CompletableFuture<Result> sent = new CompletableFuture<>();
            writes.enqueue(frame, f -> {
                if (f.isSuccess()) {
                    sent.complete(Result.value(null));
                } else {
                    sent.completeExceptionally(writeFailed(invocation, f.cause()));
                }
            });
            return sent;
        }
        long timeoutMillis = template.timeoutMillis();
        PendingCall call = new PendingCall(id, template.method(), invocation, timeoutMillis, this);
        pending.put(id, call);
        if (closed) {
            // Closed between the check and the put: the close may have missed this call.
            fail(call, closedException());
            frame.release();
            return call;
        }
        call.timeout = client.timer().newTimeout(new TimeoutTask(this, id), timeoutMillis, TimeUnit.MILLISECONDS);
        // No listener: a write that fails closes the connection (the handler closes it on the
        // exception), and closing fails every pending call; a promise per call would cost more
        // than the rest of the call's bookkeeping.
        writes.enqueue(frame, null);
        return call;
    }

    private RpcException writeFailed(Invocation invocation, @Nullable Throwable cause) {
        return new RpcException(RpcStatus.NETWORK, "write to " + client.address + " failed for "
                + invocation.serviceKey().call(invocation.methodName()) + ": " + cause, cause);
    }

    @Override
    public @Nullable PendingCall pending(long id) {
        return pending.get(id);
    }

    void onResponse(DecodedResponse response) {
        if (response.event) {
            return; // a heartbeat's answer
        }
        PendingCall call = pending.remove(response.id);
        if (call == null) {
            if (response.body != null) {
                response.body.release();
            }
            return; // timed out or cancelled meanwhile
        }
        call.stopTimer();
        if (response.body != null) {
            call.readOnCaller(response);
        } else if (response.failure != null) {
            call.completeExceptionally(response.failure);
        } else {
            call.complete(response.result);
        }
    }

    /** Reads an answer's body, handed over undecoded, as the answer to a call expecting {@code expected}. */
    DecodedResponse decode(DecodedResponse undecoded, @Nullable MethodDescriptor expected) {
        return client.codec.decodeResponse(undecoded.id, false, undecoded.status, undecoded.serializationId,
                java.util.Objects.requireNonNull(undecoded.body), expected);
    }

        void onEvent(@Nullable Object data) {
        if (Wire.READ_ONLY_EVENT.equals(data)) {
            readOnly = true;
        } else if (Wire.WRITABLE_EVENT.equals(data)) {
            readOnly = false;
        }
    }

    /** Whether a call or heartbeat was written since the last call; called on the channel's event loop. */
    boolean wroteSinceAsked() {
        return writes.takeWritten();
    }

    void sendHeartbeat() {
        writes.enqueue(client.codec.encodeHeartbeat(channel.alloc(), ids.incrementAndGet(), true,
                io.tern.serialization.Hessian2Serialization.ID), null);
    }

    ByteBuf heartbeatAnswer(io.netty.buffer.ByteBufAllocator alloc, DecodedRequest request) {
        return client.codec.encodeHeartbeat(alloc, request.id, false, request.serializationId);
    }

    void forget(PendingCall call) {
        if (pending.remove(call.id, call)) {
            call.stopTimer();
        }
    }

    private void timedOut(long id) {
        PendingCall call = pending.remove(id);
        if (call != null) {
            call.completeExceptionally(new RpcException(RpcStatus.TIMEOUT, "call " + call.description() + " to "
                    + client.address + ": no answer in " + call.timeoutMillis + " ms (expected: an answer within "
                    + "the timeout)"));
        }
    }

    /** The channel closed: fail every pending call now, not at its timeout. */
    void onClosed() {
        closed = true;
        writes.discard();
        RpcException closedException = closedException();
        for (PendingCall call : pending.values()) {
            fail(call, closedException);
        }
    }

    private void fail(PendingCall call, RpcException e) {
        if (pending.remove(call.id, call)) {
            call.stopTimer();
            call.completeExceptionally(e);
        }
    }

    private RpcException closedException() {
        return new RpcException(RpcStatus.NETWORK, "connection to " + client.address + " closed");
    }

    /** Holds only the call id and the connection's map owner, never the call. */
    private record TimeoutTask(DubboConnection connection, long id) implements TimerTask {
        @Override
        public void run(Timeout timeout) {
            connection.timedOut(id);
        }
    }
}
