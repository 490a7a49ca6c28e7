package io.tern.metrics;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.tern.Filter;
import io.tern.core.ProtocolStats;
import io.tern.core.lifecycle.LifecycleReport;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Tern's meters in a Micrometer {@link MeterRegistry}.
 *
 * <ul>
 *   <li>Calls, under Apache Dubbo's names and tags ({@code application.name}, {@code interface},
 *       {@code method}, {@code group}, {@code version}), so dashboards made for Dubbo work as
 *       they are: {@code dubbo.provider.requests.total}, {@code .requests.succeed.total},
 *       {@code .requests.business.failed.total}, {@code .requests.timeout.total}, {@code
 *       .requests.limit.total}, {@code .requests.failed.total}, {@code .requests.failed.network.total},
 *       {@code .requests.failed.codec.total}, {@code .requests.failed.service.unavailable.total},
 *       {@code .requests.unknown.failed.total}, the gauge {@code .requests.processing.total},
 *       Dubbo's latency gauges {@code .rt.milliseconds.{last,min,max,sum,avg,p50,p90,p95,p99}},
 *       and a latency timer {@code .rt} with a percentile histogram; the same under
 *       {@code dubbo.consumer.}. Install {@link #providerFilter()} and {@link #consumerFilter()}
 *       on a protocol.</li>
 *   <li>The lifecycle tracker's counts per kind ({@link #bindLifecycle}).</li>
 *   <li>Under Prometheus, gauges lose a {@code .total} suffix (it is reserved for counters):
 *       Dubbo's {@code requests.processing.total} appears as
 *       {@code dubbo_provider_requests_processing}.</li>
 *   <li>A dubbo protocol's connections, pending calls, exports, references and server pool
 *       ({@link #bindProtocol}); a registry's connection state ({@link #bindRegistry}).</li>
 * </ul>
 *
 * <p>A method's meters exist while an invoker of it does: the last one closed removes them.
 * Closing this removes every meter it registered.
 */
public final class TernMetrics implements AutoCloseable {

    private final MeterRegistry registry;
    private final MeterSet provider;
    private final MeterSet consumer;
    private final Filter providerFilter;
    private final Filter consumerFilter;
    private final List<SharedMeters.Handle> bound = new ArrayList<>();
    private boolean closed;

    private TernMetrics(MeterRegistry registry, String application) {
        this.registry = registry;
        this.provider = new MeterSet(registry, "provider");
        this.consumer = new MeterSet(registry, "consumer");
        this.providerFilter = new MetricsFilter(provider, application);
        this.consumerFilter = new MetricsFilter(consumer, application);
    }

    /**
     * Meters for the application named {@code application} (the {@code application.name} tag;
     * empty for none).
     */
    public static TernMetrics create(MeterRegistry registry, String application) {
        return new TernMetrics(requireNonNull(registry, "registry"), requireNonNull(application, "application"));
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The filter that meters a provider's calls: install it among a protocol's provider filters. */
    public Filter providerFilter() {
        return providerFilter;
    }

    /** The filter that meters a consumer's calls: install it among a protocol's consumer filters. */
    public Filter consumerFilter() {
        return consumerFilter;
    }

    /**
     * Registers the tracker's counts: {@code tern.lifecycle.events}, a counter tagged with the
     * {@code kind} of resource and the {@code event} ({@code created}, {@code destroyed},
     * {@code collected}, {@code leaked}), and {@code tern.lifecycle.live}, a gauge per
     * {@code kind}. (One counter with an {@code event} tag, not one per event: Prometheus reserves
     * the {@code _created} suffix, and would drop it from {@code tern_lifecycle_created_total}.)
     */
    public synchronized TernMetrics bindLifecycle(LifecycleTracker tracker) {
        requireNonNull(tracker, "tracker");
        checkOpen();
        for (ResourceKind kind : ResourceKind.values()) {
            Tags tags = Tags.of("kind", kind.label());
            lifecycleCounter(tracker, kind, tags.and("event", "created"), LifecycleReport.Counts::created);
            lifecycleCounter(tracker, kind, tags.and("event", "destroyed"), LifecycleReport.Counts::destroyed);
            lifecycleCounter(tracker, kind, tags.and("event", "collected"), LifecycleReport.Counts::collected);
            lifecycleCounter(tracker, kind, tags.and("event", "leaked"), LifecycleReport.Counts::leaked);
            bound.add(SharedMeters.gauge(registry, "tern.lifecycle.live", "Resources made and not closed", tags,
                    tracker, t -> t.counts(kind).live()));
        }
        return this;
    }

    private void lifecycleCounter(LifecycleTracker tracker, ResourceKind kind, Tags tags,
            ToLongFunction<LifecycleReport.Counts> count) {
        bound.add(SharedMeters.counter(registry, "tern.lifecycle.events", "Resources made, closed, garbage-collected"
                + " after closing, and found leaked (closed, still reachable after the tracker's GC cycles)", tags,
                tracker, t -> count.applyAsLong(t.counts(kind))));
    }

    /**
     * Registers a protocol's gauges, tagged {@code protocol} (its name: {@code dubbo},
     * {@code tri}) and {@code role}
     * (say {@code provider} or {@code consumer}): {@code tern.connections} (open on its
     * servers), {@code tern.connections.opened} (made by its clients so far, a counter),
     * {@code tern.calls.pending}, {@code tern.services.exported}, {@code tern.references},
     * {@code tern.servers} and {@code tern.clients}. Protocols bound under one role report their
     * sum.
     */
    public synchronized TernMetrics bindProtocol(String role, ProtocolStats stats) {
        requireNonNull(role, "role");
        requireNonNull(stats, "stats");
        checkOpen();
        Tags tags = Tags.of("protocol", stats.protocol(), "role", role);
        gauge("tern.connections", "Connections open on this protocol's servers", stats, tags,
                ProtocolStats::acceptedConnections);
        bound.add(SharedMeters.counter(registry, "tern.connections.opened", "Connections this protocol's clients"
                + " have made, reconnections included", tags, stats, ProtocolStats::connectionsOpened));
        gauge("tern.calls.pending", "Two-way calls waiting for an answer", stats, tags, ProtocolStats::pendingCalls);
        gauge("tern.services.exported", "Services exported", stats, tags, ProtocolStats::exportedCount);
        gauge("tern.references", "Invokers referred and not closed", stats, tags, ProtocolStats::referredCount);
        gauge("tern.servers", "Ports open", stats, tags, ProtocolStats::serverCount);
        gauge("tern.clients", "Provider addresses with a shared client", stats, tags, ProtocolStats::clientCount);
        gauge("tern.server.calls", "Calls accepted and not yet answered", stats, tags,
                ProtocolStats::serverCallsInFlight);
        gauge("tern.server.pool.active", "Server pool workers running a call", stats, tags,
                ProtocolStats::serverPoolActive);
        gauge("tern.server.pool.queued", "Calls waiting for a server pool worker", stats, tags,
                ProtocolStats::serverPoolQueued);
        return this;
    }

    /**
     * Registers a TLS context's counters, tagged {@code role} and {@code protocol}:
     * {@code tern.tls.handshakes} ({@code result=ok|failed}), {@code tern.tls.plaintext}
     * (connections without TLS on a TLS port, {@code action=refused|accepted}, the latter in
     * permissive mode) and {@code tern.tls.reloads} (certificate files taken up again,
     * {@code result=ok|failed}).
     */
    public synchronized TernMetrics bindTls(String role, String protocol, io.tern.transport.tls.TlsContext tls) {
        requireNonNull(role, "role");
        requireNonNull(protocol, "protocol");
        requireNonNull(tls, "tls");
        checkOpen();
        Tags tags = Tags.of("role", role, "protocol", protocol);
        tlsCounter("tern.tls.handshakes", "TLS handshakes", tags.and("result", "ok"), tls,
                io.tern.transport.tls.TlsContext::handshakes);
        tlsCounter("tern.tls.handshakes", "TLS handshakes", tags.and("result", "failed"), tls,
                io.tern.transport.tls.TlsContext::handshakeFailures);
        tlsCounter("tern.tls.plaintext", "Plaintext connections to a TLS port", tags.and("action", "refused"), tls,
                io.tern.transport.tls.TlsContext::plaintextRefused);
        tlsCounter("tern.tls.plaintext", "Plaintext connections to a TLS port", tags.and("action", "accepted"), tls,
                io.tern.transport.tls.TlsContext::plaintextAccepted);
        tlsCounter("tern.tls.reloads", "Certificate files taken up again after they changed", tags.and("result", "ok"),
                tls, io.tern.transport.tls.TlsContext::reloads);
        tlsCounter("tern.tls.reloads", "Certificate files taken up again after they changed",
                tags.and("result", "failed"), tls, io.tern.transport.tls.TlsContext::reloadFailures);
        return this;
    }

    private void tlsCounter(String name, String description, Tags tags, io.tern.transport.tls.TlsContext tls,
            ToLongFunction<io.tern.transport.tls.TlsContext> count) {
        bound.add(SharedMeters.counter(registry, name, description, tags, tls, t -> count.applyAsLong(t)));
    }

    /**
     * Registers {@code tern.registry.connected{registry=address}}: 1 while the registry reaches
     * its servers, 0 while it does not (a ZooKeeper registry then serves its cache).
     */
    public synchronized TernMetrics bindRegistry(String address, java.util.function.BooleanSupplier connected) {
        requireNonNull(address, "address");
        requireNonNull(connected, "connected");
        checkOpen();
        bound.add(SharedMeters.gauge(registry, "tern.registry.connected", "Whether the registry is reachable",
                Tags.of("registry", address), connected, c -> c.getAsBoolean() ? 1 : 0));
        return this;
    }

    /**
     * Registers {@code tern.rules.applied{key}} and {@code tern.rules.refused{key}}: how many times
     * each governance rule was applied, and refused (the rule before it staying in force), for
     * every key {@code stats} counts, now and as they come.
     */
    public synchronized TernMetrics bindRules(io.tern.core.RuleStats stats) {
        requireNonNull(stats, "stats");
        checkOpen();
        stats.onNewKey(key -> {
            synchronized (this) {
                if (closed) {
                    return;
                }
                Tags tags = Tags.of("key", key);
                bound.add(SharedMeters.counter(registry, "tern.rules.applied", "Governance rules applied", tags,
                        stats, s -> s.of(key).applied()));
                bound.add(SharedMeters.counter(registry, "tern.rules.refused", "Governance rules refused, the rule"
                        + " before staying in force", tags, stats, s -> s.of(key).refused()));
            }
        });
        return this;
    }

    private void gauge(String name, String description, ProtocolStats stats, Tags tags,
            ToDoubleFunction<ProtocolStats> value) {
        bound.add(SharedMeters.gauge(registry, name, description, tags, stats, value));
    }

    /** Methods with meters now, provider and consumer side; for tests of the meter lifecycle. */
    public int meteredMethods() {
        return provider.size() + consumer.size();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("metrics are closed (expected: open metrics)");
        }
    }

    /** Removes every meter registered through this. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        provider.close();
        consumer.close();
        bound.forEach(SharedMeters.Handle::close);
        bound.clear();
    }
}
