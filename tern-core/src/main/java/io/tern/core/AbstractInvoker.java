package io.tern.core;

import static java.util.Objects.requireNonNull;

import io.tern.Invocation;
import io.tern.Invoker;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle every Tern invoker shares. Subclasses implement {@link #doInvoke}; this class
 * counts calls in flight and gives {@link #close()} its contract:
 *
 * <ul>
 *   <li>close is idempotent and thread-safe; every call returns the same future;</li>
 *   <li>from the moment close starts, a new call fails at once with {@link RpcStatus#DESTROYED}
 *       and a message naming the service and when it was destroyed;</li>
 *   <li>{@link #onClose()} runs once, right away, so the containers that hold this invoker can
 *       forget it ({@code map.remove(key, this)});</li>
 *   <li>calls already in flight complete; once the last has, {@link #doClose()} releases what the
 *       invoker owns and the close future completes;</li>
 *   <li>{@link #url()} and {@link #type()} stay valid; no field is cleared.</li>
 * </ul>
 *
 * <p>The invoker registers itself with a {@link LifecycleTracker}, which reports it if it is
 * still reachable well after it was destroyed.
 *
 * @param <T> the service interface
 */
public abstract class AbstractInvoker<T> implements Invoker<T> {

    private static final Logger log = LoggerFactory.getLogger(AbstractInvoker.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private static final int CLOSED = 1 << 31;
    private static final AtomicIntegerFieldUpdater<AbstractInvoker<?>> STATE = stateUpdater();

    private final Class<T> type;
    private final ServiceUrl url;
    private final LifecycleTracker.Tracked tracked;
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    /** The closed bit, plus the number of calls in flight. */
    private volatile int state;
    private volatile @Nullable Instant destroyedAt;

    protected AbstractInvoker(Class<T> type, ServiceUrl url, LifecycleTracker tracker) {
        this.type = requireNonNull(type, "type");
        this.url = requireNonNull(url, "url");
        this.tracked = requireNonNull(tracker, "tracker").track(ResourceKind.INVOKER, url.serviceKey());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static AtomicIntegerFieldUpdater<AbstractInvoker<?>> stateUpdater() {
        return (AtomicIntegerFieldUpdater) AtomicIntegerFieldUpdater.newUpdater(AbstractInvoker.class, "state");
    }

    @Override
    public final Class<T> type() {
        return type;
    }

    @Override
    public final ServiceUrl url() {
        return url;
    }

    @Override
    public boolean isAvailable() {
        return !isDestroyed();
    }

    @Override
    public final boolean isDestroyed() {
        return (state & CLOSED) != 0;
    }

    @Override
    public final CompletableFuture<Result> invoke(Invocation invocation) {
        if (!enter()) {
            return CompletableFuture.failedFuture(destroyedException());
        }
        CompletableFuture<Result> future;
        try {
            future = doInvoke(invocation);
        } catch (RuntimeException | Error e) {
            exit();
            return CompletableFuture.failedFuture(e instanceof RpcException rpc ? rpc
                    : new RpcException(RpcStatus.INTERNAL, "invoker of " + url.serviceKey() + " failed: " + e, e));
        }
        if (future.isDone()) {
            exit();
        } else {
            future.whenComplete((result, failure) -> exit());
        }
        return future;
    }

    /**
     * Runs a call on a live invoker. May complete the future on another thread; should not
     * throw (a thrown exception fails the call with {@link RpcStatus#INTERNAL}).
     */
    protected abstract CompletableFuture<Result> doInvoke(Invocation invocation);

    /**
     * Called once when close starts, before calls in flight have finished: remove this invoker
     * from the containers that hold it.
     */
    protected void onClose() {
    }

    /** Called once after the last call in flight has finished: release what this invoker owns. */
    protected CompletableFuture<Void> doClose() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public final CompletableFuture<Void> closeAsync() {
        int previous = STATE.getAndUpdate(this, s -> s | CLOSED);
        if ((previous & CLOSED) != 0) {
            return closeFuture;
        }
        destroyedAt = Instant.now();
        try {
            onClose();
        } catch (RuntimeException e) {
            log.warn("closing invoker of {} failed", url.serviceKey(), e);
        }
        tracked.destroyed(this);
        if (previous == 0) {
            finishClose();
        }
        return closeFuture;
    }

    /** The exception a call on this destroyed invoker fails with. */
    protected final RpcException destroyedException() {
        Instant at = destroyedAt;
        String since = at == null ? "" : " (since " + LocalTime.ofInstant(at, ZoneId.systemDefault()).format(TIME) + ")";
        return new RpcException(RpcStatus.DESTROYED, "invoker destroyed: " + url.serviceKey() + since);
    }

    private boolean enter() {
        while (true) {
            int s = state;
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (STATE.compareAndSet(this, s, s + 1)) {
                return true;
            }
        }
    }

    private void exit() {
        if (STATE.decrementAndGet(this) == CLOSED) {
            finishClose();
        }
    }

    private void finishClose() {
        CompletableFuture<Void> released;
        try {
            released = doClose();
        } catch (RuntimeException e) {
            released = CompletableFuture.failedFuture(e);
        }
        released.whenComplete((ignored, failure) -> {
            if (failure != null) {
                log.warn("releasing invoker of {} failed", url.serviceKey(), failure);
            }
            closeFuture.complete(null);
        });
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + url.serviceKey() + (isDestroyed() ? ", destroyed" : "") + "]";
    }
}
