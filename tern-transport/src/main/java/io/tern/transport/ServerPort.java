package io.tern.transport;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.tern.HostPort;
import io.tern.RpcException;
import io.tern.RpcStatus;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One listening port, whatever protocols it serves: binds, admits each accepted connection against
 * the {@link ConnectionLimits} (connections in total and per remote address; when a limit is
 * reached, a connection that has sent nothing yet gives way to the newcomer, so silence cannot
 * hold a limit), sets the write water marks, and keeps the inbound budget that frames and
 * messages still arriving reserve from, across all its connections. The protocol sets up each
 * admitted connection's pipeline.
 *
 * <p>Owns its server channel and its accepted connections; does not own the event loops.
 */
public final class ServerPort {

    /** Bytes a connection's answers may queue before it stops being read: 1 MiB, resumed below 512 KiB. */
    public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(512 << 10, 1 << 20);

    private static final AttributeKey<ServerPort> PORT = AttributeKey.valueOf(ServerPort.class, "port");

    private final Channel channel;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    final Admission admission;
    private final HostPort address;

    private ServerPort(Channel channel, Admission admission) {
        this.channel = channel;
        this.admission = admission;
        InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
        this.address = new HostPort(bound.getAddress().getHostAddress(), bound.getPort());
    }

    /**
     * Binds {@code host:port} (0 for any free port); each admitted connection is handed to
     * {@code protocols}, which sets up its pipeline.
     *
     * @param name the protocol's name, for messages
     * @param inboundBudget bytes of frames still arriving across all connections (at least the
     *     limits' budget, raised to the protocol's largest message)
     * @throws RpcException {@link RpcStatus#NETWORK} naming the address when it cannot bind
     */
    public static ServerPort bind(String name, EventLoopGroup acceptGroup, EventLoopGroup ioGroup,
            Class<? extends ServerChannel> channelType, String host, int port, ConnectionLimits limits,
            long inboundBudget, Consumer<Channel> protocols) {
        requireNonNull(protocols, "protocols");
        Admission admission = new Admission(limits, inboundBudget);
        ServerPort[] self = new ServerPort[1];
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptGroup, ioGroup)
                .channel(channelType)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ServerPort served = self[0];
                        if (served == null || !admission.admit(ch)) {
                            ch.close();
                            return;
                        }
                        served.connections.add(ch);
                        ch.attr(PORT).set(served);
                        ch.pipeline().addLast("first-bytes", new FirstBytes(admission));
                        protocols.accept(ch);
                    }
                });
        ChannelFuture bound = bootstrap.bind(host, port).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new RpcException(RpcStatus.NETWORK, name + ": bind " + new HostPort(host, port) + " failed: "
                    + bound.cause() + " (expected: a free port on a local address)", bound.cause());
        }
        ServerPort served = new ServerPort(bound.channel(), admission);
        self[0] = served;
        return served;
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

    /** Tells the admission when a connection first sends something: from then on it is no longer silent. */
    private static final class FirstBytes extends ChannelInboundHandlerAdapter {
        private final Admission admission;

        FirstBytes(Admission admission) {
            this.admission = admission;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            admission.spoke(ctx.channel());
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(msg);
        }
    }
}
