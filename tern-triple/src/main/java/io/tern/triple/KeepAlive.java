package io.tern.triple;

import io.tern.ServiceUrl;
import io.tern.transport.Options;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * HTTP/2 keepalive with grpc-java's meaning, and its defaults but for what a server permits
 * ({@link #SERVER}). A side pings its peer once it has read nothing for {@code time}, and
 * closes the connection when nothing at all arrives within {@code timeout} of the ping; a
 * client pings only while it has calls open unless {@code withoutCalls}. A server takes a client's pings no more often than {@code permitTime}
 * (every two hours without calls, unless {@code permitWithoutCalls}); a client that pings more
 * often three times hears GOAWAY {@code ENHANCE_YOUR_CALM} with {@code too_many_pings}, and a Tern
 * client that hears it pings half as often from then on.
 *
 * <p>URL parameters, in milliseconds: {@code keepalive.time} ({@code 0} or absent: a client does
 * not ping; a server's default is two hours), {@code keepalive.timeout},
 * {@code keepalive.without.calls}, {@code permit.keepalive.time},
 * {@code permit.keepalive.without.calls}.
 *
 * @param time how long a side waits with nothing read before it pings; null: it never pings
 * @param timeout how long it waits after a ping for anything to arrive
 * @param withoutCalls whether a client pings also while it has no call open
 * @param permitTime how often a server lets a client ping while calls are open
 * @param permitWithoutCalls whether a server lets a client ping that often also without calls
 */
public record KeepAlive(@Nullable Duration time, Duration timeout, boolean withoutCalls, Duration permitTime,
        boolean permitWithoutCalls) {

    /**
     * A Tern server's: pings after 2 hours of silence and waits 20 s, as grpc-java's; lets clients
     * ping every 30 s, with calls open or not. Looser than grpc-java's server ({@link #GRPC_SERVER}),
     * because Apache Dubbo's Triple consumers ping a connection idle for their heartbeat (60 s)
     * whether or not a call is open, and a long stream quiet for three minutes would otherwise be
     * cut with {@code too_many_pings}. A client pinging more than twice a minute is still refused.
     */
    public static final KeepAlive SERVER = new KeepAlive(Duration.ofHours(2), Duration.ofSeconds(20), true,
            Duration.ofSeconds(30), true);
    /** grpc-java's server: as {@link #SERVER}, but permits a ping every 5 minutes with calls, every 2 hours without. */
    public static final KeepAlive GRPC_SERVER = new KeepAlive(Duration.ofHours(2), Duration.ofSeconds(20), true,
            Duration.ofMinutes(5), false);
    /** grpc-java's client: no pings unless asked; 20 s for an answer when it does. */
    public static final KeepAlive CLIENT = new KeepAlive(null, Duration.ofSeconds(20), false, Duration.ofMinutes(5),
            false);
    /** How often a server lets a client ping while no call is open, unless it permits more: gRPC's two hours. */
    static final Duration IMPLICIT_PERMIT_TIME = Duration.ofHours(2);
    /** Pings too early a server forgives before it says too_many_pings: gRPC's two. */
    static final int MAX_PING_STRIKES = 2;

    /** These settings with what a URL's parameters say; a side that must not ping has {@code keepalive.time=0}. */
    public KeepAlive withUrl(ServiceUrl url) {
        Duration ping = time == null ? Duration.ZERO : time;
        Duration pingTime = Options.millisParameter(url, "keepalive.time", ping);
        return new KeepAlive(pingTime.isZero() ? null : pingTime,
                Options.millisParameter(url, "keepalive.timeout", timeout),
                url.booleanParameter("keepalive.without.calls", withoutCalls),
                Options.millisParameter(url, "permit.keepalive.time", permitTime),
                url.booleanParameter("permit.keepalive.without.calls", permitWithoutCalls));
    }

    /** These settings pinging every {@code time} instead. */
    public KeepAlive withTime(@Nullable Duration time) {
        return new KeepAlive(time, timeout, withoutCalls, permitTime, permitWithoutCalls);
    }
}
