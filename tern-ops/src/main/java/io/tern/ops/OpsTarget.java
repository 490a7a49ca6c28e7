package io.tern.ops;

import io.tern.core.lifecycle.LifecycleReport;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What an operations endpoint reports on and acts on: a server's services, a client's references. */
public interface OpsTarget {

    /**
     * A service exported here over one protocol: its key, the protocol ({@code dubbo}, {@code tri}),
     * where it listens, and whether it is registered (online).
     */
    record Service(String key, String protocol, String address, boolean online) {
    }

    /**
     * A reference: its key, whether it can take calls, the provider addresses it has now, and
     * where they come from ({@code direct}, {@code interface level}, or its migration step and
     * the level it uses, such as {@code APPLICATION_FIRST, application level}), and the level
     * each provider address is seen at ({@code interface}, {@code application} or
     * {@code interface+application}; empty for a direct reference).
     */
    record ReferenceState(String key, boolean available, List<String> providers, String discovery,
            java.util.Map<String, String> seenAt) {
        public ReferenceState {
            providers = List.copyOf(providers);
            seenAt = java.util.Map.copyOf(seenAt);
        }

        /** A reference whose providers' levels are not known (a direct one). */
        public ReferenceState(String key, boolean available, List<String> providers, String discovery) {
            this(key, available, providers, discovery, java.util.Map.of());
        }
    }

    /**
     * A governance rule read for a reference ({@code side} consumer) or an exported service
     * ({@code side} provider): its key in the config center or its registry path, and what is in
     * force there, or why the last text was refused (the rule before it staying in force).
     */
    record RuleState(String owner, String side, String key, String status) {
        /** Whether the last text at the key was refused. */
        public boolean refused() {
            return status.startsWith("refused");
        }
    }

    List<Service> services();

    /** The governance rules read, per reference and exported service; none where there is no config center. */
    default List<RuleState> rules() {
        return List.of();
    }

    List<ReferenceState> references();

    /**
     * Registers again the services whose key matches {@code pattern} ({@code *} for any run of
     * characters); the number that matched.
     */
    int online(String pattern);

    /**
     * Unregisters the services whose key matches {@code pattern}, leaving them exported (calls in
     * flight, and calls from consumers that have not heard yet, are still served); the number
     * that matched.
     */
    int offline(String pattern);

    /** {@link #online(String)} for the exports over {@code protocol} only; over every protocol when it is null. */
    default int online(String pattern, @Nullable String protocol) {
        return protocol == null ? online(pattern) : 0;
    }

    /** {@link #offline(String)} for the exports over {@code protocol} only; over every protocol when it is null. */
    default int offline(String pattern, @Nullable String protocol) {
        return protocol == null ? offline(pattern) : 0;
    }

    /** Whether the process is alive: the endpoint answering is most of the answer. */
    default boolean live() {
        return true;
    }

    /** Whether it should take traffic: started, and not taken offline. */
    boolean ready();

    /** Whether it has finished starting. */
    boolean started();

    LifecycleReport lifecycle();

    /** The meters in Prometheus' text format, or {@code null} when metrics are off. */
    @Nullable String prometheus();
}
