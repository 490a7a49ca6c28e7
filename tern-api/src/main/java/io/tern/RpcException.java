package io.tern;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * The one exception type Tern raises for a failed call. The {@link #status()} says which kind
 * of failure it was; the message says what failed, the value, and what was expected.
 *
 * <p>An exception thrown by a service implementation is not wrapped in this type: it reaches the
 * caller as itself, through {@link Result#exception()}.
 */
public final class RpcException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final RpcStatus status;

    public RpcException(RpcStatus status, String message) {
        this(status, message, null);
    }

    public RpcException(RpcStatus status, String message, @Nullable Throwable cause) {
        super(requireNonNull(message, "message"), cause);
        this.status = requireNonNull(status, "status");
    }

    public RpcStatus status() {
        return status;
    }

    /**
     * Whether the call may be sent again to another provider: only after a network failure or a
     * timeout, never after the service answered.
     */
    public boolean isRetryable() {
        return status == RpcStatus.NETWORK || status == RpcStatus.TIMEOUT;
    }

    @Override
    public String toString() {
        return "RpcException[" + status + "]: " + getMessage();
    }
}
