package io.tern.triple;

import io.netty.channel.Channel;
import java.util.function.BooleanSupplier;

/**
 * Makes a thread that writes a stream's messages wait while the stream cannot take more: its
 * HTTP/2 window is spent or too much is queued. The stream's handler signals every change of
 * writability and the end of the stream. An event loop thread never waits here.
 */
final class StreamWritability {

    private final Object monitor = new Object();

    /** Returns once {@code channel} is writable, inactive, or {@code ended} says the call is over. */
    void await(Channel channel, BooleanSupplier ended) {
        if (channel.eventLoop().inEventLoop()) {
            return;
        }
        boolean interrupted = false;
        synchronized (monitor) {
            while (!channel.isWritable() && channel.isActive() && !ended.getAsBoolean()) {
                try {
                    monitor.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Wakes the waiting writer to look again. */
    void signal() {
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }
}
