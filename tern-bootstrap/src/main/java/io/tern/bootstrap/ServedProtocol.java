package io.tern.bootstrap;

import io.tern.Protocol;
import io.tern.core.ProtocolStats;
import java.util.Collection;
import java.util.stream.Collectors;

/** A protocol a server or client runs, with what it reports, known by its name. */
record ServedProtocol(Protocol protocol, ProtocolStats stats) {

    String name() {
        return protocol.name();
    }

    /** The one of {@code running} named {@code name}. */
    static ServedProtocol named(String name, Collection<ServedProtocol> running) {
        for (ServedProtocol served : running) {
            if (served.name().equals(name)) {
                return served;
            }
        }
        throw new IllegalArgumentException("protocol: '" + name + "' (expected: one this runs: "
                + running.stream().map(ServedProtocol::name).collect(Collectors.joining(", ")) + ")");
    }
}
