package io.tern.cluster;

import static java.util.Objects.requireNonNull;

import io.tern.Invocation;
import io.tern.Invoker;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.cluster.internal.InvokerStats;
import io.tern.cluster.internal.StateSize;
import io.tern.core.AbstractInvoker;
import io.tern.core.lifecycle.LifecycleTracker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One invoker over a {@link Directory}: routes each call, skips unavailable providers, picks one
 * with the load balancer, and applies the {@link ClusterStrategy}. Owns its directory (closing
 * closes it), its statistics and balancer state (pruned whenever the directory changes, so they
 * never outgrow the live providers), and for failback its retry queue and thread.
 *
 * <p>A provider destroyed between the snapshot and the call (a notification raced the call) is
 * not a failure: the call is sent to another, without counting a retry.
 *
 * <p>A call that finds nothing to route to while the provider list is changing (within the call's
 * timeout of a change, as when the last provider of a rolling restart leaves just before its
 * successor arrives) spends a retry waiting for the next change, at most that timeout, and routes
 * again against the list as it then is. A list that has not changed for longer fails at once, as
 * does a directory that never changes.
 */
final class ClusterInvoker<T> extends AbstractInvoker<T> {

    /** How many times a step reads the providers again when the list it read went stale under it. */
    private static final int STALE_REREADS = 3;
    private static final Logger log = LoggerFactory.getLogger(ClusterInvoker.class);
    /** The change wait of a consumer without a timeout: the transports' default call timeout. */
    private static final Duration DEFAULT_CHANGE_WAIT = Duration.ofSeconds(1);

    private final Directory<T> directory;
    private final RouterChain routers;
    /** Changed by {@link #reconfigure}; the strategy and its settings stay as made. */
    private volatile ClusterConfig config;
    private final InvokerStats stats = new InvokerStats();
    private final Map<String, LoadBalancer> balancers = new ConcurrentHashMap<>();
    private final RandomGenerator random;
    private final LongSupplier clock;
    private final Directory.Subscription subscription;
    private final @Nullable FailbackQueue<T> failback;
    private volatile @Nullable Provider<T> sticky;
    private final LoadBalancerContext balancerContext;
    /** How long after a change of the providers an empty routing waits for the next; the consumer's timeout. */
    private final long changeWaitNanos;
    /** When the providers last changed ({@link System#nanoTime}), valid once {@link #changed} is set. */
    private volatile long lastChange;
    private volatile boolean changed;
    /** Calls waiting for the providers to change; each runs once, on the change, its timeout or close. */
    private final Set<ChangeWaiter> waiters = ConcurrentHashMap.newKeySet();

    ClusterInvoker(Directory<T> directory, RouterChain routers, ClusterConfig config, RandomGenerator random,
            LongSupplier clock, LifecycleTracker tracker) {
        super(directory.type(), directory.consumerUrl(), tracker);
        this.directory = directory;
        this.routers = routers;
        this.config = config;
        this.random = random;
        this.clock = clock;
        this.balancerContext = new LoadBalancerContext(stats::of, random, clock);
        this.failback = config.strategy() == ClusterStrategy.FAILBACK ? new FailbackQueue<>(this, config) : null;
        this.changeWaitNanos = directory.consumerUrl().timeout().orElse(DEFAULT_CHANGE_WAIT).toNanos();
        this.subscription = directory.onChange(this::providersChanged);
    }

    /**
     * Takes the retries, load balancers and stickiness of {@code next} from now on, as an
     * operator's rule sets them; the strategy and its settings (forks, failback) stay as the
     * reference made them, a change of them logged and not applied.
     */
    void reconfigure(ClusterConfig next) {
        ClusterConfig now = config;
        if (next.strategy() != now.strategy() || next.forks() != now.forks()) {
            log.warn("{}: a rule sets cluster={} forks={}; the cluster strategy is kept as the reference made it"
                    + " ({}, forks={})", url().serviceKey(), next.strategy(), next.forks(), now.strategy(),
                    now.forks());
        }
        config = new ClusterConfig(now.strategy(), next.loadBalancer(), next.retries(), now.forks(), next.sticky(),
                now.failbackTasks(), now.failbackRetries(), now.failbackInterval(), next.methods());
        if (!next.sticky()) {
            sticky = null;
        }
    }

    private void providersChanged(List<Provider<T>> live) {
        stats.retain(live);
        balancers.values().forEach(b -> b.retain(live));
        Provider<T> s = sticky;
        if (s != null && !live.contains(s)) {
            sticky = null;
        }
        lastChange = System.nanoTime();
        changed = true;
        releaseWaiters();
    }

