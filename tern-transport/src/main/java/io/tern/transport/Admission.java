package io.tern.transport;

import io.netty.channel.Channel;
import io.tern.core.PeerWarnings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * A port's bookkeeping of what its peers hold: connections in total and per remote address, and
 * the bytes of frames still arriving, against its {@link ConnectionLimits}. Warnings about a peer
 * are logged at most once per remote address per minute. Owned by one {@link ServerPort}; an
 * admitted connection gives back what it held when it closes, so the per-address table holds only
 * addresses with a connection open.
 *
 * <p>Connections that have sent nothing yet are remembered in the order they came. When a limit
 * is reached, the oldest of them that has been silent for {@link #SILENT_GRACE} (from the same
 * address, for the per-address limit) is closed to make room, so peers that connect and say
 * nothing cannot hold a limit against everyone else. A client that connects ahead of its first
 * call and is closed this way connects again when it calls.
 */
final class Admission {

    /** How long a new connection may stay silent before it can give way to a newcomer. */
    static final long SILENT_GRACE = TimeUnit.SECONDS.toNanos(1);

    private final ConnectionLimits limits;
    private final long budget;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    private final ConcurrentLinkedDeque<Silent> silent = new ConcurrentLinkedDeque<>();
    private final AtomicLong reserved = new AtomicLong();
    private final PeerWarnings warnings = new PeerWarnings(LoggerFactory.getLogger(Admission.class));

    /** A connection that has sent nothing since it was accepted at {@code since} (System.nanoTime). */
    private record Silent(Channel channel, InetAddress address, long since) {
    }

    Admission(ConnectionLimits limits, long budget) {
        this.limits = limits;
        this.budget = budget;
    }

    ConnectionLimits limits() {
        return limits;
    }

    /** Admits an accepted connection, or warns and says no; an admitted one is released when it closes. */
    boolean admit(Channel channel) {
        InetAddress address = address(channel);
        if (total.incrementAndGet() > limits.connections()) {
            if (!evictSilent(null)) {
                total.decrementAndGet();
                warn(address, "refused a connection: the server holds " + limits.connections()
                        + " connections (accepts)");
                return false;
            }
        }
        int[] held = new int[1];
        perAddress.compute(address, (a, count) -> held[0] = (count == null ? 0 : count) + 1);
        if (held[0] > limits.connectionsPerAddress() && !evictSilent(address)) {
            release(address);
            warn(address, "refused a connection: it holds " + limits.connectionsPerAddress()
                    + " connections (accepts.per.address)");
            return false;
        }
        Silent entry = new Silent(channel, address, System.nanoTime());
        silent.addLast(entry);
        channel.closeFuture().addListener(f -> {
            silent.remove(entry);
            release(address);
        });
        return true;
    }

    /** The connection sent its first bytes: it no longer gives way to newcomers. */
    void spoke(Channel channel) {
        silent.removeIf(s -> s.channel() == channel);
    }

    /**
     * Closes the oldest connection that has been silent past the grace (of {@code address} when
     * given); its place counts for the newcomer at once, before the close completes.
     */
    private boolean evictSilent(@Nullable InetAddress address) {
        long now = System.nanoTime();
        for (Iterator<Silent> it = silent.iterator(); it.hasNext(); ) {
            Silent s = it.next();
            if (now - s.since() < SILENT_GRACE) {
                return false; // the rest came later still
            }
            if (address != null && !address.equals(s.address())) {
                continue;
            }
            if (silent.remove(s)) {
                // the evicted connection's own release comes when it has closed; the newcomer counts now
                s.channel().close();
                warn(s.address(), "closed a connection that had sent nothing for "
                        + TimeUnit.NANOSECONDS.toMillis(now - s.since()) + " ms to admit a new one");
                return true;
            }
        }
        return false;
    }

    private void release(InetAddress address) {
        perAddress.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
        total.decrementAndGet();
    }

    /** Takes {@code bytes} from the inbound budget for a frame still arriving; false when it has no room. */
    boolean reserve(long bytes) {
        for (;;) {
            long used = reserved.get();
            if (used + bytes > budget) {
                return false;
            }
            if (reserved.compareAndSet(used, used + bytes)) {
                return true;
            }
        }
    }

    void unreserve(long bytes) {
        reserved.addAndGet(-bytes);
    }

    long budget() {
        return budget;
    }

    /** Logs {@code message} unless this address was warned about within a minute. */
    void warn(InetAddress address, String message) {
        warnings.warn(new InetSocketAddress(address, 0), message);
    }

    static InetAddress address(Channel channel) {
        return ((InetSocketAddress) channel.remoteAddress()).getAddress();
    }

    int connections() {
        return total.get();
    }

    int addressesHeld() {
        return perAddress.size();
    }

    long reservedBytes() {
        return reserved.get();
    }

    /** Connections that have sent nothing yet; for tests. */
    int silentConnections() {
        return silent.size();
    }

    /** The port is closing: nothing more is admitted. */
    void close() {
        silent.clear();
    }
}
