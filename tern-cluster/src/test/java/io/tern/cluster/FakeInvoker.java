package io.tern.cluster;

import io.tern.Invocation;
import io.tern.Result;
import io.tern.ServiceUrl;
import io.tern.core.AbstractInvoker;
import io.tern.core.lifecycle.LifecycleTracker;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** An invoker that answers as scripted and counts its calls. */
final class FakeInvoker extends AbstractInvoker<FakeInvoker.Service> {

    interface Service {
        String call(String argument);
    }

    final AtomicInteger calls = new AtomicInteger();
    private volatile Function<Invocation, CompletableFuture<Result>> behaviour;
    private volatile boolean available = true;

    FakeInvoker(ServiceUrl url, Function<Invocation, CompletableFuture<Result>> behaviour, LifecycleTracker tracker) {
        super(Service.class, url, tracker);
        this.behaviour = behaviour;
    }

    static FakeInvoker answering(String address, String value) {
        return new FakeInvoker(url(address), i -> CompletableFuture.completedFuture(Result.value(value)),
                LifecycleTracker.global());
    }

    static FakeInvoker failing(String address, io.tern.RpcStatus status) {
        return new FakeInvoker(url(address), i -> CompletableFuture.failedFuture(
                new io.tern.RpcException(status, address + " failed with " + status)), LifecycleTracker.global());
    }

    static ServiceUrl url(String address) {
        return ServiceUrl.parse("dubbo://" + address + "/" + Service.class.getName());
    }

    void behave(Function<Invocation, CompletableFuture<Result>> behaviour) {
        this.behaviour = behaviour;
    }

    void available(boolean available) {
        this.available = available;
    }

    @Override
    public boolean isAvailable() {
        return available && !isDestroyed();
    }

    @Override
    protected CompletableFuture<Result> doInvoke(Invocation invocation) {
        calls.incrementAndGet();
        return behaviour.apply(invocation);
    }

    static Invocation invocation(String argument) {
        return Invocation.of(io.tern.ServiceKey.of(Service.class.getName()),
                io.tern.ServiceDescriptor.of(Service.class).find("call", "Ljava/lang/String;"), new Object[] {argument});
    }
}
