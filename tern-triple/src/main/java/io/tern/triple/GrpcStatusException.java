package io.tern.triple;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * A failure that goes out over Triple with the gRPC status it names, where Tern would otherwise
 * answer UNKNOWN: thrown by a service's method, or given to a response observer's
 * {@code onError}. For methods whose messages are protobuf messages, which carry no exception
 * in a message, so that a gRPC client sees {@code NOT_FOUND}, {@code INVALID_ARGUMENT} or
 * {@code FAILED_PRECONDITION} as a gRPC server would answer it.
 */
public final class GrpcStatusException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final GrpcStatus status;

    /** A failure answered with {@code status} and {@code message} as its {@code grpc-message}. */
    public GrpcStatusException(GrpcStatus status, @Nullable String message) {
        super(message);
        this.status = requireNonNull(status, "status");
    }

    /** The status the call ends with. */
    public GrpcStatus status() {
        return status;
    }

    /** The status a failure of a service ends a call with: its own, when it names one; else UNKNOWN. */
    static GrpcStatus statusOf(Throwable failure) {
        if (failure instanceof GrpcStatusException named) {
            return named.status;
        }
        return failure instanceof io.tern.RpcException rpc ? GrpcStatus.of(rpc.status()) : GrpcStatus.UNKNOWN;
    }
}
