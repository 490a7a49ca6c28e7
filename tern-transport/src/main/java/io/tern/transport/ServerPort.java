package io.tern.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.tern.HostPort;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.transport.tls.PortTls;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * One listening port, whatever protocols it serves: binds, admits each accepted connection against
 * the {@link ConnectionLimits} (connections in total and per remote address; when a limit is
 * reached, a connection that has sent nothing yet gives way to the newcomer, so silence cannot
 * hold a limit), sets the write water marks, and keeps the inbound budget that frames and
 * messages still arriving reserve from, across all its connections.
 *
 * <p>It tells each connection's protocol from its first bytes: TLS first, when the port has TLS,
 * then its {@link PortProtocol}s in order, the one that recognises the bytes setting up the
 * connection's pipeline. A connection that sends bytes none of them speaks is closed, and so is
 * one that stays silent longer than its protocols allow (or, on a port requiring TLS, than a
 * handshake may take), or that has not sent enough to tell within the frame timeout.
 *
 * <p>Owns its server channel and its accepted connections; does not own the event loops.
 */
public final class ServerPort {

    /** Bytes a connection's answers may queue before it stops being read: 1 MiB, resumed below 512 KiB. */
    public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(512 << 10, 1 << 20);

    private static final AttributeKey<ServerPort> PORT = AttributeKey.valueOf(ServerPort.class, "port");

    private final String name;
    private final Channel channel;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    final Admission admission;
    private final HostPort address;
    private final @Nullable PortTls tls;
    private final List<PortProtocol> protocols;
    /** What a connection that sent nothing is told it should have sent. */
    private final String expected;
    /** How long a connection may stay silent: as long as the most patient of its protocols allows. */
    private final Duration silence;

    private ServerPort(String name, Channel channel, Admission admission, @Nullable PortTls tls,
            List<PortProtocol> protocols) {
        this.name = name;
        this.channel = channel;
        this.admission = admission;
        this.tls = tls;
        this.protocols = protocols;
        this.expected = protocols.stream().map(PortProtocol::name).collect(Collectors.joining(" or "));
        this.silence = protocols.stream().map(protocol -> protocol.silence().apply(admission.limits()))
                .max(Duration::compareTo).orElse(Duration.ZERO);
        InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
        this.address = new HostPort(bound.getAddress().getHostAddress(), bound.getPort());
    }

