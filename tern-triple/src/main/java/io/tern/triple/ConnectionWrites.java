package io.tern.triple;

import io.netty.channel.Channel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to an HTTP/2 connection's streams from any thread with one flush per batch: the writes
 * submitted while a batch waits for the event loop run with it, in the order they were submitted,
 * and the connection is flushed once after them, so calls answered together, and the messages of
 * streams written together, share a system call.
 *
 * <p>Also counts the bytes of answers written to the connection and not yet sent (a reader whose
 * window stays shut leaves them queued): at most {@link #MAX_OWED} are owed at once, and an
 * answer past that is refused rather than queued.
 */
final class ConnectionWrites {

    private static final Logger log = LoggerFactory.getLogger(ConnectionWrites.class);

    private static final Runnable NOTHING = () -> { };

    private final Channel connection;
    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** The writes one drain runs at most before the event loop turns to its other work. */
    private static final int BATCH = 256;
    private final Runnable drain = this::drain;
    /** Bytes of answers owed to a reader that has not read them yet, at most: two of the largest messages. */
    static final long MAX_OWED = 2L * TripleProtocol.MAX_MESSAGE_SIZE;
    private final AtomicLong owed = new AtomicLong();

    ConnectionWrites(Channel connection) {
        this.connection = connection;
    }

    /**
     * Runs {@code writes} on the connection's event loop, then flushes. The writes must not flush;
     * they must release what they do not write. When the event loop is gone they run here, where
     * the channel refuses them and releases their messages.
     */
    void submit(Runnable writes) {
        queue.add(writes);
        schedule();
    }

    /**
     * Counts an answer of {@code bytes} as owed until {@link #paid}; false, counting nothing, when
     * that would pass {@link #MAX_OWED} (one answer alone always may be owed).
     */
    boolean owe(long bytes) {
        while (true) {
            long now = owed.get();
            if (now > 0 && now + bytes > MAX_OWED) {
                return false;
            }
            if (owed.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /** An owed answer was sent, or will never be. */
    void paid(long bytes) {
        owed.addAndGet(-bytes);
    }

    /** Bytes of answers owed now; for tests. */
    long owed() {
        return owed.get();
    }

    /** Flushes the connection once the writes queued on its event loop so far have run. */
    void flushSoon() {
        submit(NOTHING); // queued, so a batch draining now still sees that a flush is wanted
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                connection.eventLoop().execute(drain);
            } catch (RejectedExecutionException e) {
                drain();
            }
        }
    }

    /**
     * Runs the writes queued, at most {@link #BATCH} of them, and flushes; more left are drained by
     * a task of their own, so that streams writing without pause do not keep the event loop from
     * reading (a peer's window updates and resets among others).
     */
    private void drain() {
        for (int left = BATCH; left > 0; left--) {
            Runnable writes = queue.poll();
            if (writes == null) {
                break;
            }
            try {
                writes.run();
            } catch (RuntimeException e) {
                // one stream's failure is its own: the writes after it still run
                log.warn("tri: a write to {} failed", connection.remoteAddress(), e);
            }
        }
        connection.flush();
        scheduled.set(false);
        if (!queue.isEmpty()) {
            schedule();
        }
    }
}
