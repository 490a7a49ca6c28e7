package io.tern.triple;

import io.netty.channel.Channel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands a stream's messages to the code that observes them, in order, one at a time, on an
 * executor rather than the event loop; and applies flow control on the way: while more than a
 * few messages wait, the stream's channel stops reading, so HTTP/2 returns no window to the peer
 * and the peer's writer waits. Holds only messages already decoded; drops what is left when the
 * executor refuses work.
 */
final class StreamInbound {

    /** Waiting messages at which reading stops. */
    static final int PAUSE_AT = 32;
    /** Waiting messages at which reading starts again. */
    static final int RESUME_AT = 8;

    private final Channel channel;
    private final Executor executor;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile boolean paused;

    StreamInbound(Channel channel, Executor executor) {
        this.channel = channel;
        this.executor = executor;
    }

    /**
     * Runs {@code task} after every task submitted before it.
     *
     * @throws RejectedExecutionException when the executor takes no more work; nothing waiting runs then
     */
    void submit(Runnable task) {
        tasks.add(task);
        int waiting = pending.getAndIncrement();
        if (waiting == 0) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException e) {
                tasks.clear();
                pending.set(0);
                throw e;
            }
        } else if (waiting >= PAUSE_AT && !paused && channel.eventLoop().inEventLoop()) {
            paused = true;
            channel.config().setAutoRead(false);
            if (pending.get() <= RESUME_AT) {
                // the drainer emptied the queue before it could see the pause: nothing else would resume
                resume();
            }
        }
    }

    /** Reads again; on the event loop, which alone pauses and resumes. */
    private void resume() {
        if (paused) {
            paused = false;
            channel.config().setAutoRead(true);
            channel.read();
        }
    }

    private void drain() {
        do {
            Runnable task = tasks.poll();
            if (task != null) {
                task.run();
            }
            if (paused && pending.get() <= RESUME_AT) {
                channel.eventLoop().execute(this::resume);
            }
        } while (pending.decrementAndGet() > 0);
    }
}