    private void releaseWaiters() {
        for (ChangeWaiter waiter : waiters) {
            waiter.run();
        }
    }

    /** Calls waiting for the providers to change now; for tests. */
    int changeWaiters() {
        return waiters.size();
    }

    InvokerStats stats() {
        return stats;
    }

    /** State kept by the balancers, over all of them; for lifecycle tests. */
    int balancerStateSize() {
        return balancers.values().stream().mapToInt(b -> b instanceof StateSize s ? s.stateSize() : 0).sum();
    }

    int failbackQueueSize() {
        return failback == null ? 0 : failback.size();
    }

    long failbackAbandoned() {
        return failback == null ? 0 : failback.abandoned();
    }

    Directory<T> directory() {
        return directory;
    }

    @Override
    public boolean isAvailable() {
        if (isDestroyed()) {
            return false;
        }
        for (Provider<T> invoker : directory.providers()) {
            if (invoker.isConnecting() || invoker.isAvailable()) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected CompletableFuture<Result> doInvoke(Invocation invocation) {
        return switch (config.strategy()) {
            case FAILOVER -> withRetries(invocation, config.retries(invocation.methodName()));
            case FAILFAST -> withRetries(invocation, 0);
            case FAILSAFE -> withRetries(invocation, 0).handle((result, failure) -> {
                if (failure == null) {
                    return result;
                }
                log.warn("failsafe: ignoring a failed call {}: {}", describe(invocation),
                        Result.asRpcException(failure).getMessage());
                return Result.value(null);
            });
            case FAILBACK -> withRetries(invocation, 0).handle((result, failure) -> {
                if (failure == null) {
                    return result;
                }
                requireNonNull(failback, "failback").add(invocation, Result.asRpcException(failure)); // made for FAILBACK
                return Result.value(null);
            });
            case FORKING -> forking(invocation);
            case BROADCAST -> broadcast(invocation);
            case AVAILABLE -> available(invocation);
        };
    }

    // ---- selection ----

    List<Provider<T>> route(Invocation invocation) {
        return route(directory.providers(), invocation);
    }

    private List<Provider<T>> route(List<Provider<T>> all, Invocation invocation) {
        return routers.route(all, directory.consumerUrl(), invocation);
    }

    private LoadBalancer balancer(String method) {
        String name = config.loadBalancer(method);
        LoadBalancer lb = balancers.get(name);
        return lb != null ? lb : balancers.computeIfAbsent(name, n -> LoadBalancers.create(n, balancerContext));
    }

    /**
     * A provider for the call, not in {@code excluded}, or {@code null} when none is usable: an
     * available one, else one still making its first connection (the call waits for it).
     */
    @Nullable Provider<T> select(List<Provider<T>> routed, Invocation invocation, Set<Provider<T>> excluded) {
        List<Provider<T>> usable = routed;
        for (int i = 0; i < routed.size(); i++) {
            Provider<T> invoker = routed.get(i);
            if (excluded.contains(invoker) || !invoker.isAvailable()) {
                usable = candidates(routed, excluded);
                break;
            }
        }
        if (usable.isEmpty()) {
            return null;
        }
        if (config.sticky()) {
            Provider<T> s = sticky;
            if (s != null && usable.contains(s)) {
                return s;
            }
        }
        Provider<T> chosen = balancer(invocation.methodName()).select(usable, invocation);
        if (config.sticky()) {
            sticky = chosen;
        }
        return chosen;
    }

    /** The available invokers not excluded; when there are none, the connecting ones. */
    private static <T> List<Provider<T>> candidates(List<Provider<T>> routed, Set<Provider<T>> excluded) {
        List<Provider<T>> available = new ArrayList<>(routed.size());
        List<Provider<T>> connecting = new ArrayList<>();
        for (Provider<T> candidate : routed) {
            if (excluded.contains(candidate)) {
                continue;
            }
            // Connecting first: an attempt that ends between the two reads leaves the provider
            // connected, so it must not look neither connecting nor available.
            boolean wasConnecting = candidate.isConnecting();
            if (candidate.isAvailable()) {
                available.add(candidate);
            } else if (wasConnecting) {
                connecting.add(candidate);
            }
        }
        return available.isEmpty() ? connecting : available;
    }

    /** How many providers a "no provider" error names at most, with why each could not take the call. */
    static final int NAMED_IN_ERROR = 10;

    /** Why no provider could take the call: how many exist and why each was passed over. */
    RpcException noProvider(Invocation invocation, List<Provider<T>> routed, Set<Provider<T>> excluded,
            @Nullable RpcException lastFailure) {
        return noProvider(invocation, directory.providers(), routed, excluded, lastFailure);
    }

    /** As above, {@code routed} having been routed from {@code all}, the snapshot the call saw. */
    private RpcException noProvider(Invocation invocation, List<Provider<T>> all, List<Provider<T>> routed,
            Set<Provider<T>> excluded, @Nullable RpcException lastFailure) {
        // At most NAMED_IN_ERROR providers are named, so that a call to a service of 10,000 providers
        // does not fail with a message naming all of them; the routed ones are looked up in a set.
        Set<Provider<T>> kept = Collections.newSetFromMap(new IdentityHashMap<>());
        kept.addAll(routed);
        StringJoiner reasons = new StringJoiner("; ");
        int unnamed = 0;
        int named = 0;
        for (Provider<T> invoker : all) {
            String why = invoker.isDestroyed() ? "destroyed"
                    : !kept.contains(invoker) ? "routed out"
                    : excluded.contains(invoker) ? "failed this call"
                    : invoker.isConnecting() ? "connecting"
                    : !invoker.isAvailable() ? "unavailable" : null;
            if (why == null) {
                continue;
            }
            if (named < NAMED_IN_ERROR) {
                reasons.add(invoker.url().address() + " " + why);
                named++;
            } else {
                unnamed++;
            }
        }
        if (unnamed > 0) {
            reasons.add("and " + unnamed + " more");
        }
        String whyEmpty = all.isEmpty() ? directory.whyEmpty()
                : routed.isEmpty() ? routedOutBy(all, invocation) : null;
        String message = "no provider available for " + describe(invocation) + ": " + all.size() + " providers, "
                + routed.size() + " after routing" + (all.isEmpty() ? "" : " (" + reasons + ")")
                + (whyEmpty == null ? "" : ": " + whyEmpty)
                + (lastFailure == null ? "" : "; last failure: " + lastFailure.getMessage());
        return new RpcException(lastFailure != null ? lastFailure.status() : RpcStatus.NO_PROVIDER, message, lastFailure);
    }

    private @Nullable String routedOutBy(List<Provider<T>> all, Invocation invocation) {
        try {
            String router = routers.whyNone(all, directory.consumerUrl(), invocation);
            return router == null ? null : "every provider is routed out by the " + router;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private String describe(Invocation invocation) {
        return url().serviceKey().call(invocation.methodName());
    }

    CompletableFuture<Result> attempt(Provider<T> invoker, Invocation invocation) {
        InvokerStats.Stats s = stats.of(invoker);
        s.start();
        long start = System.nanoTime();
        CompletableFuture<Result> future;
        try {
            future = invoker.invoke(invocation);
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        // The caller gets the invoker's own future, so cancelling it cancels the call.
        future.whenComplete((result, failure) -> s.end(System.nanoTime() - start, failure != null));
        return future;
    }

    // ---- strategies ----

    /** Failover with {@code retries} more attempts on other providers after network failures and timeouts. */
    private CompletableFuture<Result> withRetries(Invocation invocation, int retries) {
        CompletableFuture<Result> result = new CompletableFuture<>();
        step(invocation, retries, new HashSet<>(), null, result);
        return result;
    }

    private void step(Invocation invocation, int retriesLeft, Set<Provider<T>> excluded,
            @Nullable RpcException lastFailure, CompletableFuture<Result> result) {
        long seen = lastChange;
        List<Provider<T>> all = directory.providers();
        List<Provider<T>> routed = route(all, invocation);
        Provider<T> chosen = select(routed, invocation, excluded);
        // A notification may have retired every provider of the list this step read while it chose:
        // then the directory holds a newer list, which is read again (a few times at most).
        for (int reread = 0; chosen == null && reread < STALE_REREADS; reread++) {
            List<Provider<T>> now = directory.providers();
            if (now == all) {
                break;
            }
            all = now;
            routed = route(all, invocation);
            chosen = select(routed, invocation, excluded);
        }
        Provider<T> picked = chosen;
        if (picked == null) {
            if (routed.isEmpty() && retriesLeft > 0 && changing()) {
                awaitChange(seen, () -> {
                    try {
                        step(invocation, retriesLeft - 1, excluded, lastFailure, result);
                    } catch (RuntimeException e) { // a router's failure: here no caller would see it
                        result.completeExceptionally(e);
                    }
                });
            } else {
                result.completeExceptionally(noProvider(invocation, all, routed, excluded, lastFailure));
            }
            return;
        }
        attempt(picked, invocation).whenComplete((value, failure) -> {
            if (failure == null) {
                result.complete(value);
                return;
            }
            RpcException e = Result.asRpcException(failure);
            if (e.status() == RpcStatus.DESTROYED) {
                excluded.add(picked); // raced a notification: not the provider's failure
                step(invocation, retriesLeft, excluded, lastFailure, result);
            } else if (e.isRetryable() && retriesLeft > 0) {
                excluded.add(picked);
                step(invocation, retriesLeft - 1, excluded, e, result);
            } else {
                result.completeExceptionally(e);
            }
        });
    }

    /** Whether the providers changed within the change wait; never for a directory that has not changed. */
    private boolean changing() {
        return changed && System.nanoTime() - lastChange < changeWaitNanos && !isDestroyed();
    }

    /**
     * Runs {@code then} once: when the providers change after the change seen at {@code seen}
     * (at once if they already have), after the change wait, or when this invoker closes.
     */
    private void awaitChange(long seen, Runnable then) {
        ChangeWaiter waiter = new ChangeWaiter(waiters, then);
        waiters.add(waiter);
        if (lastChange != seen || isDestroyed()) {
            waiter.run(); // a change (or the close) came between the routing and the registration
            return;
        }
        CompletableFuture.delayedExecutor(changeWaitNanos, TimeUnit.NANOSECONDS, Runnable::run).execute(waiter);
    }

    /**
     * One waiting call's continuation, run at most once and then forgotten: the timer that may
     * still hold the waiter after it ran holds neither the call nor the invoker.
     */
    private static final class ChangeWaiter implements Runnable {
        private final Set<ChangeWaiter> waiters;
        private final AtomicReference<@Nullable Runnable> then;

        ChangeWaiter(Set<ChangeWaiter> waiters, Runnable then) {
            this.waiters = waiters;
            this.then = new AtomicReference<>(then);
        }

        @Override
        public void run() {
            Runnable next = then.getAndSet(null);
            if (next != null) {
                waiters.remove(this);
                next.run();
            }
        }
    }

    private CompletableFuture<Result> forking(Invocation invocation) {
        List<Provider<T>> routed = route(invocation);
        Set<Provider<T>> chosen = new HashSet<>();
        List<Provider<T>> targets = new ArrayList<>();
        for (int i = 0; i < config.forks(); i++) {
            Provider<T> next = select(routed, invocation, chosen);
            if (next == null) {
                break;
            }
            chosen.add(next);
            targets.add(next);
        }
        if (targets.isEmpty()) {
            return CompletableFuture.failedFuture(noProvider(invocation, routed, Set.of(), null));
        }
        CompletableFuture<Result> result = new CompletableFuture<>();
        AtomicInteger failures = new AtomicInteger();
        List<CompletableFuture<Result>> calls = new ArrayList<>(targets.size());
        for (Provider<T> target : targets) {
            calls.add(attempt(target, invocation));
        }
        for (CompletableFuture<Result> call : calls) {
            call.whenComplete((value, failure) -> {
                if (failure == null) {
                    if (result.complete(value)) {
                        calls.forEach(other -> other.cancel(false));
                    }
                } else if (failures.incrementAndGet() == calls.size()) {
                    result.completeExceptionally(Result.asRpcException(failure));
                }
            });
        }
        return result;
    }

    private CompletableFuture<Result> broadcast(Invocation invocation) {
        List<Provider<T>> routed = route(invocation);
        List<Provider<T>> usable = candidates(routed, Set.of());
        if (usable.isEmpty()) {
            return CompletableFuture.failedFuture(noProvider(invocation, routed, Set.of(), null));
        }
        List<CompletableFuture<Result>> calls = usable.stream().map(i -> attempt(i, invocation)).toList();
        return CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).handle((ignored, failure) -> {
            for (CompletableFuture<Result> call : calls) {
                if (call.isCompletedExceptionally()) {
                    throw Result.asRpcException(call.handle((r, e) -> e).join());
                }
            }
            return calls.get(calls.size() - 1).join();
        });
    }

    private CompletableFuture<Result> available(Invocation invocation) {
        List<Provider<T>> routed = route(invocation);
        List<Provider<T>> usable = candidates(routed, Set.of());
        return usable.isEmpty() ? CompletableFuture.failedFuture(noProvider(invocation, routed, Set.of(), null))
                : attempt(usable.get(0), invocation);
    }

    @Override
    protected void onClose() {
        subscription.close();
        releaseWaiters();
        if (failback != null) {
            failback.close();
        }
    }

    @Override
    protected CompletableFuture<Void> doClose() {
        stats.clear();
        balancers.clear();
        sticky = null;
        return directory.closeAsync();
    }
}
