package io.tern.core;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Warnings about what peers did, limited so that a peer cannot fill the log: one line, without a
 * stack trace, per remote host and minute; the rest go to DEBUG. Remembers at most
 * {@value #HOSTS} hosts, each for a minute, so that a scan from many addresses cannot grow it.
 * Thread-safe; one per port or protocol.
 */
public final class PeerWarnings {

    static final int HOSTS = 1024;
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    private final Logger log;
    private final ConcurrentHashMap<String, Long> lastWarned = new ConcurrentHashMap<>();

    /** Warnings written to {@code log}. */
    public PeerWarnings(Logger log) {
        this.log = log;
    }

    /**
     * Logs {@code what} (which names the port and what the peer did, never the peer's bytes) as a
     * WARN naming the host, unless that host was warned of within the last minute.
     *
     * @return whether the warning was written at WARN
     */
    public boolean warn(@Nullable SocketAddress remote, String what) {
        String host = host(remote);
        if (!firstThisMinute(host)) {
            log.debug("{} (from {})", what, host);
            return false;
        }
        log.warn("{} (from {}; warned once a minute per host)", what, host);
        return true;
    }

    private boolean firstThisMinute(String host) {
        long now = System.nanoTime();
        Long last = lastWarned.get(host);
        if (last != null && now - last < MINUTE) {
            return false;
        }
        if (lastWarned.size() >= HOSTS) {
            lastWarned.values().removeIf(t -> now - t >= MINUTE);
            if (lastWarned.size() >= HOSTS) {
                return false; // too many hosts at once: they were warned of a minute ago or are one of many
            }
        }
        return last == null ? lastWarned.putIfAbsent(host, now) == null : lastWarned.replace(host, last, now);
    }

    /** The host part of a peer's address, as the warnings name it. */
    public static String host(@Nullable SocketAddress address) {
        return address instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(address);
    }

    /** The hosts remembered now; for tests of its bound. */
    int remembered() {
        return lastWarned.size();
    }
}
