package io.tern.core.injvm;

import io.tern.Invocation;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceKey;
import io.tern.ServiceUrl;
import io.tern.core.AbstractInvoker;
import io.tern.core.lifecycle.LifecycleTracker;
import java.util.concurrent.CompletableFuture;

/**
 * A reference to a service in this JVM. Finds the service's exporter at each call (one map
 * lookup), so it works whether the service was exported before or after the reference, and
 * holds nothing of the provider between calls. Owned by whoever referred it; removes itself from
 * its protocol when closed.
 */
final class InjvmInvoker<T> extends AbstractInvoker<T> {

    private final InjvmProtocol protocol;
    private final ServiceKey key;

    InjvmInvoker(InjvmProtocol protocol, Class<T> type, ServiceUrl url, LifecycleTracker tracker) {
        super(type, url, tracker);
        this.protocol = protocol;
        this.key = url.serviceKey();
    }

    @Override
    protected CompletableFuture<Result> doInvoke(Invocation invocation) {
        InjvmExporter<?> exporter = protocol.exporter(key);
        if (exporter == null) {
            return CompletableFuture.failedFuture(new RpcException(RpcStatus.SERVICE_NOT_FOUND,
                    "service: " + key + " is not exported in this JVM (expected: an exported service)"));
        }
        if (invocation.classPolicy() == null) {
            invocation.setClassPolicy(protocol.classPolicy());
        }
        return exporter.invoker().invoke(invocation);
    }

    @Override
    public boolean isAvailable() {
        return !isDestroyed() && protocol.exporter(key) != null;
    }

    @Override
    protected void onClose() {
        protocol.forget(this);
    }
}
