package io.tern.dubbo;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.tern.ClassPolicy;
import io.tern.Filter;
import io.tern.core.FilterChain;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.transport.EventLoops;
import io.tern.transport.WorkStealingPool;
import io.tern.transport.Options;
import io.tern.transport.PortProtocol;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** Builds a {@link DubboProtocol}. */
public final class DubboProtocolBuilder {

    LifecycleTracker tracker = LifecycleTracker.global();
    FilterChain providerFilters = FilterChain.empty();
    FilterChain consumerFilters = FilterChain.empty();
    ServerOptions serverOptions = ServerOptions.DEFAULT;
    ClientOptions clientOptions = ClientOptions.DEFAULT;
    ClassPolicy classPolicy = ClassPolicy.strict();
    int ioThreads = Runtime.getRuntime().availableProcessors();
    @Nullable EventLoops eventLoops;
    @Nullable WorkStealingPool callPool;
    List<PortProtocol> sharedPort = List.of();
    io.tern.transport.tls.@Nullable ServerTls serverTls;
    io.tern.transport.tls.@Nullable ClientTls clientTls;

    DubboProtocolBuilder() {
    }

    public DubboProtocolBuilder tracker(LifecycleTracker tracker) {
        this.tracker = requireNonNull(tracker, "tracker");
        return this;
    }

    public DubboProtocolBuilder providerFilters(List<? extends Filter> filters) {
        this.providerFilters = FilterChain.of(filters);
        return this;
    }

    public DubboProtocolBuilder consumerFilters(List<? extends Filter> filters) {
        this.consumerFilters = FilterChain.of(filters);
        return this;
    }

    /** Server settings used unless an exported URL's parameters say otherwise. */
    public DubboProtocolBuilder serverOptions(ServerOptions options) {
        this.serverOptions = requireNonNull(options, "options");
        return this;
    }

    /** Client settings used unless a referred URL's parameters say otherwise. */
    public DubboProtocolBuilder clientOptions(ClientOptions options) {
        this.clientOptions = requireNonNull(options, "options");
        return this;
    }

    /**
     * The classes peers may make this protocol instantiate, beyond those reachable from the
     * exported and referred interfaces, which are added as services are exported and referred.
     */
    public DubboProtocolBuilder classPolicy(ClassPolicy policy) {
        this.classPolicy = requireNonNull(policy, "policy");
        return this;
    }

    /**
     * The call pool its servers run calls on with {@code dispatch=pool}, shared with the other
     * protocols of a server and stopped by whoever made it; without it, each server makes a pool
     * of its own from its options' {@code threads} and {@code queues}. A closing server takes back
     * only its own calls from a shared pool.
     */
    public DubboProtocolBuilder callPool(WorkStealingPool pool) {
        this.callPool = java.util.Objects.requireNonNull(pool, "pool");
        return this;
    }

    /**
     * Runs on these event loops, shared with other protocols, instead of making its own; they stay
     * open when the protocol closes, for whoever made them to close.
     */
    public DubboProtocolBuilder eventLoops(EventLoops loops) {
        this.eventLoops = java.util.Objects.requireNonNull(loops, "loops");
        return this;
    }

    /** Threads for connections' I/O, shared by servers and clients; the number of processors by default. */
    public DubboProtocolBuilder ioThreads(int ioThreads) {
        Options.positive("ioThreads", ioThreads);
        this.ioThreads = ioThreads;
        return this;
    }

    /**
     * Other protocols answered on this protocol's ports: a connection whose first bytes are not
     * dubbo's magic goes to the first of {@code others} that recognises them. Their connections
     * count against the port's limits and budget and close with it. Without them, such a
     * connection is closed as one that speaks no protocol of the port.
     */
    public DubboProtocolBuilder sharePort(List<PortProtocol> others) {
        this.sharedPort = List.copyOf(others);
        return this;
    }

    /**
     * TLS on every port this protocol binds (and so for another protocol sharing them): plaintext
     * connections are closed, or served and counted in permissive mode.
     */
    public DubboProtocolBuilder serverTls(io.tern.transport.tls.ServerTls tls) {
        this.serverTls = requireNonNull(tls, "tls");
        return this;
    }

    /**
     * TLS on every connection this protocol makes. Without it, a connection to a provider whose
     * URL says {@code ssl-enabled=true} uses TLS verified against the JVM's trust store.
     */
    public DubboProtocolBuilder clientTls(io.tern.transport.tls.ClientTls tls) {
        this.clientTls = requireNonNull(tls, "tls");
        return this;
    }

    /**
     * @throws IllegalArgumentException naming the file when a TLS file cannot be read or used
     */
    public DubboProtocol build() {
        return new DubboProtocol(this);
    }
}
