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
import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The threads a {@link DubboProtocol} runs on: one event loop group for servers' accept loops,
 * one for connections (servers' and clients'), the executors that decode large frames away from
 * the event loops (their threads start only when one arrives), and the timer for call timeouts
 * and reconnects. Owned by the protocol, which closes them last.
 */
final class TransportResources {

    final EventLoopGroup acceptGroup;
    final EventLoopGroup ioGroup;
    final HashedWheelTimer timer;
    final EventExecutorGroup decodeGroup;
    final Class<? extends ServerChannel> serverChannelType;
    final Class<? extends SocketChannel> channelType;
    final boolean epoll;

    TransportResources(int ioThreads) {
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.acceptGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tern-accept", true), factory);
        this.ioGroup = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory("tern-io", true), factory);
        this.serverChannelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        this.channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        this.decodeGroup = new DefaultEventExecutorGroup(Math.max(1, Runtime.getRuntime().availableProcessors()),
                new DefaultThreadFactory("tern-decode", true));
        this.timer = new HashedWheelTimer(new DefaultThreadFactory("tern-timer", true), 10, TimeUnit.MILLISECONDS);
    }

    /** Stops the timer, the event loops and the decode executors; completes when their threads have ended. */
    CompletableFuture<Void> close() {
        timer.stop();
        CompletableFuture<Void> done = new CompletableFuture<>();
        acceptGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).addListener(a ->
                ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).addListener(b ->
                        decodeGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).addListener(c -> done.complete(null))));
        return done;
    }
}
