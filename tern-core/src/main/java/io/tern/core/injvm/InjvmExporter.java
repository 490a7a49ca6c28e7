package io.tern.core.injvm;

import io.tern.Exporter;
import io.tern.Invoker;
import io.tern.ServiceKey;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A service exported on an {@link InjvmProtocol}. Owns the invoker it exports; closing
 * (unexporting) removes it from the protocol at once and closes the invoker, whose calls in
 * flight complete.
 */
final class InjvmExporter<T> implements Exporter<T> {

    private final InjvmProtocol protocol;
    private final ServiceKey key;
    private final Invoker<T> invoker;
    private final LifecycleTracker.Tracked tracked;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

    InjvmExporter(InjvmProtocol protocol, ServiceKey key, Invoker<T> invoker, LifecycleTracker tracker) {
        this.protocol = protocol;
        this.key = key;
        this.invoker = invoker;
        this.tracked = tracker.track(ResourceKind.EXPORTER, key.toString());
    }

    ServiceKey key() {
        return key;
    }

    @Override
    public Invoker<T> invoker() {
        return invoker;
    }

    @Override
    public boolean isUnexported() {
        return closed.get();
    }

    @Override
    public CompletableFuture<Void> closeAsync() {
        if (closed.compareAndSet(false, true)) {
            protocol.forget(this);
            tracked.destroyed(this);
            invoker.closeAsync().whenComplete((ignored, failure) -> closeFuture.complete(null));
        }
        return closeFuture;
    }

    /** Retires an exporter that was never published, leaving its invoker to the caller. */
    void discard() {
        if (closed.compareAndSet(false, true)) {
            tracked.destroyed(this);
            closeFuture.complete(null);
        }
    }

    @Override
    public String toString() {
        return "InjvmExporter[" + key + (closed.get() ? ", unexported" : "") + "]";
    }
}
