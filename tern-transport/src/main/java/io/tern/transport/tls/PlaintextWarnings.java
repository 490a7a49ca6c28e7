package io.tern.transport.tls;

import io.tern.core.PeerWarnings;
import java.net.SocketAddress;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/** Warns of plaintext connections a TLS port refused: once a minute per remote host, not per attempt. */
public final class PlaintextWarnings {

    private final String where;
    private final PeerWarnings warnings = new PeerWarnings(LoggerFactory.getLogger(PlaintextWarnings.class));

    /** Warnings for the ports of {@code where} (a protocol's name, for the message). */
    public PlaintextWarnings(String where) {
        this.where = where;
    }

    void refused(@Nullable SocketAddress remote) {
        warnings.warn(remote, where + ": closed a plaintext connection: this port requires TLS (expected: a TLS"
                + " client)");
    }
}
