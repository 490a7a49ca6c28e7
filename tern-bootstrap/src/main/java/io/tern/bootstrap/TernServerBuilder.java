package io.tern.bootstrap;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.tern.ClassPolicy;
import io.tern.ServiceUrl;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.dubbo.DubboProtocol;
import io.tern.dubbo.DubboProtocolBuilder;
import io.tern.dubbo.ServerOptions;
import io.tern.metrics.TernMetrics;
import io.tern.registry.Registry;
import io.tern.transport.EventLoops;
import io.tern.transport.WorkStealingPool;
import io.tern.triple.TripleProtocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import io.tern.registry.discovery.InstanceMetadata;
import org.jspecify.annotations.Nullable;

/** Declares a provider application; {@link #start()} binds, exports and registers. */
public final class TernServerBuilder {

    record ServiceSpec<T>(Class<T> type, T implementation, ServiceOptions options) {
    }

    String application = "tern-application";
    String host = "127.0.0.1";
    @Nullable String registerHost;
    RegisterMode registerMode = RegisterMode.ALL;
    String metadataType = InstanceMetadata.LOCAL;
    boolean reportMetadata;
    int port;
    @Nullable ServiceUrl registryUrl;
    @Nullable Registry registry;
    ServerOptions serverOptions = ServerOptions.DEFAULT;
    Duration unregisterDelay = Duration.ofSeconds(1);
    LifecycleTracker tracker = LifecycleTracker.global();
    @Nullable MeterRegistry meterRegistry;
    @Nullable ObservationRegistry observations;
    int opsPort = -1;
    boolean triple;
    io.tern.transport.tls.@Nullable ServerTls tls;
    final List<ServiceSpec<?>> services = new ArrayList<>();

    TernServerBuilder() {
    }

    public TernServerBuilder application(String application) {
        this.application = requireNonNull(application, "application");
        return this;
    }

    /** The address to bind, and to register unless {@link #registerHost} says otherwise; 127.0.0.1 by default. */
    public TernServerBuilder host(String host) {
        this.host = requireNonNull(host, "host");
        return this;
    }

    /** The address consumers are told to call, when it differs from the bound one. */
    public TernServerBuilder registerHost(String registerHost) {
        this.registerHost = requireNonNull(registerHost, "registerHost");
        return this;
    }

    /** The port; 0 (the default) for any free one. */
    public TernServerBuilder port(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
        this.port = port;
        return this;
    }

    /** A registry the server connects to, and closes when it closes. */
    public TernServerBuilder registry(String url) {
        this.registryUrl = ServiceUrl.parse(requireNonNull(url, "url"));
        this.registry = null;
        return this;
    }

    /** A registry the server uses but does not own. */
    public TernServerBuilder registry(Registry registry) {
        this.registry = requireNonNull(registry, "registry");
        this.registryUrl = null;
        return this;
    }

    /**
     * Where the services register, with a ZooKeeper registry: at the interface level, the
     * application level, or both ({@link RegisterMode#ALL}, the default, as Dubbo 3's). Other
     * registries take the interface level alone.
     */
    public TernServerBuilder registerMode(RegisterMode mode) {
        this.registerMode = requireNonNull(mode, "mode");
        return this;
    }

    /**
     * Where consumers at the application level get what this instance serves, as Dubbo's
     * {@code metadata-type}: {@code local} (the default: asked of the instance's metadata
     * service) or {@code remote} (published to the metadata report,
     * {@code /dubbo/metadata/<app>/<revision>}, and read from there).
     *
     * @throws IllegalArgumentException naming the value, when it is neither
     */
    public TernServerBuilder metadataType(String type) {
        requireNonNull(type, "type");
        String normalized = type.trim().toLowerCase(java.util.Locale.ROOT);
        if (!normalized.equals(InstanceMetadata.LOCAL) && !normalized.equals(InstanceMetadata.REMOTE)) {
            throw new IllegalArgumentException("metadata-type: '" + type + "' (expected: local or remote)");
        }
        this.metadataType = normalized;
        return this;
    }

    /**
     * Whether the metadata is published to the metadata report even when it is kept locally, as
     * Dubbo's {@code report-metadata=true}; off by default, as Dubbo's.
     */
    public TernServerBuilder reportMetadata(boolean report) {
        this.reportMetadata = report;
        return this;
    }

