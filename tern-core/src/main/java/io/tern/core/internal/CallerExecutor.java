package io.tern.core.internal;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor of a thread that waits for calls: while {@link #await} waits, the tasks given to
 * it run on the waiting thread itself, so a transport can hand it an answer to read instead of
 * reading it on its I/O thread and then waking the caller anyway. Tasks given to it while no
 * {@code await} runs on its thread run at once on the thread that gives them: nothing given to
 * it is ever left unrun.
 *
 * <p>One per thread ({@link #current}), made on its first call and reused by every later one.
 */
public final class CallerExecutor implements Executor {

    private static final Logger log = LoggerFactory.getLogger(CallerExecutor.class);
    private static final ThreadLocal<CallerExecutor> CURRENT = ThreadLocal.withInitial(CallerExecutor::new);

    private final Thread thread = Thread.currentThread();
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Wakes this thread when a future it waits for completes elsewhere (a timeout, a closed connection). */
    private final BiConsumer<Object, Throwable> wake = (value, failure) -> {
        if (Thread.currentThread() != thread) {
            LockSupport.unpark(thread);
        }
    };
    /** How many {@code await}s run on this thread (a task can make a call of its own and wait). */
    private volatile int waiting;

    private CallerExecutor() {
    }

    /** This thread's executor. */
    public static CallerExecutor current() {
        return CURRENT.get();
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (waiting > 0) {
            LockSupport.unpark(thread);
        } else {
            // Its thread stopped waiting before, or just after, the task came: whichever of the
            // two takes it from the queue runs it.
            runQueued();
        }
    }

    /**
     * Says this thread is about to wait: from now until {@link #leave}, tasks given to this
     * executor wait for this thread. Called before a call is sent, so that an answer quicker than
     * the caller still finds it waiting; calls nest.
     */
    public void enter() {
        checkThread();
        waiting++;
    }

    /**
     * The thread no longer waits, once every {@link #enter} has left: it runs what is queued, and
     * later tasks run where they are given.
     */
    public void leave() {
        waiting--;
        if (waiting == 0) {
            runQueued();
        }
    }

    /**
     * Waits for {@code future}, running the tasks given to this executor meanwhile; must be called
     * on this executor's thread.
     *
     * @throws InterruptedException when the thread is interrupted while waiting (the tasks given
     *     later run on the threads that give them)
     */
    public <T> T await(CompletableFuture<T> future) throws InterruptedException, ExecutionException {
        if (!future.isDone()) {
            enter();
            try {
                future.whenComplete(wake);
                while (!future.isDone()) {
                    Runnable task = tasks.poll();
                    if (task != null) {
                        run(task);
                    } else {
                        LockSupport.park(this);
                        if (Thread.interrupted()) {
                            throw new InterruptedException("interrupted while waiting for a call");
                        }
                    }
                }
            } finally {
                leave();
            }
        }
        return future.get(); // done: does not block
    }

    private void checkThread() {
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("a caller's executor used on " + Thread.currentThread().getName()
                    + " (expected: this executor's thread, " + thread.getName() + ")");
        }
    }

    private void runQueued() {
        for (Runnable task; (task = tasks.poll()) != null; ) {
            run(task);
        }
    }

    private static void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.warn("a task completing a call failed", e);
        }
    }
}
