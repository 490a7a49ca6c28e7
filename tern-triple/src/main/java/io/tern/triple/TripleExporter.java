package io.tern.triple;

import io.tern.Invoker;
import io.tern.ServiceDescriptor;
import io.tern.ServiceUrl;
import io.tern.core.AbstractExporter;
import java.util.concurrent.CompletableFuture;

/**
 * A service exported on a {@link TripleServer}. Owns the invoker it exports: unexporting removes
 * the service from its server at once (the server closes after its last service), then closes
 * the invoker.
 */
final class TripleExporter<T> extends AbstractExporter<T> {

    final ServiceDescriptor descriptor;
    private final ServiceUrl url;
    private final TripleServer server;

    TripleExporter(TripleServer server, ServiceUrl url, Invoker<T> invoker) {
        super(url.serviceKey(), invoker, server.tracker());
        this.server = server;
        this.url = url;
        this.descriptor = ServiceDescriptor.of(invoker.type());
    }

    /** The URL the service is reachable at, with the port the server bound. */
    @Override
    public ServiceUrl url() {
        return url;
    }

    @Override
    protected CompletableFuture<Void> onUnexport() {
        return server.unexport(this);
    }

    @Override
    public String toString() {
        return "TripleExporter[" + key() + " at " + url.address() + (isUnexported() ? ", unexported" : "") + "]";
    }
}
