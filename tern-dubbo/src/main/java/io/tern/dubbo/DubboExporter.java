package io.tern.dubbo;

import io.tern.Invoker;
import io.tern.MethodDescriptor;
import io.tern.ServiceDescriptor;
import io.tern.ServiceUrl;
import io.tern.core.AbstractExporter;
import io.tern.core.lifecycle.LifecycleTracker;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service exported on a {@link DubboServer}. Owns the invoker it exports: unexporting removes
 * the service from its protocol and server at once (the server closes its port after its last
 * service), then closes the invoker once its calls in flight have finished.
 */
final class DubboExporter<T> extends AbstractExporter<T> {

    private static final Logger log = LoggerFactory.getLogger(DubboExporter.class);

    /**
     * How long a call may hold the I/O thread it landed on: a method that takes longer is taken to
     * block, and its calls go to the service pool from then on.
     */
    static final long HOLD_LIMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    final ServiceDescriptor descriptor;
    /** The service says none of its methods blocks ({@code nonblocking=true}). */
    private final boolean nonBlocking;
    /** Per method, by index: 1 once a call of it held the I/O thread past {@link #HOLD_LIMIT_NANOS}. */
    private final AtomicIntegerArray heldTheLoop;
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
        this.nonBlocking = url.booleanParameter("nonblocking", false);
        this.heldTheLoop = new AtomicIntegerArray(descriptor.methods().size());
    }

    /**
     * Whether a call of {@code method} runs on the I/O thread it landed on, sparing two thread
     * hand-overs: the method returns a {@code CompletableFuture} (its work happens elsewhere) or
     * the service is declared non-blocking, and no call of it has held the thread too long yet.
     */
    boolean runsWhereItLands(MethodDescriptor method) {
        return (nonBlocking || method.isAsync()) && own(method) && heldTheLoop.get(method.index()) == 0;
    }

    /** Whether {@code method} is one of the service's own, not a generic call's or {@code $echo}. */
    private boolean own(MethodDescriptor method) {
        int index = method.index();
        return index < descriptor.methods().size() && descriptor.methods().get(index) == method;
    }

    /**
     * A call of {@code method} that ran on the I/O thread held it {@code nanos}: past
     * {@link #HOLD_LIMIT_NANOS}, the method's calls go to the service pool from now on, said once.
     */
    void held(MethodDescriptor method, long nanos) {
        if (nanos > HOLD_LIMIT_NANOS && heldTheLoop.compareAndSet(method.index(), 0, 1)) {
            log.warn("dubbo: {}.{} held an I/O thread for {} ms, though {}; its calls run on the service pool from"
                    + " now on (expected: a method that does not block)", key(), method.name(),
                    TimeUnit.NANOSECONDS.toMillis(nanos), nonBlocking ? "its service is declared nonblocking"
                    : "it returns a CompletableFuture");
        }
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
