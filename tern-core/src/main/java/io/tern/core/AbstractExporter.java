package io.tern.core;

import static java.util.Objects.requireNonNull;

import io.tern.Exporter;
import io.tern.Invoker;
import io.tern.ServiceKey;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The lifecycle every Tern exporter shares. An exporter owns the invoker it exports: closing
 * (unexporting) runs {@link #onUnexport()} at once — the protocol stops routing new calls to the
 * service, or drains them first — and when that is done closes the invoker, whose calls in flight
 * complete; the close future completes after both. Close is idempotent and thread-safe. Registers with a {@link LifecycleTracker}.
 *
 * @param <T> the service interface
 */
public abstract class AbstractExporter<T> implements Exporter<T> {

    private final ServiceKey key;
    private final Invoker<T> invoker;
    private final LifecycleTracker.Tracked tracked;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

    protected AbstractExporter(ServiceKey key, Invoker<T> invoker, LifecycleTracker tracker) {
        this.key = requireNonNull(key, "key");
        this.invoker = requireNonNull(invoker, "invoker");
        this.tracked = requireNonNull(tracker, "tracker").track(ResourceKind.EXPORTER, key);
    }

    /** The service key the invoker is exported under. */
    public final ServiceKey key() {
        return key;
    }

    @Override
    public final Invoker<T> invoker() {
        return invoker;
    }

    @Override
    public final boolean isUnexported() {
        return closed.get();
    }

    @Override
    public final CompletableFuture<Void> closeAsync() {
        if (closed.compareAndSet(false, true)) {
            tracked.destroyed(this);
            onUnexport().handle((ignored, failure) -> null)
                    .thenCompose(ignored -> invoker.closeAsync())
                    .whenComplete((ignored, failure) -> closeFuture.complete(null));
        }
        return closeFuture;
    }

    /**
     * Called once when unexporting starts: remove the service from the protocol's containers.
     * The returned future completes when what the service held there is released; the invoker
     * keeps serving until then.
     */
    protected abstract CompletableFuture<Void> onUnexport();

    /** Retires an exporter that was never published, leaving its invoker to the caller. */
    protected final void discard() {
        if (closed.compareAndSet(false, true)) {
            tracked.destroyed(this);
            closeFuture.complete(null);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + key + (closed.get() ? ", unexported" : "") + "]";
    }
}
