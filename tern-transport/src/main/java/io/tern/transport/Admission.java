package io.tern.transport;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's bookkeeping of what its peers hold: connections in total and per remote address, and
 * the bytes of frames still arriving, against its {@link ConnectionLimits}. Warnings about a peer
 * are logged at most once per remote address per minute. Owned by one server; an admitted
 * connection gives back what it held when it closes, so the per-address table holds only
 * addresses with a connection open.
 */
final class Admission {

    private static final Logger log = LoggerFactory.getLogger(Admission.class);
    private static final long WARN_INTERVAL = TimeUnit.MINUTES.toNanos(1);
    /** Addresses remembered for rate-limiting warnings at most; past it the memory starts over. */
    private static final int MAX_WARNED = 1024;

    private final ConnectionLimits limits;
    private final long budget;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    private final Map<InetAddress, Long> warned = new ConcurrentHashMap<>();
    private final AtomicLong reserved = new AtomicLong();

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
            total.decrementAndGet();
            warn(address, "refused a connection from {}: the server holds " + limits.connections()
                    + " connections (accepts)");
            return false;
        }
        int[] held = new int[1];
        perAddress.compute(address, (a, count) -> held[0] = (count == null ? 0 : count) + 1);
        if (held[0] > limits.connectionsPerAddress()) {
            release(address);
            warn(address, "refused a connection from {}: it holds " + limits.connectionsPerAddress()
                    + " connections (accepts.per.address)");
            return false;
        }
        channel.closeFuture().addListener(f -> release(address));
        return true;
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

    /** Logs {@code message} ({@code {}} for the address) unless this address was warned about within a minute. */
    void warn(InetAddress address, String message) {
        long now = System.nanoTime();
        Long last = warned.get(address);
        if (last != null && now - last < WARN_INTERVAL) {
            return;
        }
        if (warned.size() >= MAX_WARNED) {
            warned.clear();
        }
        warned.put(address, now);
        log.warn(message, address.getHostAddress());
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

    /** Forgets the warnings; the server is closing. */
    void close() {
        warned.clear();
    }
}
