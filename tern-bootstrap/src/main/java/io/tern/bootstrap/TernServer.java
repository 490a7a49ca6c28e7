package io.tern.bootstrap;

import io.tern.AsyncCloseable;
import io.tern.Exporter;
import io.tern.ServiceUrl;
import io.tern.ServiceUrlBuilder;
import io.tern.core.Invokers;
import io.tern.registry.Registry;
import io.tern.registry.internal.RegistryUrls;
import io.tern.transport.DubboProtocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running provider application. Owns its protocol, its exporters and registrations, and its
 * registry when it made it. Closing is graceful and in reverse order: unregister first, and keep
 * serving for the unregister delay while consumers hear of it; then unexport (connected consumers
 * are told by the read-only event, calls in flight finish); then the protocol, then the registry.
 */
public final class TernServer implements AsyncCloseable {

    private static final Logger log = LoggerFactory.getLogger(TernServer.class);

    private record Exported(Exporter<?> exporter, @Nullable ServiceUrl registered) {
    }

    private final DubboProtocol protocol;
    private final @Nullable Registry registry;
    private final boolean ownsRegistry;
    private final Duration unregisterDelay;
    private final List<Exported> exported = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

    TernServer(DubboProtocol protocol, @Nullable Registry registry, boolean ownsRegistry, Duration unregisterDelay) {
        this.protocol = protocol;
        this.registry = registry;
        this.ownsRegistry = ownsRegistry;
        this.unregisterDelay = unregisterDelay;
    }

    void start(TernServerBuilder b) {
        int port = b.port;
        for (TernServerBuilder.ServiceSpec<?> spec : b.services) {
            Exporter<?> exporter = export(spec, b, port, protocol);
            port = exporter.url().port(); // the rest share the port the first one bound
            ServiceUrl registered = null;
            if (registry != null) {
                ServiceUrl advertised = b.registerHost == null ? exporter.url()
                        : exporter.url().toBuilder().address(b.registerHost, exporter.url().port()).build();
                registered = RegistryUrls.provider(advertised, spec.type(), b.application);
                registry.register(registered);
            }
            exported.add(new Exported(exporter, registered));
        }
    }

    private static <T> Exporter<T> export(TernServerBuilder.ServiceSpec<T> spec, TernServerBuilder b, int port,
            DubboProtocol protocol) {
        ServiceUrlBuilder url = ServiceUrl.builder("dubbo").address(b.host, port).path(spec.type().getName())
                .parameter("application", b.application);
        if (!spec.options().group.isEmpty()) {
            url.group(spec.options().group);
        }
        if (!spec.options().version.isEmpty()) {
            url.version(spec.options().version);
        }
        spec.options().parameters.forEach(url::parameter);
        return protocol.export(Invokers.of(spec.type(), spec.implementation(), url.build(), b.tracker));
    }

    /** The port the server listens on; 0 when it exports nothing. */
    public int port() {
        return exported.isEmpty() ? 0 : exported.get(0).exporter().url().port();
    }

    /** The URLs of the exported services, with the port bound. */
    public List<ServiceUrl> urls() {
        return exported.stream().<ServiceUrl>map(e -> e.exporter().url()).toList();
    }

    public DubboProtocol protocol() {
        return protocol;
    }

    @Override
    public CompletableFuture<Void> closeAsync() {
        if (!closed.compareAndSet(false, true)) {
            return closeFuture;
        }
        List<Exported> reversed = new ArrayList<>(exported);
        java.util.Collections.reverse(reversed);
        boolean unregistered = false;
        if (registry != null) {
            for (Exported e : reversed) {
                if (e.registered() != null) {
                    unregistered = true;
                    try {
                        registry.unregister(e.registered());
                    } catch (RuntimeException ex) {
                        log.warn("cannot unregister {}: {}", e.registered().serviceKey(), ex.getMessage());
                    }
                }
            }
        }
        Executor afterDelay = unregistered && unregisterDelay.toNanos() > 0
                ? CompletableFuture.delayedExecutor(unregisterDelay.toNanos(), TimeUnit.NANOSECONDS)
                : Runnable::run;
        CompletableFuture.supplyAsync(() -> CompletableFuture.allOf(reversed.stream()
                        .map(e -> e.exporter().closeAsync()).toArray(CompletableFuture<?>[]::new)), afterDelay)
                .thenCompose(unexported -> unexported)
                .thenCompose(ignored -> protocol.closeAsync())
                .thenCompose(ignored -> ownsRegistry && registry != null ? registry.closeAsync()
                        : CompletableFuture.completedFuture(null))
                .whenComplete((a, b) -> closeFuture.complete(null));
        return closeFuture;
    }
}