    /**
     * How long a closing server keeps serving after it unregistered, so that consumers hear of it
     * before it stops answering; one second by default. Only servers with a registry wait.
     */
    public TernServerBuilder unregisterDelay(Duration delay) {
        requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("unregisterDelay: " + delay + " (expected: >= 0)");
        }
        this.unregisterDelay = delay;
        return this;
    }

    /** The tracker everything this server makes registers with; the global one by default. */
    public TernServerBuilder tracker(LifecycleTracker tracker) {
        this.tracker = requireNonNull(tracker, "tracker");
        return this;
    }

    /**
     * Meters the server's calls (Dubbo's {@code dubbo.provider.*} names, tagged with the
     * application), the lifecycle tracker and the protocol into {@code registry}; removed again
     * when the server closes. Off unless set.
     */
    /**
     * Observes the server's calls in {@code registry} (Micrometer Observation; with a tracer, spans
     * named as Dubbo names them, the trace carried in the calls' attachments as W3C
     * {@code traceparent}). Off unless set.
     */
    public TernServerBuilder tracing(ObservationRegistry registry) {
        this.observations = requireNonNull(registry, "registry");
        return this;
    }

    public TernServerBuilder metrics(MeterRegistry registry) {
        this.meterRegistry = requireNonNull(registry, "registry");
        return this;
    }

    /**
     * Starts the operations endpoint (Dubbo's QoS commands over HTTP, and {@code /lifecycle}) on
     * 127.0.0.1:{@code port}, 0 for any free port; see {@link TernServer#ops()}. Its
     * {@code /metrics} shows the meter registry given to {@link #metrics} when that is a
     * Prometheus one; without one, the server meters into a Prometheus registry of its own. Off
     * unless set.
     */
    public TernServerBuilder ops(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("ops port: " + port + " (expected: 0-65535)");
        }
        this.opsPort = port;
        return this;
    }

    /**
     * Whether the server also answers Triple (gRPC over HTTP/2, and JSON over HTTP/1.1) on its
     * port, told apart from dubbo by each connection's first bytes, and registers a
     * {@code tri://} URL next to each {@code dubbo://} one. Off unless set.
     */
    public TernServerBuilder triple(boolean triple) {
        this.triple = triple;
        return this;
    }

    /**
     * TLS on the server's port, for dubbo and Triple alike: plaintext connections are closed
     * (or, in {@link io.tern.transport.tls.ServerTls.Mode#PERMISSIVE}, served and counted), and
     * the registered URLs say {@code ssl-enabled=true}. Off unless set.
     */
    public TernServerBuilder tls(io.tern.transport.tls.ServerTls tls) {
        this.tls = requireNonNull(tls, "tls");
        return this;
    }

    public TernServerBuilder serverOptions(ServerOptions options) {
        this.serverOptions = requireNonNull(options, "options");
        return this;
    }

    public <T> TernServerBuilder service(Class<T> type, T implementation) {
        return service(type, implementation, options -> { });
    }

    public <T> TernServerBuilder service(Class<T> type, T implementation, Consumer<ServiceOptions> configure) {
        requireNonNull(type, "type");
        requireNonNull(implementation, "implementation");
        ServiceOptions options = new ServiceOptions();
        configure.accept(options);
        services.add(new ServiceSpec<>(type, implementation, options));
        return this;
    }

    /**
     * Binds, exports every service, and registers each once its port is bound. On failure,
     * whatever was started is closed again.
     */
    public TernServer start() {
        // Triple binds a port of its own, with TLS of its own, only without dubbo services; else it
        // shares theirs, whose TLS the dubbo protocol terminates
        boolean tripleOwnsPort = triple && services.stream().allMatch(s -> s.options().tripleOnly);
        ClassPolicy policy = ClassPolicy.strict(); // one for both protocols: what one refuses, so does the other
        EventLoops loops = EventLoops.create("tern"); // both protocols run on these
        // and their services on one call pool (dubbo with dispatch=pool; Triple always)
        WorkStealingPool calls = new WorkStealingPool(serverOptions.threads(), serverOptions.queues(), "tern-server");
        TripleProtocol tri;
        try {
            tri = triple ? TripleProtocol.create(tracker, policy, tripleOwnsPort ? tls : null, null, loops, calls)
                    : null;
        } catch (RuntimeException e) {
            calls.shutdownNow();
            loops.close();
            throw e;
        }
        DubboProtocolBuilder dubbo = DubboProtocol.builder().serverOptions(serverOptions).classPolicy(policy)
                .eventLoops(loops).callPool(calls);
        if (tls != null && !tripleOwnsPort) {
            dubbo.serverTls(tls);
        }
        if (tri != null) {
            tri.connectionLimits(serverOptions.limits()); // the same limits on a port of its own
            dubbo.sharePort(tri.sharedPortProtocols());
        }
        Parts parts;
        try {
            parts = Parts.make(application, registryUrl, registry, meterRegistry, observations, opsPort >= 0, tracker,
                    dubbo, true);
        } catch (RuntimeException e) {
            if (tri != null) {
                tri.close();
            }
            calls.shutdownNow();
            loops.close();
            throw e;
        }
        DubboProtocol protocol = parts.protocol();
        Registry owned = parts.ownedRegistry();
        TernMetrics metrics = parts.metrics();
        if (tri != null) {
            tri.providerFilters(parts.filters()); // the dubbo protocol's, around Triple's exports too
        }
        TernServer server = new TernServer(protocol, tri, loops, calls, serverOptions.shutdownTimeout(),
                registry != null ? registry : owned, owned != null, unregisterDelay, metrics);
        try {
            server.start(this);
            if (metrics != null) {
                protocol.serverTlsContext().ifPresent(t -> metrics.bindTls("provider", "dubbo", t));
                if (tri != null) {
                    metrics.bindProtocol("provider", tri.stats());
                    tri.serverTlsContext().ifPresent(t -> metrics.bindTls("provider", "tri", t));
                }
            }
            if (opsPort >= 0) {
                server.startOps(opsPort, parts.prometheus());
            }
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }
}
