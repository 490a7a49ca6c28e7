package io.tern.triple;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.tern.Exporter;
import io.tern.Invoker;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceKey;
import io.tern.ServiceUrl;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.transport.ConnectionLimits;
import io.tern.transport.PortProtocol;
import io.tern.transport.ServerPort;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One listening address of a {@link TripleProtocol}: HTTP/2 with prior knowledge, each stream a
 * call to one of the services exported here, and HTTP/1.1 for unary calls in JSON, told apart
 * from each connection's first bytes. Binds its port, or shares one another protocol listens on
 * and serves the connections handed to it; closing a shared one closes those connections only. Closes when its last service is unexported, and
 * with its protocol; does not own the protocol's event loops or service threads.
 */
final class TripleServer {

    private final TripleProtocol protocol;
    private final String host;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private static final io.netty.util.AttributeKey<ConnectionWrites> WRITES =
            io.netty.util.AttributeKey.valueOf(TripleServer.class, "writes");
    private final Map<ServiceKey, TripleExporter<?>> exporters = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    /** The port, when this server binds one; null when it shares another protocol's. */
    private @Nullable ServerPort serverPort;
    private LifecycleTracker.@Nullable Tracked tracked;
    private int port;
    private boolean closing;
    /** How it pings silent clients and lets clients ping it. */
    private final KeepAlive keepAlive;

    private TripleServer(TripleProtocol protocol, String host, KeepAlive keepAlive) {
        this.protocol = protocol;
        this.host = host;
        this.keepAlive = keepAlive;
    }

    /**
     * A server on a port of its own, letting its peers hold what {@code limits} allow.
     *
     * @throws RpcException {@link RpcStatus#NETWORK} naming the address when it cannot bind
     */
    static TripleServer bind(TripleProtocol protocol, String host, int port, ConnectionLimits limits,
            KeepAlive keepAlive) {
        TripleServer server = new TripleServer(protocol, host, keepAlive);
        server.listen(port, limits);
        return server;
    }

    /**
     * A server on a port another protocol listens on: it binds nothing, and takes the connections
     * that protocol hands it ({@link #adopt}).
     */
    static TripleServer shared(TripleProtocol protocol, String host, int port) {
        TripleServer server = new TripleServer(protocol, host, protocol.serverKeepAlive());
        server.port = port;
        server.tracked = protocol.tracker().track(ResourceKind.SERVER, "tri://" + host + ":" + port + " (shared)");
        return server;
    }

    /**
     * HTTP/2 (opening with its connection preface: prior knowledge, as gRPC and Dubbo clients
     * speak) and HTTP/1.1 (opening with a request line), each served by the server {@code serving}
     * finds for a connection; a connection it finds none for is closed.
     */
    static List<PortProtocol> portProtocols(Function<Channel, @Nullable TripleServer> serving) {
        Function<ConnectionLimits, Duration> silence = ConnectionLimits::frameTimeout; // clients speak first
        return List.of(
                new PortProtocol("HTTP/2", silence, TripleServer::http2Preface,
                        connection -> serve(serving, connection, TripleServer::http2)),
                new PortProtocol("HTTP/1.1", silence, TripleServer::http1RequestLine,
                        connection -> serve(serving, connection, TripleServer::http1)));
    }

    private static void serve(Function<Channel, @Nullable TripleServer> serving, Channel connection,
            java.util.function.BiConsumer<TripleServer, ChannelPipeline> protocol) {
        TripleServer server = serving.apply(connection);
        if (server == null) {
            connection.close();
        } else if (server.adopt(connection)) {
            protocol.accept(server, connection.pipeline());
        }
    }

    /** Takes a connection to serve, or closes it when this server is closing. */
    private boolean adopt(Channel connection) {
        synchronized (this) {
            if (closing) {
                connection.close();
                return false;
            }
        }
        connections.add(connection);
        return true;
    }

    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();
    /** The longest HTTP method name taken, {@code OPTIONS}, and its space. */
    private static final int LONGEST_METHOD = 8;

