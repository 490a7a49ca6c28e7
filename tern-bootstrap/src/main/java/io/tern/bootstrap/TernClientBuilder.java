package io.tern.bootstrap;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.tern.ServiceUrl;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.dubbo.ClientOptions;
import io.tern.dubbo.DubboProtocol;
import io.tern.dubbo.DubboProtocolBuilder;
import io.tern.metrics.TernMetrics;
import io.tern.registry.Migration;
import io.tern.registry.Registry;
import io.tern.transport.EventLoops;
import org.jspecify.annotations.Nullable;

/** Declares a consumer application; {@link #build()} makes the client references come from. */
public final class TernClientBuilder {

    String application = "tern-application";
    String host = "127.0.0.1";
    @Nullable ServiceUrl registryUrl;
    @Nullable Registry registry;
    ClientOptions clientOptions = ClientOptions.DEFAULT;
    LifecycleTracker tracker = LifecycleTracker.global();
    @Nullable MeterRegistry meterRegistry;
    @Nullable ObservationRegistry observations;
    int opsPort = -1;
    io.tern.transport.tls.@Nullable ClientTls tls;
    Migration.Step migrationStep = Migration.Step.APPLICATION_FIRST;

    TernClientBuilder() {
    }

    /**
     * Where references find their providers, as Dubbo 3.3's {@code dubbo.application.migration.step}:
     * {@link Migration.Step#APPLICATION_FIRST} by default (both levels, the application level
     * preferred whenever it has providers), {@link Migration.Step#FORCE_INTERFACE} or
     * {@link Migration.Step#FORCE_APPLICATION}. A reference's {@code migration.step} parameter
     * overrides it. Only a ZooKeeper registry has the application level; others use the interface
     * level whatever the step.
     */
    public TernClientBuilder migrationStep(Migration.Step step) {
        this.migrationStep = requireNonNull(step, "step");
        return this;
    }

    public TernClientBuilder application(String application) {
        this.application = requireNonNull(application, "application");
        return this;
    }

    /** The address the client registers itself under as a consumer; 127.0.0.1 by default. */
    public TernClientBuilder host(String host) {
        this.host = requireNonNull(host, "host");
        return this;
    }

    /** A registry the client connects to, and closes when it closes. */
    public TernClientBuilder registry(String url) {
        this.registryUrl = ServiceUrl.parse(requireNonNull(url, "url"));
        this.registry = null;
        return this;
    }

    /** A registry the client uses but does not own. */
    public TernClientBuilder registry(Registry registry) {
        this.registry = requireNonNull(registry, "registry");
        this.registryUrl = null;
        return this;
    }

    /**
     * TLS on every connection to providers, dubbo and Triple alike, verifying each provider's
     * certificate and host name. Without it, a provider whose URL says {@code ssl-enabled=true}
     * is called over TLS verified against the JVM's trust store.
     */
    public TernClientBuilder tls(io.tern.transport.tls.ClientTls tls) {
        this.tls = requireNonNull(tls, "tls");
        return this;
    }

    public TernClientBuilder clientOptions(ClientOptions options) {
        this.clientOptions = requireNonNull(options, "options");
        return this;
    }

    /** The tracker everything this client makes registers with; the global one by default. */
    public TernClientBuilder tracker(LifecycleTracker tracker) {
        this.tracker = requireNonNull(tracker, "tracker");
        return this;
    }

    /**
     * Meters the client's calls (Dubbo's {@code dubbo.consumer.*} names, tagged with the
     * application), the lifecycle tracker and the protocol into {@code registry}; removed again
     * when the client closes. Off unless set.
     */
    /**
     * Observes the client's calls in {@code registry} (Micrometer Observation; with a tracer, spans
     * named as Dubbo names them, the trace carried in the calls' attachments as W3C
     * {@code traceparent}). Off unless set.
     */
    public TernClientBuilder tracing(ObservationRegistry registry) {
        this.observations = requireNonNull(registry, "registry");
        return this;
    }

    public TernClientBuilder metrics(MeterRegistry registry) {
        this.meterRegistry = requireNonNull(registry, "registry");
        return this;
    }

    /**
     * Starts the operations endpoint on 127.0.0.1:{@code port}, 0 for any free port; see
     * {@link TernClient#ops()} and {@link TernServerBuilder#ops}. Off unless set.
     */
    public TernClientBuilder ops(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("ops port: " + port + " (expected: 0-65535)");
        }
        this.opsPort = port;
        return this;
    }

    public TernClient build() {
        EventLoops loops = EventLoops.create("tern"); // every protocol of the client runs on these
        DubboProtocolBuilder dubbo = DubboProtocol.builder().clientOptions(clientOptions).eventLoops(loops);
        if (tls != null) {
            dubbo.clientTls(tls);
        }
        Parts parts;
        try {
            parts = Parts.make(application, registryUrl, registry, meterRegistry, observations, opsPort >= 0, tracker,
                    dubbo, false);
        } catch (RuntimeException e) {
            loops.close();
            throw e;
        }
        DubboProtocol protocol = parts.protocol();
        Registry owned = parts.ownedRegistry();
        TernMetrics metrics = parts.metrics();
        TernClient client = new TernClient(this, protocol, loops, parts.filters(), registry != null ? registry : owned,
                owned != null, metrics);
        if (opsPort >= 0) {
            try {
                client.startOps(opsPort, parts.prometheus());
            } catch (RuntimeException e) {
                client.close();
                throw e;
            }
        }
        return client;
    }
}
