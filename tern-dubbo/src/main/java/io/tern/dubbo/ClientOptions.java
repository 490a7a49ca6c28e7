package io.tern.dubbo;

import static java.util.Objects.requireNonNull;

import io.tern.ServiceUrl;
import io.tern.transport.Options;
import java.time.Duration;

/**
 * How a reference talks to a provider: typed, validated, and read once from its
 * {@link ServiceUrl} (with Dubbo's parameter names) or built.
 *
 * @param timeout a call's default timeout ({@code timeout}, ms; per method {@code <method>.timeout})
 * @param connections connections to each provider address, shared by all references ({@code connections})
 * @param lazy connect at the first call instead of at refer time ({@code lazy})
 * @param connectTimeout how long a connection attempt may take ({@code connect.timeout}, ms)
 * @param heartbeat the heartbeat interval; a connection silent for three is closed ({@code heartbeat}, ms)
 * @param payloadLimit the largest frame body sent or accepted, in bytes ({@code payload})
 * @param reconnectMax the longest wait between reconnection attempts, which back off from 100 ms
 */
public record ClientOptions(Duration timeout, int connections, boolean lazy, Duration connectTimeout,
        Duration heartbeat, int payloadLimit, Duration reconnectMax) {

    public static final ClientOptions DEFAULT = new ClientOptions(Duration.ofSeconds(1), 1, false,
            Duration.ofSeconds(3), Duration.ofSeconds(60), ServerOptions.DEFAULT_PAYLOAD, Duration.ofSeconds(10));

    public ClientOptions {
        requireNonNull(timeout, "timeout");
        requireNonNull(connectTimeout, "connectTimeout");
        requireNonNull(heartbeat, "heartbeat");
        requireNonNull(reconnectMax, "reconnectMax");
        Options.positive("timeout", timeout);
        Options.positive("connections", connections);
        Options.positive("connect.timeout", connectTimeout);
        Options.positive("heartbeat", heartbeat);
        Options.positive("payload", payloadLimit);
        Options.positive("reconnectMax", reconnectMax);
    }

    /** These options overridden by the URL's parameters, where it has them. */
    public ClientOptions withUrl(ServiceUrl url) {
        return new ClientOptions(
                url.timeout().orElse(timeout),
                url.intParameter("connections", connections),
                url.booleanParameter("lazy", lazy),
                Options.millisParameter(url, "connect.timeout", connectTimeout),
                Options.millisParameter(url, "heartbeat", heartbeat),
                url.intParameter("payload", payloadLimit),
                reconnectMax);
    }

    public ClientOptions withTimeout(Duration timeout) {
        return new ClientOptions(timeout, connections, lazy, connectTimeout, heartbeat, payloadLimit, reconnectMax);
    }

    public ClientOptions withHeartbeat(Duration heartbeat) {
        return new ClientOptions(timeout, connections, lazy, connectTimeout, heartbeat, payloadLimit, reconnectMax);
    }

    public ClientOptions withPayloadLimit(int payloadLimit) {
        return new ClientOptions(timeout, connections, lazy, connectTimeout, heartbeat, payloadLimit, reconnectMax);
    }

    public ClientOptions withLazy(boolean lazy) {
        return new ClientOptions(timeout, connections, lazy, connectTimeout, heartbeat, payloadLimit, reconnectMax);
    }

    public ClientOptions withConnections(int connections) {
        return new ClientOptions(timeout, connections, lazy, connectTimeout, heartbeat, payloadLimit, reconnectMax);
    }

    public ClientOptions withConnectTimeout(Duration connectTimeout) {
        return new ClientOptions(timeout, connections, lazy, connectTimeout, heartbeat, payloadLimit, reconnectMax);
    }
}