    /** Whether a connection opens with the HTTP/2 connection preface. */
    private static PortProtocol.Match http2Preface(ByteBuf first) {
        int compared = Math.min(first.readableBytes(), PREFACE.readableBytes());
        if (compared == 0) {
            return PortProtocol.Match.MORE;
        }
        if (!ByteBufUtil.equals(first, first.readerIndex(), PREFACE, PREFACE.readerIndex(), compared)) {
            return PortProtocol.Match.NO;
        }
        return compared == PREFACE.readableBytes() ? PortProtocol.Match.YES : PortProtocol.Match.MORE;
    }

    /** Whether a connection opens as an HTTP/1.1 request line does: an upper-case method, then a space. */
    private static PortProtocol.Match http1RequestLine(ByteBuf first) {
        int start = first.readerIndex();
        int limit = Math.min(first.readableBytes(), LONGEST_METHOD);
        for (int i = 0; i < limit; i++) {
            byte b = first.getByte(start + i);
            if (b == ' ') {
                return i > 0 ? PortProtocol.Match.YES : PortProtocol.Match.NO;
            }
            if (b < 'A' || b > 'Z') {
                return PortProtocol.Match.NO;
            }
        }
        return limit == LONGEST_METHOD ? PortProtocol.Match.NO : PortProtocol.Match.MORE;
    }

    private void listen(int wanted, ConnectionLimits limits) {
        long budget = Math.max(limits.inboundBudget(), TripleProtocol.MAX_MESSAGE_SIZE);
        ServerPort bound = ServerPort.bind("tri", protocol.loops(), host, wanted, limits, budget, protocol.portTls(),
                portProtocols(connection -> this));
        serverPort = bound;
        port = bound.address().port();
        tracked = protocol.tracker().track(ResourceKind.SERVER, "tri://" + host + ":" + port);
    }

    /** The port's frame timeout: how long a frame, a message or a request may take to arrive. */
    static java.time.Duration frameTimeout(Channel connection) {
        return limits(connection).frameTimeout();
    }

    /** The limits of the port the connection came through. */
    private static ConnectionLimits limits(Channel connection) {
        ServerPort port = ServerPort.of(connection);
        return port != null ? port.limits() : ConnectionLimits.DEFAULT;
    }

