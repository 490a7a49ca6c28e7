package io.tern.bootstrap;

import io.tern.Invocation;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.core.ForwardingInvoker;
import io.tern.core.Proxies;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One reference handed out by a {@link TernClient}: a share of an invoker, and a proxy of its own
 * that calls through this object, so that a closed reference's proxy fails even while other
 * references keep the invoker. Closing releases the share through the client, which owns it.
 */
final class DefaultReference<T> extends ForwardingInvoker<T> implements Reference<T> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private final TernClient client;
    private final TernClient.Shared<T> share;
    private final T proxy;
    private final LifecycleTracker.Tracked tracked;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private volatile @Nullable LocalTime closedAt;

    DefaultReference(TernClient client, TernClient.Shared<T> share, LifecycleTracker tracker) {
        super(share.invoker);
        this.client = client;
        this.share = share;
        this.tracked = tracker.track(ResourceKind.REFERENCE, share.invoker.url().serviceKey());
        this.proxy = Proxies.create(this);
    }

    @Override
    public T get() {
        return proxy;
    }

    @Override
    public CompletableFuture<Result> invoke(Invocation invocation) {
        if (closed.get()) {
            LocalTime at = closedAt;
            return CompletableFuture.failedFuture(new RpcException(RpcStatus.DESTROYED, "reference closed: "
                    + url().serviceKey() + (at == null ? "" : " (since " + at.format(TIME) + ")")));
        }
        return delegate().invoke(invocation);
    }

    @Override
    public boolean isAvailable() {
        return !closed.get() && delegate().isAvailable();
    }

    @Override
    public boolean isConnecting() {
        return !closed.get() && delegate().isConnecting();
    }

    @Override
    public boolean isDestroyed() {
        return closed.get();
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    /** Releases this reference's share; the last share closes the invoker and what was made with it. */
    @Override
    public CompletableFuture<Void> closeAsync() {
        if (!closed.compareAndSet(false, true)) {
            return closeFuture;
        }
        closedAt = LocalTime.now();
        tracked.destroyed(this);
        client.release(this, share).whenComplete((a, b) -> closeFuture.complete(null));
        return closeFuture;
    }

    @Override
    public String toString() {
        return "Reference[" + url().serviceKey() + (closed.get() ? ", closed" : "") + "]";
    }
}
