package io.tern.transport.tls;

import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns of plaintext connections a TLS port refused: once a minute per remote host, not per
 * attempt. Remembers at most {@value #HOSTS} hosts, each for a minute, so that a scan from many
 * addresses cannot grow it.
 */
public final class PlaintextWarnings {

    private static final Logger log = LoggerFactory.getLogger(PlaintextWarnings.class);
    static final int HOSTS = 1024;
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    private final String where;
    private final ConcurrentHashMap<String, Long> lastWarned = new ConcurrentHashMap<>();

    /** Warnings for the ports of {@code where} (a protocol's name, for the message). */
    public PlaintextWarnings(String where) {
        this.where = where;
    }

    void refused(@Nullable SocketAddress remote) {
        String host = TlsDetector.host(remote);
        long now = System.nanoTime();
        Long last = lastWarned.get(host);
        if (last != null && now - last < MINUTE) {
            return;
        }
        if (lastWarned.size() >= HOSTS) {
            lastWarned.values().removeIf(t -> now - t >= MINUTE);
            if (lastWarned.size() >= HOSTS) {
                return; // too many hosts at once: they were warned of a minute ago or are one of many
            }
        }
        boolean first = last == null ? lastWarned.putIfAbsent(host, now) == null : lastWarned.replace(host, last, now);
        if (first) {
            log.warn("{}: closed a plaintext connection from {}: this port requires TLS (expected: a TLS client;"
                    + " warned once a minute per host)", where, host);
        }
    }

    /** The hosts remembered now; for tests. */
    int remembered() {
        return lastWarned.size();
    }
}
