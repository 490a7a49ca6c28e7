package io.tern.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tern.bootstrap.TernClient;
import io.tern.bootstrap.TernServer;
import io.tern.core.lifecycle.LifecycleReport;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.ops.OpsTarget;
import io.tern.registry.Registry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;

/**
 * The application's Tern state as one {@link OpsTarget} — the server's services and the
 * references' providers, the registry's connection and the lifecycle tracker — for the
 * operations endpoint, the health contributor and the actuator endpoint.
 */
public final class TernApplicationState implements OpsTarget {

    private final TernServerLifecycle server;
    private final TernReferences references;
    private final ObjectProvider<Registry> registry;
    private final LifecycleTracker tracker;
    private final ObjectProvider<MeterRegistry> meters;

    /**
     * The registry is looked up when wanted, not kept: a closed context's beans that something
     * outside Tern still reaches do not keep the closed registry with them.
     */
    public TernApplicationState(TernServerLifecycle server, TernReferences references, ObjectProvider<Registry> registry,
            LifecycleTracker tracker, ObjectProvider<MeterRegistry> meters) {
        this.server = server;
        this.references = references;
        this.registry = registry;
        this.tracker = tracker;
        this.meters = meters;
    }

    /** Whether the application exports services (whether or not the server runs now). */
    public boolean provides() {
        return server.hasServices();
    }

    /** The server while it runs, else {@code null}. */
    public @Nullable TernServer server() {
        return server.server();
    }

    /** The client once a reference made it, else {@code null}. */
    public @Nullable TernClient client() {
        return references.clientIfMade();
    }

    /** The registry, or {@code null} without one. */
    public @Nullable Registry registry() {
        return registry.getIfAvailable();
    }

    @Override
    public List<Service> services() {
        TernServer running = server();
        return running == null ? List.of() : running.state().services();
    }

    @Override
    public List<ReferenceState> references() {
        TernClient client = client();
        return client == null ? List.of() : client.state().references();
    }

    @Override
    public int online(String pattern) {
        TernServer running = server();
        return running == null ? 0 : running.state().online(pattern);
    }

    @Override
    public int offline(String pattern) {
        TernServer running = server();
        return running == null ? 0 : running.state().offline(pattern);
    }

    @Override
    public int online(String pattern, @Nullable String protocol) {
        TernServer running = server();
        return running == null ? 0 : running.state().online(pattern, protocol);
    }

    @Override
    public int offline(String pattern, @Nullable String protocol) {
        TernServer running = server();
        return running == null ? 0 : running.state().offline(pattern, protocol);
    }

    /** Started, and — when it provides services — serving them with none taken offline. */
    @Override
    public boolean ready() {
        TernServer running = server();
        if (provides()) {
            return running != null && running.state().ready();
        }
        return started();
    }

    @Override
    public boolean started() {
        return !provides() || server() != null;
    }

    @Override
    public LifecycleReport lifecycle() {
        return tracker.report();
    }

    @Override
    public @Nullable String prometheus() {
        PrometheusMeterRegistry prometheus = prometheus(meters.getIfAvailable());
        return prometheus == null ? null : prometheus.scrape();
    }

    private static @Nullable PrometheusMeterRegistry prometheus(@Nullable MeterRegistry registry) {
        if (registry instanceof PrometheusMeterRegistry p) {
            return p;
        }
        if (registry instanceof CompositeMeterRegistry composite) {
            for (MeterRegistry inner : composite.getRegistries()) {
                PrometheusMeterRegistry found = prometheus(inner);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /**
     * The report the actuator endpoint shows, the operations endpoint's {@code /ls} and
     * {@code /lifecycle} in one: services, references with their providers, the registry, and each
     * kind's lifecycle counts with the leaks found.
     */
    public Map<String, Object> report() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("ready", ready());
        TernServer running = server();
        if (running != null) {
            report.put("port", running.port());
        }
        Registry used = registry();
        if (used != null) {
            report.put("registry", Map.of("address", used.url().address(), "connected", used.isConnected()));
        }
        report.put("services", services().stream().map(s -> Map.of("service", s.key(), "protocol", s.protocol(),
                "address", s.address(), "online", s.online())).toList());
        report.put("references", references().stream().map(r -> Map.of("service", r.key(), "available",
                r.available(), "providers", r.providers())).toList());
        report.put("lifecycle", lifecycle(lifecycle()));
        return report;
    }

    static Map<String, Object> lifecycle(LifecycleReport report) {
        Map<String, Object> kinds = new LinkedHashMap<>();
        for (ResourceKind kind : ResourceKind.values()) {
            LifecycleReport.Counts c = report.counts(kind);
            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("created", c.created());
            counts.put("destroyed", c.destroyed());
            counts.put("live", c.live());
            counts.put("collected", c.collected());
            counts.put("leaked", c.leaked());
            counts.put("pending", c.pending());
            kinds.put(kind.label(), counts);
        }
        Map<String, Object> lifecycle = new LinkedHashMap<>();
        lifecycle.put("level", report.level().name().toLowerCase(Locale.ROOT));
        lifecycle.put("kinds", kinds);
        lifecycle.put("leaks", report.leaks().stream().map(leak -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("kind", leak.kind().label());
            entry.put("name", leak.name());
            entry.put("destroyedAt", leak.destroyedAt().toString());
            entry.put("gcCycles", leak.gcCycles());
            return entry;
        }).toList());
        return lifecycle;
    }
}