    /**
     * Binds {@code host:port} (0 for any free port) and serves {@code protocols} on it, behind
     * {@code tls} when given.
     *
     * @param name the port's name, for messages
     * @param inboundBudget bytes of frames still arriving across all connections (at least the
     *     limits' budget, raised to the protocols' largest message)
     * @throws RpcException {@link RpcStatus#NETWORK} naming the address when it cannot bind
     */
    public static ServerPort bind(String name, EventLoops loops, String host, int port, ConnectionLimits limits,
            long inboundBudget, @Nullable PortTls tls, List<PortProtocol> protocols) {
        List<PortProtocol> served = List.copyOf(protocols);
        if (served.isEmpty()) {
            throw new IllegalArgumentException("protocols: none (expected: at least one protocol to serve)");
        }
        Admission admission = new Admission(limits, inboundBudget);
        ServerPort[] self = new ServerPort[1];
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops.acceptGroup(), loops.ioGroup())
                .channel(loops.serverChannelType())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ServerPort accepting = self[0];
                        if (accepting == null || !admission.admit(ch)) {
                            ch.close();
                            return;
                        }
                        accepting.connections.add(ch);
                        ch.attr(PORT).set(accepting);
                        ch.pipeline().addLast("first-bytes", new FirstBytes(accepting, accepting.tls));
                    }
                });
        ChannelFuture bound = bootstrap.bind(host, port).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new RpcException(RpcStatus.NETWORK, name + ": bind " + new HostPort(host, port) + " failed: "
                    + bound.cause() + " (expected: a free port on a local address)", bound.cause());
        }
        ServerPort accepting = new ServerPort(name, bound.channel(), admission, tls, served);
        self[0] = accepting;
        return accepting;
    }

    /**
     * The port a connection was accepted on, whichever protocol serves it now; {@code null} for a
     * connection no {@code ServerPort} accepted (a client's).
     */
    public static @Nullable ServerPort of(Channel connection) {
        return connection.attr(PORT).get();
    }

    /** Where it listens, with the port it bound. */
    public HostPort address() {
        return address;
    }

    /** The connections accepted and still open. */
    public ChannelGroup connections() {
        return connections;
    }

    /** What it lets peers hold. */
    public ConnectionLimits limits() {
        return admission.limits();
    }

    /**
     * Takes {@code bytes} from the inbound budget for a frame or message still arriving; false
     * when the budget has no room, and the caller refuses the frame.
     */
    public boolean reserve(long bytes) {
        return admission.reserve(bytes);
    }

    /** Gives back what {@link #reserve} took, once the frame has arrived or was dropped. */
    public void unreserve(long bytes) {
        admission.unreserve(bytes);
    }

    /** The bytes of frames still arriving it lets its connections hold in all. */
    public long inboundBudget() {
        return admission.budget();
    }

    /** The connections its limits count now; for tests and meters. */
    public int admittedConnections() {
        return admission.connections();
    }

    /** The remote addresses holding a connection now; for tests and meters. */
    public int addressesHeld() {
        return admission.addressesHeld();
    }

    /** The bytes reserved now; for tests and meters. */
    public long reservedBytes() {
        return admission.reservedBytes();
    }

    /** Logs what a peer did, once a minute per remote address. */
    public void warn(Channel connection, String message) {
        admission.warn(Admission.address(connection), message);
    }

    /** Stops accepting; the connections stay open until their owner closes them. */
    public CompletableFuture<Void> stopAccepting() {
        admission.close();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        channel.close().addListener(f -> closed.complete(null));
        return closed;
    }

    /** Stops accepting and closes every connection. */
    public CompletableFuture<Void> close() {
        return stopAccepting().thenCompose(ignored -> {
            CompletableFuture<Void> all = new CompletableFuture<>();
            connections.close().addListener(f -> all.complete(null));
            return all;
        });
    }

    /**
     * A connection's first handler: tells its protocol from its first bytes, hands the connection
     * to it and steps aside, what it read going on to the protocol's handlers. Tells the admission
     * when the connection first sends something, from when it no longer gives way to newcomers.
     */
    private static final class FirstBytes extends ByteToMessageDecoder {
        private final ServerPort port;
        /** TLS still to be told apart; null on a port without TLS, and behind TLS. */
        private @Nullable PortTls tls;
        private final ConnectionTimer deadline = new ConnectionTimer();
        private boolean heard;

        FirstBytes(ServerPort port, @Nullable PortTls tls) {
            this.port = port;
            this.tls = tls;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            PortTls front = tls;
            // a TLS client opens with its handshake; a plaintext peer may wait as its protocol allows
            Duration silence = front != null && front.required() ? front.handshakeTimeout() : port.silence;
            deadline.arm(ctx, silence, () -> close(ctx, "sent nothing within " + silence.toMillis() + " ms"));
        }

        @Override
        protected void handlerRemoved0(ChannelHandlerContext ctx) {
            deadline.disarm();
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (!heard) {
                heard = true;
                port.admission.spoke(ctx.channel());
                Duration rest = port.limits().frameTimeout();
                deadline.arm(ctx, rest, () -> close(ctx, "sent too little to tell its protocol within "
                        + rest.toMillis() + " ms (frame.timeout)"));
            }
            PortTls front = tls;
            if (front != null) {
                if (in.readableBytes() < PortTls.HEADER) {
                    return;
                }
                switch (front.front(ctx, in, connection -> connection.pipeline()
                        .addLast("first-bytes", new FirstBytes(port, null)))) {
                    case ENCRYPTED -> {
                        ctx.pipeline().remove(this); // what was read goes on to TLS, whose handshake has a timeout
                        return;
                    }
                    case PLAINTEXT -> tls = null;
                    case REFUSED -> {
                        in.skipBytes(in.readableBytes());
                        ctx.close();
                        return;
                    }
                }
            }
            for (PortProtocol protocol : port.protocols) {
                switch (protocol.sniffer().match(in)) {
                    case YES -> {
                        protocol.serve().accept(ctx.channel());
                        ctx.pipeline().remove(this); // what was read goes on to the handlers just added
                        return;
                    }
                    case MORE -> {
                        return; // an earlier protocol comes first when it may still be the one
                    }
                    case NO -> {
                        // the next one may be
                    }
                }
            }
            in.skipBytes(in.readableBytes());
            close(ctx, "opened with bytes none of its protocols speaks");
        }

        private void close(ChannelHandlerContext ctx, String what) {
            port.warn(ctx.channel(), port.name + ": closing a connection that " + what + " (expected: "
                    + port.expected + ")");
            ctx.close();
        }
    }
}
