package io.tern.bootstrap;

import io.tern.Invocation;
import io.tern.Invoker;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
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
 * references keep the invoker. Closing releases the share through the client, which owns it, and
 * lets go of the share and the client: a proxy kept after its reference closed holds only its
 * interface and URL, not the invoker, the directory or the connections behind it.
 */
final class DefaultReference<T> implements Invoker<T>, Reference<T> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private final Class<T> type;
    private final ServiceUrl url;
    private volatile @Nullable TernClient client;
    private volatile TernClient.@Nullable Shared<T> share;
    private final T proxy;
    private final LifecycleTracker.Tracked tracked;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private volatile @Nullable LocalTime closedAt;

    DefaultReference(TernClient client, TernClient.Shared<T> share, LifecycleTracker tracker) {
        this.type = share.invoker.type();
        this.url = share.invoker.url();
        this.client = client;
        this.share = share;
        this.tracked = tracker.track(ResourceKind.REFERENCE, url.serviceKey());
        this.proxy = Proxies.create(this);
    }

    @Override
    public T get() {
        return proxy;
    }

    @Override
    public Class<T> type() {
        return type;
    }

    @Override
    public ServiceUrl url() {
        return url;
    }

    @Override
    public CompletableFuture<Result> invoke(Invocation invocation) {
        TernClient.Shared<T> current = share;
        if (current == null || closed.get()) {
            LocalTime at = closedAt;
            return CompletableFuture.failedFuture(new RpcException(RpcStatus.DESTROYED, "reference closed: "
                    + url.serviceKey() + (at == null ? "" : " (since " + at.format(TIME) + ")")));
        }
        return current.invoker.invoke(invocation);
    }

    @Override
    public boolean isAvailable() {
        TernClient.Shared<T> current = share;
        return current != null && !closed.get() && current.invoker.isAvailable();
    }

    @Override
    public boolean isConnecting() {
        TernClient.Shared<T> current = share;
        return current != null && !closed.get() && current.invoker.isConnecting();
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
        TernClient owner = client;
        TernClient.Shared<T> released = share;
        client = null;
        share = null;
        tracked.destroyed(this);
        if (owner == null || released == null) {
            closeFuture.complete(null);
            return closeFuture;
        }
        owner.release(this, released).whenComplete((a, b) -> closeFuture.complete(null));
        return closeFuture;
    }

    @Override
    public String toString() {
        return "Reference[" + url.serviceKey() + (closed.get() ? ", closed" : "") + "]";
    }
}
