package io.tern.core.injvm;

import io.tern.Invoker;
import io.tern.ServiceKey;
import io.tern.core.AbstractExporter;
import io.tern.core.lifecycle.LifecycleTracker;
import java.util.concurrent.CompletableFuture;

/**
 * A service exported on an {@link InjvmProtocol}. Owns the invoker it exports; unexporting
 * removes it from the protocol at once and closes the invoker, whose calls in flight complete.
 */
final class InjvmExporter<T> extends AbstractExporter<T> {

    private final InjvmProtocol protocol;

    InjvmExporter(InjvmProtocol protocol, ServiceKey key, Invoker<T> invoker, LifecycleTracker tracker) {
        super(key, invoker, tracker);
        this.protocol = protocol;
    }

    @Override
    protected CompletableFuture<Void> onUnexport() {
        protocol.forget(this);
        return CompletableFuture.completedFuture(null);
    }

    void retire() {
        discard();
    }
}
