package io.tern.bootstrap;

import io.tern.Protocol;
import io.tern.core.ProtocolStats;
import io.tern.dubbo.DubboProtocol;
import io.tern.triple.TripleProtocol;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** A protocol a server or client runs, with what it reports, known by its name. */
record ServedProtocol(Protocol protocol, ProtocolStats stats) {

    String name() {
        return protocol.name();
    }

    /** The protocols of a server or client: dubbo, and Triple when it runs. */
    static List<ServedProtocol> of(DubboProtocol dubbo, @Nullable TripleProtocol triple) {
        ServedProtocol first = new ServedProtocol(dubbo, dubbo.stats());
        return triple == null ? List.of(first) : List.of(first, new ServedProtocol(triple, triple.stats()));
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
