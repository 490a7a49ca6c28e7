package io.tern.transport;

import static java.util.Objects.requireNonNull;

import io.tern.ServiceUrl;
import java.time.Duration;

/**
 * What one server lets its peers hold: typed, validated, and read once from a {@link ServiceUrl}
 * or built. A connection over a limit is closed as soon as it is accepted, with one WARN per
 * remote address per minute; a frame that outruns the budget or its deadline closes its
 * connection.
 *
 * @param connections connections the server holds at once ({@code accepts}, as Dubbo names it)
 * @param connectionsPerAddress connections one remote address may hold ({@code accepts.per.address})
 * @param inboundBudget bytes of frames still arriving the server buffers across all its
 *     connections; at least the payload limit ({@code inbound.budget})
 * @param frameTimeout how long a frame may take to arrive once its first byte has ({@code frame.timeout}, ms)
 * @param idleTimeout how long a connection with no call under way is kept ({@code idle.timeout}, ms): an
 *     HTTP/2 connection without an open stream, an HTTP/1.1 connection between requests. A dubbo
 *     connection is kept while it sends heartbeats instead (three missed close it).
 */
public record ConnectionLimits(int connections, int connectionsPerAddress, long inboundBudget, Duration frameTimeout,
        Duration idleTimeout) {

    public static final ConnectionLimits DEFAULT = new ConnectionLimits(4096, 256, 64L << 20, Duration.ofSeconds(10),
            Duration.ofSeconds(180));

    /** Limits with the default idle timeout. */
    public ConnectionLimits(int connections, int connectionsPerAddress, long inboundBudget, Duration frameTimeout) {
        this(connections, connectionsPerAddress, inboundBudget, frameTimeout, Duration.ofSeconds(180));
    }

    public ConnectionLimits {
        requireNonNull(frameTimeout, "frameTimeout");
        requireNonNull(idleTimeout, "idleTimeout");
        Options.positive("accepts", connections);
        Options.positive("accepts.per.address", connectionsPerAddress);
        if (inboundBudget <= 0) {
            throw new IllegalArgumentException("inbound.budget: " + inboundBudget + " (expected: > 0)");
        }
        Options.positive("frame.timeout", frameTimeout);
        Options.positive("idle.timeout", idleTimeout);
    }

    /** These limits overridden by the URL's parameters, where it has them. */
    public ConnectionLimits withUrl(ServiceUrl url) {
        String budget = url.parameter("inbound.budget", "");
        long parsedBudget;
        try {
            parsedBudget = budget.isEmpty() ? inboundBudget : Long.parseLong(budget);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("inbound.budget: '" + budget + "' (expected: a number of bytes)");
        }
        return new ConnectionLimits(url.intParameter("accepts", connections),
                url.intParameter("accepts.per.address", connectionsPerAddress), parsedBudget,
                Options.millisParameter(url, "frame.timeout", frameTimeout),
                Options.millisParameter(url, "idle.timeout", idleTimeout));
    }

    public ConnectionLimits withConnections(int connections, int connectionsPerAddress) {
        return new ConnectionLimits(connections, connectionsPerAddress, inboundBudget, frameTimeout, idleTimeout);
    }

    public ConnectionLimits withInboundBudget(long inboundBudget) {
        return new ConnectionLimits(connections, connectionsPerAddress, inboundBudget, frameTimeout, idleTimeout);
    }

    public ConnectionLimits withFrameTimeout(Duration frameTimeout) {
        return new ConnectionLimits(connections, connectionsPerAddress, inboundBudget, frameTimeout, idleTimeout);
    }

    public ConnectionLimits withIdleTimeout(Duration idleTimeout) {
        return new ConnectionLimits(connections, connectionsPerAddress, inboundBudget, frameTimeout, idleTimeout);
    }
}
