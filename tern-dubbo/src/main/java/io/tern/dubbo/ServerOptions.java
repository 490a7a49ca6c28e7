package io.tern.dubbo;

import static java.util.Objects.requireNonNull;

import io.tern.ServiceUrl;
import io.tern.transport.ConnectionLimits;
import io.tern.transport.Options;
import java.time.Duration;

/**
 * How a dubbo server runs: typed, validated, and read once from a {@link ServiceUrl} (with
 * Dubbo's parameter names) or built.
 *
 * @param threads the bounded pool's size ({@code threads})
 * @param queues calls that may wait for a pool thread ({@code queues}, 0 for none)
 * @param payloadLimit the largest frame body accepted or sent, in bytes ({@code payload})
 * @param heartbeat the heartbeat interval; a connection silent for three is closed ({@code heartbeat}, ms)
 * @param shutdownTimeout how long graceful shutdown waits for calls in flight ({@code shutdown.timeout}, ms)
 * @param limits what peers may hold: connections, buffered bytes, time to send a frame
 */
public record ServerOptions(Dispatch dispatch, int threads, int queues, int payloadLimit, Duration heartbeat,
        Duration shutdownTimeout, ConnectionLimits limits) {

    public static final int DEFAULT_PAYLOAD = 8 * 1024 * 1024;
    public static final ServerOptions DEFAULT = new ServerOptions(Dispatch.POOL, 200, 0, DEFAULT_PAYLOAD,
            Duration.ofSeconds(60), Duration.ofSeconds(10), ConnectionLimits.DEFAULT);

    public ServerOptions {
        requireNonNull(dispatch, "dispatch");
        requireNonNull(heartbeat, "heartbeat");
        requireNonNull(shutdownTimeout, "shutdownTimeout");
        requireNonNull(limits, "limits");
        Options.positive("threads", threads);
        Options.notNegative("queues", queues);
        Options.positive("payload", payloadLimit);
        Options.positive("heartbeat", heartbeat);
        Options.notNegative("shutdown.timeout", shutdownTimeout);
    }

    /** These options overridden by the URL's parameters, where it has them. */
    public ServerOptions withUrl(ServiceUrl url) {
        String dispatchName = url.parameter("dispatch", url.parameter("dispatcher", ""));
        return new ServerOptions(
                dispatchName.isEmpty() ? dispatch : Dispatch.parse(dispatchName),
                url.intParameter("threads", threads),
                url.intParameter("queues", queues),
                url.intParameter("payload", payloadLimit),
                Options.millisParameter(url, "heartbeat", heartbeat),
                Options.millisParameter(url, "shutdown.timeout", shutdownTimeout),
                limits.withUrl(url));
    }

    public ServerOptions withDispatch(Dispatch dispatch) {
        return new ServerOptions(dispatch, threads, queues, payloadLimit, heartbeat, shutdownTimeout, limits);
    }

    public ServerOptions withPayloadLimit(int payloadLimit) {
        return new ServerOptions(dispatch, threads, queues, payloadLimit, heartbeat, shutdownTimeout, limits);
    }

    public ServerOptions withHeartbeat(Duration heartbeat) {
        return new ServerOptions(dispatch, threads, queues, payloadLimit, heartbeat, shutdownTimeout, limits);
    }

    public ServerOptions withThreads(int threads, int queues) {
        return new ServerOptions(dispatch, threads, queues, payloadLimit, heartbeat, shutdownTimeout, limits);
    }

    public ServerOptions withLimits(ConnectionLimits limits) {
        return new ServerOptions(dispatch, threads, queues, payloadLimit, heartbeat, shutdownTimeout, limits);
    }

    /** The inbound budget in force: the configured one, or the payload limit where that is larger. */
    long inboundBudget() {
        return Math.max(limits.inboundBudget(), payloadLimit);
    }

    public ServerOptions withShutdownTimeout(Duration shutdownTimeout) {
        return new ServerOptions(dispatch, threads, queues, payloadLimit, heartbeat, shutdownTimeout, limits);
    }
}
