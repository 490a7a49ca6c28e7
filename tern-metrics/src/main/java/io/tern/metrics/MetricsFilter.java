package io.tern.metrics;

import io.tern.Filter;
import io.tern.GenericService;
import io.tern.Invocation;
import io.tern.Invoker;
import io.tern.MethodDescriptor;
import io.tern.Result;
import io.tern.ServiceDescriptor;
import io.tern.ServiceKey;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Counts and times the calls of every invoker it is bound to, on one side. Binding finds the
 * meters of each of the service's methods once; a call then costs an array read, a few counter
 * updates and a completion callback — no map lookup, no tags built.
 */
final class MetricsFilter implements Filter {

    /** Outermost: the time measured includes every other filter's. */
    static final int ORDER = -1_000_000;

    private final MeterSet set;
    private final String application;

    MetricsFilter(MeterSet set, String application) {
        this.set = set;
        this.application = application;
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public CompletableFuture<Result> invoke(Invoker<?> next, Invocation invocation) {
        return next.invoke(invocation); // never used unbound: bind makes the filter that counts
    }

    @Override
    public Filter bind(Invoker<?> invoker) {
        return new Bound(invoker);
    }

    /** The filter of one invoker, holding its methods' meters until that invoker closes. */
    private final class Bound implements Filter, AutoCloseable {
        private final ServiceKey key;
        private final @Nullable ServiceDescriptor descriptor;
        private final RequestMeters[] byIndex;
        private final MeterSet.Key[] keys;
        /** Methods outside the interface (generic calls, {@code $echo}), met as they come. */
        private final ConcurrentHashMap<String, RequestMeters> others = new ConcurrentHashMap<>();
        /** Generic calls' targets that are methods of the interface: their meters, held by {@link #byIndex}. */
        private final ConcurrentHashMap<String, RequestMeters> generic = new ConcurrentHashMap<>();
        private boolean closed;

        Bound(Invoker<?> invoker) {
            this.key = invoker.url().serviceKey();
            this.descriptor = invoker.type().isInterface() ? ServiceDescriptor.of(invoker.type()) : null;
            List<MethodDescriptor> methods = descriptor == null ? List.of() : descriptor.methods();
            this.byIndex = new RequestMeters[methods.size()];
            this.keys = new MeterSet.Key[methods.size()];
            for (MethodDescriptor md : methods) {
                keys[md.index()] = key(md.name());
                byIndex[md.index()] = set.acquire(keys[md.index()]);
            }
        }

        private MeterSet.Key key(String method) {
            return new MeterSet.Key(application, key.interfaceName(), method, key.group(), key.version());
        }

        private RequestMeters meters(Invocation invocation) {
            MethodDescriptor md = invocation.method();
            ServiceDescriptor own = descriptor;
            if (md != null && own != null && md.index() < byIndex.length && own.methods().get(md.index()) == md) {
                return byIndex[md.index()];
            }
            String name = methodName(invocation);
            RequestMeters m = others.get(name);
            if (m == null) {
                m = generic.get(name);
            }
            return m != null ? m : other(name);
        }

        /** The method a call is for: a generic call's is its first argument, as Dubbo counts it. */
        private String methodName(Invocation invocation) {
            String name = invocation.methodName();
            if (GenericService.INVOKE.equals(name) || GenericService.INVOKE_ASYNC.equals(name)) {
                Object[] arguments = invocation.arguments();
                if (arguments.length > 0 && arguments[0] instanceof String target && !target.isEmpty()) {
                    return target;
                }
            }
            return name;
        }

        private synchronized RequestMeters other(String method) {
            ServiceDescriptor own = descriptor;
            List<MethodDescriptor> named = own == null ? List.of() : own.find(method);
            if (!named.isEmpty()) {
                RequestMeters known = byIndex[named.get(0).index()]; // a generic call of a method of the interface
                generic.put(method, known);
                return known;
            }
            return others.computeIfAbsent(method, name -> {
                RequestMeters m = set.acquire(key(name));
                if (closed) {
                    set.release(key(name), m);
                }
                return m;
            });
        }

        @Override
        public CompletableFuture<Result> invoke(Invoker<?> next, Invocation invocation) {
            RequestMeters m = meters(invocation);
            m.started();
            long start = System.nanoTime();
            CompletableFuture<Result> future;
            try {
                future = next.invoke(invocation);
            } catch (RuntimeException e) {
                m.finished(start, null, e);
                throw e;
            }
            future.whenComplete(new Finish(m, start));
            return future;
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            for (int i = 0; i < byIndex.length; i++) {
                set.release(keys[i], byIndex[i]);
            }
            others.forEach((name, m) -> set.release(key(name), m));
            others.clear();
        }

        @Override
        public String toString() {
            return "MetricsFilter[" + key + "]";
        }
    }

    /** Records one call's end; an object per call, the one thing a call allocates here. */
    private record Finish(RequestMeters meters, long start) implements BiConsumer<Result, Throwable> {
        @Override
        public void accept(@Nullable Result result, @Nullable Throwable failure) {
            meters.finished(start, result, failure);
        }
    }
}
