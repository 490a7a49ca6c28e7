package io.tern.dubbo;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.ReferenceCountUtil;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Writes frames to a channel from any thread with one flush per batch: frames enqueued while a
 * batch is pending ride along with it, so concurrent callers share a system call. Owns the
 * buffers given to it: each is written (and released by the channel) or released here.
 */
final class WriteQueue {

    private record Item(ByteBuf frame, @Nullable ChannelFutureListener listener) {
    }

    private final Channel channel;
    private final Queue<Item> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
    /** Whether a batch was written since {@link #takeWritten} last asked; event loop only. */
    private boolean written;

    WriteQueue(Channel channel) {
        this.channel = channel;
    }

    /** Queues a frame; {@code listener} learns whether it was written. */
    void enqueue(ByteBuf frame, @Nullable ChannelFutureListener listener) {
        queue.add(new Item(frame, listener));
        if (scheduled.compareAndSet(false, true)) {
            try {
                channel.eventLoop().execute(drain);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                discard(); // the event loop is gone, and with it the channel
            }
        }
    }

    private void drain() {
        while (true) {
            boolean wrote = false;
            for (Item item; (item = queue.poll()) != null; ) {
                wrote = true;
                if (!channel.isActive()) {
                    dropClosed(item);
                    continue;
                }
                if (item.listener == null) {
                    channel.write(item.frame, channel.voidPromise());
                } else {
                    channel.write(item.frame).addListener(item.listener);
                }
            }
            if (wrote) {
                channel.flush();
                written = true;
            }
            scheduled.set(false);
            if (queue.isEmpty() || !scheduled.compareAndSet(false, true)) {
                return;
            }
        }
    }

    /** Whether anything was written since the last call; called on the channel's event loop. */
    boolean takeWritten() {
        boolean was = written;
        written = false;
        return was;
    }

    /** Releases frames still queued; called when the channel is gone. */
    void discard() {
        for (Item item; (item = queue.poll()) != null; ) {
            dropClosed(item);
        }
    }

    /** Releases a frame that can no longer be written and tells its listener why. */
    private void dropClosed(Item item) {
        ReferenceCountUtil.release(item.frame);
        if (item.listener != null) {
            try {
                item.listener.operationComplete(channel.newFailedFuture(new java.nio.channels.ClosedChannelException()));
            } catch (Exception ignored) {
                // listeners complete futures; they do not throw
            }
        }
    }
}
