package io.tern.dubbo;

import io.tern.Invoker;
import io.tern.ServiceDescriptor;
import io.tern.ServiceUrl;
import io.tern.core.AbstractExporter;
import io.tern.core.WhereCallsRun;
import io.tern.core.lifecycle.LifecycleTracker;
import java.util.concurrent.CompletableFuture;

/**
 * A service exported on a {@link DubboServer}. Owns the invoker it exports: unexporting removes
 * the service from its protocol and server at once (the server closes its port after its last
 * service), then closes the invoker once its calls in flight have finished.
 */
final class DubboExporter<T> extends AbstractExporter<T> {

    final ServiceDescriptor descriptor;
    /** Which calls run on the I/O thread they landed on. */
    final WhereCallsRun whereCallsRun;
    private final ServiceUrl url;
    private final DubboServer server;
    private final DubboProtocol protocol;

    DubboExporter(DubboProtocol protocol, DubboServer server, ServiceUrl url, Invoker<T> invoker,
            LifecycleTracker tracker) {
        super(url.serviceKey(), invoker, tracker);
        this.protocol = protocol;
        this.server = server;
        this.url = url;
        this.descriptor = ServiceDescriptor.of(invoker.type());
        this.whereCallsRun = new WhereCallsRun("dubbo", url.serviceKey(), descriptor,
                url.booleanParameter("nonblocking", false));
    }

    /** The URL the service is reachable at, with the port the server bound. */
    @Override
    public ServiceUrl url() {
        return url;
    }

    /** The path calls name this service by: the URL's path, else its interface. */
    String path() {
        return url.path().isEmpty() ? key().interfaceName() : url.path();
    }

    @Override
    protected CompletableFuture<Void> onUnexport() {
        protocol.forget(this);
        return server.unexport(this);
    }

    void retire() {
        discard();
    }

    @Override
    public String toString() {
        return "DubboExporter[" + key() + " at " + url.address() + (isUnexported() ? ", unexported" : "") + "]";
    }
}
