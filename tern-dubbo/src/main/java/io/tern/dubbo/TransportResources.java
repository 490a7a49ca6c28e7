package io.tern.dubbo;

import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import io.tern.transport.EventLoops;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The threads a {@link DubboProtocol} runs on: the event loops (its own, or a set it shares with
 * the other protocols of a server or client), the executors that decode large frames away from
 * the event loops (their threads start only when one arrives), and the timer for call timeouts
 * and reconnects. Owned by the protocol, which closes them last; shared event loops are closed by
 * whoever made them.
 */
final class TransportResources {

    final EventLoops loops;
    final HashedWheelTimer timer;
    final EventExecutorGroup decodeGroup;
    private final boolean ownsLoops;

    TransportResources(int ioThreads, @Nullable EventLoops shared) {
        this.ownsLoops = shared == null;
        this.loops = shared != null ? shared : EventLoops.create("tern", ioThreads);
        this.decodeGroup = new DefaultEventExecutorGroup(Math.max(1, Runtime.getRuntime().availableProcessors()),
                new DefaultThreadFactory("tern-decode", true));
        this.timer = new HashedWheelTimer(new DefaultThreadFactory("tern-timer", true), 10, TimeUnit.MILLISECONDS);
    }

    /**
     * Stops the timer, the event loops when they are its own, and the decode executors; completes
     * when their threads have ended.
     */
    CompletableFuture<Void> close() {
        timer.stop();
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<Void> loopsClosed = ownsLoops ? loops.closeAsync() : CompletableFuture.completedFuture(null);
        loopsClosed.whenComplete((a, b) -> decodeGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS)
                .addListener(c -> done.complete(null)));
        return done;
    }
}
