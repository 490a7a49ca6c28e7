package io.tern.ops;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.tern.AsyncCloseable;
import io.tern.core.PeerWarnings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations endpoint: an HTTP server (on Netty, one thread) answering Dubbo's QoS commands
 * for one {@link OpsTarget} — {@code /ls}, {@code /online}, {@code /offline}, {@code /live},
 * {@code /ready}, {@code /startup}, {@code /metrics} — and Tern's {@code /lifecycle}.
 *
 * <p>Binds 127.0.0.1 unless told otherwise, and answers only callers on a loopback address
 * unless {@code allowForeign}: a foreign caller's connection is closed at once, unanswered
 * (Dubbo's QoS, by default, still lets foreign callers run some commands).
 *
 * <p>It never takes what the RPC ports need: at most {@value #MAX_CONNECTIONS} connections are
 * open at once, and while that many are, it stops accepting, so further callers wait in the
 * kernel's backlog and hold no descriptor of the process; a connection that has not sent a whole
 * request within {@link #REQUEST_DEADLINE} of opening or of its last answer is closed.
 */
public final class OpsServer implements AsyncCloseable {

    private static final Logger log = LoggerFactory.getLogger(OpsServer.class);
    /** Connections open at once; operators and probes need few. */
    public static final int MAX_CONNECTIONS = 64;
    /** How long a connection may take to send a whole request, from its opening or its last answer. */
    public static final Duration REQUEST_DEADLINE = Duration.ofSeconds(10);

    private final EventLoopGroup group;
    private final Channel channel;
    private final InetSocketAddress address;
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private volatile boolean closing;

    private OpsServer(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
        this.address = (InetSocketAddress) channel.localAddress();
    }

    /** Starts an endpoint on 127.0.0.1:{@code port} (0 for any free port) for loopback callers only. */
    public static OpsServer start(OpsTarget target, int port) {
        return start(target, "127.0.0.1", port, false);
    }

    /**
     * Starts an endpoint on {@code host:port}; {@code allowForeign} lets callers from other
     * machines in.
     *
     * @throws IllegalArgumentException for a port outside 0-65535 or a host that is not an address
     * @throws IllegalStateException when the port cannot be bound
     */
    public static OpsServer start(OpsTarget target, String host, int port, boolean allowForeign) {
        requireNonNull(target, "target");
        requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("ops port: " + port + " (expected: 0-65535)");
        }
        InetAddress bind;
        try {
            bind = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("ops host: '" + host + "' (expected: an address of this machine)", e);
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tern-ops", true),
                NioIoHandler.newFactory());
        OpsHosts hosts = new OpsHosts(bind, allowForeign);
        PeerWarnings refusals = new PeerWarnings(log);
        AtomicInteger open = new AtomicInteger();
        try {
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (!admit(ch, open)) {
                                return;
                            }
                            if (!allowForeign && !ch.remoteAddress().getAddress().isLoopbackAddress()) {
                                refusals.warn(ch.remoteAddress(), "ops: refused a connection (foreign callers are not"
                                        + " allowed)");
                                ch.close();
                                return;
                            }
                            ch.pipeline()
                                    .addLast("deadline", new RequestDeadline(REQUEST_DEADLINE))
                                    .addLast("http", new HttpServerCodec(4096, 8192, 8192))
                                    .addLast("aggregate", new HttpObjectAggregator(64 * 1024))
                                    .addLast("commands", new OpsHandler(target, hosts));
                        }
                    })
                    .bind(bind, port).syncUninterruptibly().channel();
            return new OpsServer(group, channel);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("ops: cannot listen on " + host + ":" + port + ": " + e, e);
        }
    }

    /**
     * Counts a new connection; at the limit, stops accepting until one closes. Closes a connection
     * over the limit (accepted in the same batch as the last one allowed).
     */
    private static boolean admit(SocketChannel ch, AtomicInteger open) {
        Channel server = ch.parent();
        int now = open.incrementAndGet();
        ch.closeFuture().addListener(f -> {
            if (open.decrementAndGet() < MAX_CONNECTIONS && server != null) {
                server.config().setAutoRead(true);
            }
        });
        if (now >= MAX_CONNECTIONS && server != null) {
            server.config().setAutoRead(false);
        }
        if (now > MAX_CONNECTIONS) {
            ch.close();
            return false;
        }
        return true;
    }

    /** The port it listens on. */
    public int port() {
        return address.getPort();
    }

    /** The address it listens on, as {@code http://host:port}. */
    public String uri() {
        return "http://" + address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    /** Stops listening, closes open connections and ends its thread. */
    @Override
    public synchronized CompletableFuture<Void> closeAsync() {
        if (!closing) {
            closing = true;
            channel.close().addListener(f -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS)
                    .addListener(g -> closeFuture.complete(null)));
        }
        return closeFuture;
    }

    @Override
    public String toString() {
        return "OpsServer[" + uri() + (closing ? ", closed" : "") + "]";
    }
}
