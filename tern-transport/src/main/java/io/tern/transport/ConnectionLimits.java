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
 */
public record ConnectionLimits(int connections, int connectionsPerAddress, long inboundBudget, Duration frameTimeout) {

    public static final ConnectionLimits DEFAULT = new ConnectionLimits(4096, 256, 64L << 20, Duration.ofSeconds(10));

    public ConnectionLimits {
        requireNonNull(frameTimeout, "frameTimeout");
        Options.positive("accepts", connections);
        Options.positive("accepts.per.address", connectionsPerAddress);
        if (inboundBudget <= 0) {
            throw new IllegalArgumentException("inbound.budget: " + inboundBudget + " (expected: > 0)");
        }
        Options.positive("frame.timeout", frameTimeout);
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
                Options.millisParameter(url, "frame.timeout", frameTimeout));
    }

    public ConnectionLimits withConnections(int connections, int connectionsPerAddress) {
        return new ConnectionLimits(connections, connectionsPerAddress, inboundBudget, frameTimeout);
    }

    public ConnectionLimits withInboundBudget(long inboundBudget) {
        return new ConnectionLimits(connections, connectionsPerAddress, inboundBudget, frameTimeout);
    }

    public ConnectionLimits withFrameTimeout(Duration frameTimeout) {
        return new ConnectionLimits(connections, connectionsPerAddress, inboundBudget, frameTimeout);
    }
}
