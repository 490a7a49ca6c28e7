package io.tern.triple;

import io.tern.GenericService;
import io.tern.Invoker;
import io.tern.MethodDescriptor;
import io.tern.ServiceDescriptor;
import io.tern.ServiceUrl;
import io.tern.core.AbstractExporter;
import io.tern.core.WhereCallsRun;
import io.tern.triple.internal.GrpcCompression;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A service exported on a {@link TripleServer}. Owns the invoker it exports: unexporting removes
 * the service from its server at once (the server closes after its last service), then closes
 * the invoker.
 */
final class TripleExporter<T> extends AbstractExporter<T> {

    /** The URL parameter that makes a service's answers, or a reference's requests, go out gzip. */
    static final String COMPRESSION = "compression";

    private static final ServiceDescriptor GENERIC = ServiceDescriptor.of(GenericService.class);

    final ServiceDescriptor descriptor;
    /** The wire form of each method, by its index in the descriptor. */
    private final TripleMethod[] methods;
    /** The methods by every name a request's {@code :path} may call them: see {@link #named}. */
    private final Map<String, List<TripleMethod>> byWireName = new HashMap<>();
    private final ServiceUrl url;
    /** The server it is exported on; null for a service every server answers ({@link #builtIn}). */
    private final @Nullable TripleServer server;
    /** Whether its answers go out gzip to clients that read it: its URL's {@code compression=gzip}. */
    final boolean compresses;
    /** Which unary calls run on the I/O thread they landed on. */
    final WhereCallsRun whereCallsRun;
    /** Whether health checks say it is serving ({@link TripleHealth#setServing}); calls reach it either way. */
    volatile boolean serving = true;

    TripleExporter(TripleServer server, ServiceUrl url, Invoker<T> invoker) {
        this(server.protocol(), server, url, invoker, m -> TripleMethod.of(m, server.protocol().serialization()));
        // generic calls, as Dubbo's generic consumers and Tern's GenericService make them: the
        // service's invoker answers $invoke for any of its methods
        MethodDescriptor generic = GENERIC.find(GenericService.INVOKE).get(0);
        byWireName.putIfAbsent(GenericService.INVOKE, List.of(TripleMethod.of(generic, server.protocol().serialization())));
    }

    /**
     * A service every server of {@code protocol} answers, such as gRPC's health service: its
     * messages travel as the bytes its methods take and give ({@link TripleMethod#encoded}); it
     * is on no server's list, and lives as long as the protocol.
     */
    static <T> TripleExporter<T> builtIn(TripleProtocol protocol, ServiceUrl url, Invoker<T> invoker) {
        return new TripleExporter<>(protocol, null, url, invoker, TripleMethod::encoded);
    }

    private TripleExporter(TripleProtocol protocol, @Nullable TripleServer server, ServiceUrl url, Invoker<T> invoker,
            Function<MethodDescriptor, TripleMethod> wire) {
        super(url.serviceKey(), invoker, protocol.tracker());
        this.server = server;
        this.url = url;
        this.compresses = GrpcCompression.compresses(url.parameter(COMPRESSION));
        this.descriptor = ServiceDescriptor.of(invoker.type());
        this.whereCallsRun = new WhereCallsRun("tri", url.serviceKey(), descriptor,
                url.booleanParameter("nonblocking", false));
        this.methods = descriptor.methods().stream().map(wire).toArray(TripleMethod[]::new);
        for (MethodDescriptor method : descriptor.methods()) {
            byWireName.computeIfAbsent(method.name(), name -> descriptor.find(name).stream()
                    .map(m -> methods[m.index()]).toList());
        }
        for (MethodDescriptor method : descriptor.methods()) {
            String name = method.name();
            if (Character.isLowerCase(name.charAt(0))) {
                byWireName.putIfAbsent(Character.toUpperCase(name.charAt(0)) + name.substring(1), byWireName.get(name));
            }
        }
    }

    /**
     * The methods a request's {@code :path} names: by their Java name, else by that name with the
     * first letter lower-cased (gRPC's {@code SayHello} for {@code sayHello}); overloads share a name.
     * {@code $invoke} is the generic call of any method, unless the service has a method of that name.
     */
    List<TripleMethod> named(String wireName) {
        return byWireName.getOrDefault(wireName, List.of());
    }

    /** The wire form of each of its methods. */
    List<TripleMethod> wireMethods() {
        return List.of(methods);
    }

    /** Whether every server answers it, rather than one it was exported on ({@link #builtIn}). */
    boolean builtIn() {
        return server == null;
    }

    /** The URL the service is reachable at, with the port the server bound. */
    @Override
    public ServiceUrl url() {
        return url;
    }

    @Override
    protected CompletableFuture<Void> onUnexport() {
        TripleServer on = server;
        return on == null ? CompletableFuture.completedFuture(null) : on.unexport(this);
    }

    @Override
    public String toString() {
        return "TripleExporter[" + key() + " at " + url.address() + (isUnexported() ? ", unexported" : "") + "]";
    }
}