    /** A connection that opened with the HTTP/2 preface: gRPC, each stream a call. */
    private void http2(ChannelPipeline pipeline) {
        pipeline.addLast(Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings()
                        .initialWindowSize(TripleProtocol.MAX_MESSAGE_SIZE)
                        .maxHeaderListSize(32 * 1024)
                        .maxConcurrentStreams(TripleProtocol.MAX_CONCURRENT_STREAMS))
                // rapid reset: a client resetting more streams than this in 10 s loses its connection;
                // far above what callers cancelling their own calls reach
                .decoderEnforceMaxRstFramesPerWindow(10_000, 10)
                .build());
        pipeline.addLast(new ConnectionWindow());
        pipeline.addLast(new Http2Idle(limits(pipeline.channel()).idleTimeout()));
        Channel connection = pipeline.channel();
        java.util.function.Consumer<String> warn = why -> {
            ServerPort port = ServerPort.of(connection);
            if (port != null) {
                port.warn(connection, "tri: closing a connection: " + why);
            }
        };
        pipeline.addLast(new Http2PingPolicy(keepAlive, warn));
        Duration every = keepAlive.time();
        if (every != null) {
            pipeline.addLast(new Http2KeepAlive(every, keepAlive.timeout(), true, warn));
        }
        ConnectionWrites writes = new ConnectionWrites(pipeline.channel());
        pipeline.channel().attr(WRITES).set(writes);
        pipeline.addLast(new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.pipeline().addLast(new TripleStreamHandler(TripleServer.this, writes));
            }
        }));
        pipeline.addLast(protocol.http2Errors());
    }

    /** A connection that opened with an HTTP/1.1 request line: unary calls in JSON. */
    private void http1(ChannelPipeline pipeline) {
        Channel connection = pipeline.channel();
        ConnectionLimits portLimits = limits(connection);
        Http1Limits limits = new Http1Limits(ServerPort.of(connection), portLimits.frameTimeout(),
                portLimits.idleTimeout());
        pipeline.addLast(limits);
        pipeline.addLast(new HttpServerCodec(4096, 32 * 1024, 8192));
        pipeline.addLast(new HttpObjectAggregator(TripleProtocol.MAX_MESSAGE_SIZE));
        pipeline.addLast(new Http1JsonHandler(this, limits));
    }

    int port() {
        return port;
    }

    /** Bytes of answers its HTTP/2 connections owe readers that have not read them. */
    long owedAnswerBytes() {
        long total = 0;
        for (Channel connection : connections) {
            ConnectionWrites writes = connection.attr(WRITES).get();
            total += writes == null ? 0 : writes.owed();
        }
        return total;
    }

    /** The port this server binds; null when it shares another protocol's. */
    @Nullable ServerPort serverPort() {
        return serverPort;
    }

    /** The services exported here now. */
    java.util.Collection<TripleExporter<?>> exporters() {
        return exporters.values();
    }

    /** Services exported here now. */
    int exportedCount() {
        return exporters.size();
    }

    /** The connections it holds now. */
    int connectionCount() {
        return connections.size();
    }

    /** The HTTP/2 streams open now on this server's connections. */
    int activeStreams() {
        int total = 0;
        for (Channel connection : connections) {
            total += TripleConnection.activeStreams(connection);
        }
        return total;
    }

    LifecycleTracker tracker() {
        return protocol.tracker();
    }

    TripleProtocol protocol() {
        return protocol;
    }

    synchronized <T> Exporter<T> export(Invoker<T> invoker) {
        if (closing) {
            throw new IllegalStateException("tri server closed: " + host + ":" + port + " (expected: an open server)");
        }
        io.tern.ServiceUrlBuilder built = io.tern.core.Tokens.resolve(invoker.url()).toBuilder().protocol("tri")
                .address(host, port);
        if (serverPort != null && protocol.portTls() != null) {
            built.parameter(io.tern.transport.tls.ServerTls.SSL_ENABLED, true);
        }
        ServiceUrl url = built.build();
        TripleExporter<T> exporter = new TripleExporter<>(this, url,
                protocol.providerFilters().wrap(io.tern.core.Tokens.guard(invoker, io.tern.core.Tokens.of(url))));
        if (exporters.putIfAbsent(exporter.key(), exporter) != null) {
            throw new IllegalStateException("tri: " + exporter.key() + " is already exported on " + host + ":" + port
                    + " (expected: one export per service key)");
        }
        protocol.health().changed();
        return exporter;
    }

    /**
     * The exporter a call addresses, tried as Apache Dubbo's Triple server tries them: its group,
     * interface and version; the same group and interface at version 1.0.0; the interface alone
     * (a service exported with neither group nor version). Else one of the services every server
     * answers, such as gRPC's health service.
     */
    @Nullable TripleExporter<?> find(String interfaceName, @Nullable String group, @Nullable String version) {
        TripleExporter<?> exporter = exporters.get(ServiceKey.of(interfaceName, group, version));
        if (exporter == null) {
            exporter = exporters.get(ServiceKey.of(interfaceName, group, "1.0.0"));
        }
        if (exporter == null) {
            exporter = exporters.get(ServiceKey.of(interfaceName));
        }
        return exporter != null ? exporter : protocol.builtIn(interfaceName);
    }

    /** Removes a service; the last one closes the server, and the future completes once its port is closed. */
    CompletableFuture<Void> unexport(TripleExporter<?> exporter) {
        boolean last;
        synchronized (this) {
            exporters.remove(exporter.key(), exporter);
            last = exporters.isEmpty() && !closing;
        }
        protocol.health().changed();
        return last ? closeAsync() : CompletableFuture.completedFuture(null);
    }

    /** Unexports what is left, then closes the port and the connections on it. */
    CompletableFuture<Void> closeAsync() {
        synchronized (this) {
            if (closing) {
                return closeFuture;
            }
            closing = true;
        }
        protocol.forget(this);
        for (TripleExporter<?> exporter : exporters.values()) {
            exporter.close();
        }
        ServerPort listening = serverPort;
        CompletableFuture<Void> closed = new CompletableFuture<>();
        if (listening == null) {
            connections.close().addListener(g -> closed.complete(null)); // shared: the port stays the other protocol's
        } else {
            listening.close().whenComplete((f, e) -> closed.complete(null));
        }
        closed.whenComplete((done, failure) -> {
            LifecycleTracker.Tracked t = tracked;
            if (t != null) {
                t.destroyed(this);
            }
            closeFuture.complete(null);
        });
        return closeFuture;
    }
}
