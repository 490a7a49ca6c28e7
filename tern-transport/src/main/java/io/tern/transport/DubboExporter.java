package io.tern.transport;

import io.tern.Exporter;
import io.tern.Invoker;
import io.tern.ServiceDescriptor;
import io.tern.ServiceKey;
import io.tern.ServiceUrl;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A service exported on a {@link DubboServer}. Owns the invoker it exports: closing removes the
 * service from its server at once (the server closes its port after its last service), then
 * closes the invoker once its calls in flight have finished.
 */
final class DubboExporter<T> implements Exporter<T> {

    final ServiceKey key;
    final Invoker<T> invoker;
    final ServiceDescriptor descriptor;
    private final ServiceUrl url;
    private final DubboServer server;
    private final DubboProtocol protocol;
    private final LifecycleTracker.Tracked tracked;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

    DubboExporter(DubboProtocol protocol, DubboServer server, ServiceUrl url, Invoker<T> invoker,
            LifecycleTracker tracker) {
        this.protocol = protocol;
        this.server = server;
        this.url = url;
        this.key = url.serviceKey();
        this.invoker = invoker;
        this.descriptor = ServiceDescriptor.of(invoker.type());
        this.tracked = tracker.track(ResourceKind.EXPORTER, key.toString());
    }

    @Override
    public Invoker<T> invoker() {
        return invoker;
    }

    /** The URL the service is reachable at, with the port the server bound. */
    @Override
    public ServiceUrl url() {
        return url;
    }

    @Override
    public boolean isUnexported() {
        return closed.get();
    }

    @Override
    public CompletableFuture<Void> closeAsync() {
        if (closed.compareAndSet(false, true)) {
            tracked.destroyed(this);
            protocol.forget(this);
            CompletableFuture<Void> serverDone = server.unexport(this);
            invoker.closeAsync().thenCombine(serverDone, (a, b) -> null)
                    .whenComplete((ignored, failure) -> closeFuture.complete(null));
        }
        return closeFuture;
    }

    /** Retires an exporter its server refused, leaving the invoker to the caller. */
    void discard() {
        if (closed.compareAndSet(false, true)) {
            tracked.destroyed(this);
            closeFuture.complete(null);
        }
    }

    @Override
    public String toString() {
        return "DubboExporter[" + key + " at " + url.address() + (closed.get() ? ", unexported" : "") + "]";
    }
}
