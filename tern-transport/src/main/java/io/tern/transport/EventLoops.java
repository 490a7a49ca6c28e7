package io.tern.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The event loops connections run on: one thread that accepts, and the I/O threads that serve
 * connections, servers' and clients' alike, over Linux's epoll when Netty's native transport
 * loads, else NIO. A {@code TernServer} or {@code TernClient} makes one set that every protocol
 * on it shares; a protocol made alone makes its own. Whoever made a set closes it, after the
 * protocols that use it.
 */
public final class EventLoops implements AutoCloseable {

    private final EventLoopGroup acceptGroup;
    private final EventLoopGroup ioGroup;
    private final boolean epoll;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

    private EventLoops(String name, int ioThreads) {
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.acceptGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name + "-accept", true), factory);
        this.ioGroup = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory(name + "-io", true), factory);
    }

    /**
     * Event loops whose threads are named after {@code name} ({@code tern-io-1-1}, ...), with
     * {@code ioThreads} I/O threads.
     */
    public static EventLoops create(String name, int ioThreads) {
        java.util.Objects.requireNonNull(name, "name");
        Options.positive("ioThreads", ioThreads);
        return new EventLoops(name, ioThreads);
    }

    /** Event loops with one I/O thread per processor. */
    public static EventLoops create(String name) {
        return create(name, Runtime.getRuntime().availableProcessors());
    }

    /** The loop that accepts connections. */
    public EventLoopGroup acceptGroup() {
        return acceptGroup;
    }

    /** The loops that serve connections, and run their timers. */
    public EventLoopGroup ioGroup() {
        return ioGroup;
    }

    public Class<? extends ServerChannel> serverChannelType() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public Class<? extends SocketChannel> channelType() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** Stops the loops; the future completes when their threads have ended. */
    public CompletableFuture<Void> closeAsync() {
        if (closed.compareAndSet(false, true)) {
            acceptGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).addListener(a ->
                    ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).addListener(b -> closeFuture.complete(null)));
        }
        return closeFuture;
    }

    /** Stops the loops and waits, at most 10 seconds, for their threads to end. */
    @Override
    public void close() {
        closeAsync().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
}
