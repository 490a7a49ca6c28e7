package io.tern.transport;

import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import org.jspecify.annotations.Nullable;

/**
 * Why a connection could not be made, said the same way by both protocols' clients: {@code
 * connection refused}, {@code timed out}, {@code unknown host}, ... rather than the transport's
 * own text ({@code finishConnect(..) failed with error(-111)}).
 */
public final class ConnectFailures {

    private ConnectFailures() {
    }

    /** A few words for why a connection attempt failed. */
    public static String why(@Nullable Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectTimeoutException) {
                return "timed out";
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (t instanceof ConnectException) {
                String message = t.getMessage();
                return message == null || message.contains("refused") ? "connection refused" : message;
            }
            if (t instanceof UnknownHostException) {
                return "unknown host";
            }
        }
        return failure == null ? "not connected" : String.valueOf(failure.getMessage() != null ? failure.getMessage()
                : failure);
    }
}
