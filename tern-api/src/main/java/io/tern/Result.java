package io.tern;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * What a call produced: a value, or the exception the service threw, plus the attachments
 * the provider sent back.
 *
 * <p>Calls are asynchronous: {@link Invoker#invoke} returns a {@code CompletableFuture<Result>}.
 * A future completed exceptionally (always with an {@link RpcException}) means the call itself
 * failed — timeout, network, destroyed invoker; a {@code Result} holding an exception means the
 * call reached the service and the service threw. {@link #await} is the synchronous view of both.
 */
public final class Result {

    private static final Result NULL = new Result(null, null, Map.of());

    private final @Nullable Object value;
    private final @Nullable Throwable exception;
    private final Map<String, Object> attachments;

    private Result(@Nullable Object value, @Nullable Throwable exception, Map<String, Object> attachments) {
        this.value = value;
        this.exception = exception;
        this.attachments = attachments;
    }

    public static Result value(@Nullable Object value) {
        return value == null ? NULL : new Result(value, null, Map.of());
    }

    public static Result exception(Throwable exception) {
        return new Result(null, requireNonNull(exception, "exception"), Map.of());
    }

    /** A copy of this result carrying these attachments (copied). */
    public Result withAttachments(Map<String, ?> attachments) {
        requireNonNull(attachments, "attachments");
        if (attachments.isEmpty() && this.attachments.isEmpty()) {
            return this;
        }
        if (this.attachments.isEmpty()) {
            return new Result(value, exception, Map.copyOf(attachments));
        }
        Map<String, Object> copy = new HashMap<>(this.attachments);
        copy.putAll(attachments);
        return new Result(value, exception, Map.copyOf(copy));
    }

    /**
     * This result carrying {@code attachments} as they are: the map is taken, not copied, so no
     * one else may hold it (an answer's own decoded map). Its keys and values are not null.
     */
    public Result adoptAttachments(Map<String, Object> attachments) {
        requireNonNull(attachments, "attachments");
        if (!this.attachments.isEmpty()) {
            return withAttachments(attachments);
        }
        return attachments.isEmpty() ? this
                : new Result(value, exception, java.util.Collections.unmodifiableMap(attachments));
    }

    public @Nullable Object value() {
        return value;
    }

    public @Nullable Throwable exception() {
        return exception;
    }

    public boolean hasException() {
        return exception != null;
    }

    /** The attachments the provider sent back; read-only. */
    public Map<String, Object> attachments() {
        return attachments;
    }

    /**
     * The value, or the service's exception thrown as it is when unchecked and wrapped in an
     * {@link RpcException} with status {@link RpcStatus#SERVICE_ERROR} when checked.
     */
    public @Nullable Object recreate() {
        Throwable t = exception;
        if (t == null) {
            return value;
        }
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new RpcException(RpcStatus.SERVICE_ERROR, "service threw " + t.getClass().getName(), t);
    }

    /**
     * Waits for a call's result: the synchronous view of an asynchronous call. An interrupt
     * while waiting leaves the interrupt flag set and fails the wait, not the call.
     *
     * @throws RpcException when the call failed (the future's own failure, unwrapped)
     */
    public static Result await(CompletableFuture<Result> future) {
        try {
            return future.get();
        } catch (InterruptedException | CancellationException | ExecutionException e) {
            throw waitFailed(e);
        }
    }

    /**
     * What waiting for a call's future threw, as an {@link RpcException}: an interruption (the
     * thread's flag set again), a cancellation, or the call's own failure.
     */
    public static RpcException waitFailed(Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new RpcException(RpcStatus.INTERNAL, "interrupted while waiting for a call", e);
        }
        if (e instanceof CancellationException) {
            return new RpcException(RpcStatus.INTERNAL, "call cancelled", e);
        }
        return asRpcException(e instanceof ExecutionException ? e.getCause() : e);
    }

    /** How many wrappers deep a failure's cause is looked for. */
    private static final int MAX_CAUSE_DEPTH = 32;

    /** The failure of a call future as an {@link RpcException}. */
    public static RpcException asRpcException(@Nullable Throwable failure) {
        Throwable t = failure;
        // A peer's exception can have a cause chain that loops: the walk is bounded.
        for (int i = 0; i < MAX_CAUSE_DEPTH && t instanceof java.util.concurrent.CompletionException
                && t.getCause() != null; i++) {
            t = t.getCause();
        }
        if (t instanceof RpcException rpc) {
            return rpc;
        }
        String type = t == null ? "unknown" : t.getClass().getName();
        return new RpcException(RpcStatus.INTERNAL, "call failed: " + type, t);
    }

    @Override
    public String toString() {
        return exception != null
                ? "Result[exception=" + exception.getClass().getName() + "]"
                : "Result[value of " + (value == null ? "null" : value.getClass().getName()) + "]";
    }
}
