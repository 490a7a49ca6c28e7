package io.tern.triple;

import io.netty.channel.Channel;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Makes a thread that writes a stream's messages wait while the stream cannot take more: its
 * HTTP/2 window is spent or too much is queued. The stream's handler signals every change of
 * writability and the end of the stream. An event loop thread never waits here.
 *
 * <p>A reader that does not read must not hold service threads: a writer waits at most the
 * port's {@code frame.timeout} for the reader, and only as many writers wait at once, across a
 * protocol, as its {@code waiters} allow; the others are told to end their streams at once.
 */
final class StreamWritability {

    /** How a wait ended. */
    enum Outcome {
        /** The stream can take more, or has ended, or its connection is gone: the writer goes on. */
        READY,
        /** The reader took nothing for the whole timeout. */
        STALLED,
        /** As many writers as allowed wait already. */
        REFUSED
    }

    private final Object monitor = new Object();

    /**
     * Waits, without a bound, until {@code channel} is writable, inactive, or {@code ended} says the
     * call is over: a consumer's request stream, whose own thread writes it.
     */
    void await(Channel channel, BooleanSupplier ended) {
        if (channel.eventLoop().inEventLoop()) {
            return;
        }
        boolean interrupted = false;
        synchronized (monitor) {
            while (!ready(channel, ended)) {
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

    /**
     * Waits until {@code channel} is writable and {@code room} says the stream may queue more, or
     * the channel is inactive, or {@code ended} says the call is over, for at most
     * {@code timeoutNanos}, and only when one of {@code waiters}' permits is free.
     */
    Outcome await(Channel channel, BooleanSupplier room, BooleanSupplier ended, long timeoutNanos,
            Semaphore waiters) {
        if (channel.eventLoop().inEventLoop() || ready(channel, room, ended)) {
            return Outcome.READY;
        }
        if (!waiters.tryAcquire()) {
            return Outcome.REFUSED;
        }
        boolean interrupted = false;
        try {
            long deadline = System.nanoTime() + timeoutNanos;
            synchronized (monitor) {
                while (!ready(channel, room, ended)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return Outcome.STALLED;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(monitor, left);
                    } catch (InterruptedException e) {
                        interrupted = true;
                        break;
                    }
                }
            }
        } finally {
            waiters.release();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return Outcome.READY;
    }

    private static boolean ready(Channel channel, BooleanSupplier ended) {
        return channel.isWritable() || !channel.isActive() || ended.getAsBoolean();
    }

    private static boolean ready(Channel channel, BooleanSupplier room, BooleanSupplier ended) {
        return channel.isWritable() && room.getAsBoolean() || !channel.isActive() || ended.getAsBoolean();
    }

    /** Wakes the waiting writer to look again. */
    void signal() {
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }
}
