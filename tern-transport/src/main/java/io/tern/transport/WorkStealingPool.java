package io.tern.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A server's call pool, shared by every protocol the server runs: a work-stealing pool of at most {@code threads} workers that admits at
 * most {@code threads + queues} calls at once and refuses the next (the server answers it with
 * SERVER_BUSY). Against a thread pool handing each call to an idle worker through a synchronous
 * queue, its busy workers take the next call themselves instead of parking and being woken for it:
 * under load that saves about one context switch per call.
 *
 * <p>A {@link ForkJoinPool} adds compensation workers for tasks that block in managed waits
 * ({@code CompletableFuture.get()}, {@code join()}); this one never does: its maximum size is
 * {@code threads}, and a call that blocks holds its worker as it would in any thread pool.
 *
 * <p>{@link #drainQueued} takes back the calls admitted but not started, so that a closing server
 * can answer each one instead of dropping it.
 */
public final class WorkStealingPool extends AbstractExecutorService {

    private final Pool pool;
    private final int threads;
    private final int limit;
    private final String name;
    private final AtomicInteger admitted = new AtomicInteger();

    public WorkStealingPool(int threads, int queues, String name) {
        this.threads = threads;
        this.limit = threads + queues;
        this.name = name;
        this.pool = new Pool(threads, name);
    }

    @Override
    public void execute(Runnable call) {
        if (admitted.incrementAndGet() > limit) {
            admitted.decrementAndGet();
            throw new RejectedExecutionException(name + ": " + limit + " calls already admitted");
        }
        try {
            pool.execute(new Admitted(call));
        } catch (RejectedExecutionException e) {
            admitted.decrementAndGet();
            throw e;
        }
    }

    /** The most workers it runs at once. */
    public int threads() {
        return threads;
    }

    /** Workers running a call now (an estimate, as the pool's own count is). */
    public int active() {
        return pool.getActiveThreadCount();
    }

    /** Calls admitted and waiting for a worker. */
    public int queued() {
        return (int) Math.min(Integer.MAX_VALUE, pool.getQueuedSubmissionCount() + pool.getQueuedTaskCount());
    }

    /**
     * Removes the calls admitted and not yet started that {@code whose} picks (a closing server
     * picks its own), and returns them; they will not run. The others stay queued.
     */
    public List<Runnable> drainQueued(Predicate<Runnable> whose) {
        List<ForkJoinTask<?>> tasks = new ArrayList<>();
        pool.drainTo(tasks);
        List<Runnable> calls = new ArrayList<>(tasks.size());
        for (ForkJoinTask<?> task : tasks) {
            if (task instanceof Admitted a && whose.test(a.call)) {
                admitted.decrementAndGet();
                calls.add(a.call);
            } else {
                pool.execute(task); // another's call: queued again
            }
        }
        return calls;
    }

    /** Calls admitted and not finished: running or queued. */
    public int admitted() {
        return admitted.get();
    }

    /** Worker threads alive now. */
    public int poolSize() {
        return pool.getPoolSize();
    }

    @Override
    public void shutdown() {
        pool.shutdown();
    }

    /** Stops the pool, interrupting running calls; returns the calls that never started. */
    @Override
    public List<Runnable> shutdownNow() {
        pool.shutdown();
        List<Runnable> queued = drainQueued(call -> true);
        pool.shutdownNow();
        return queued;
    }

    @Override
    public boolean isShutdown() {
        return pool.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return pool.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return pool.awaitTermination(timeout, unit);
    }

    /** One admitted call; releases its admission when it has run. */
    private final class Admitted extends ForkJoinTask<Void> {
        private static final long serialVersionUID = 1L;

        final transient Runnable call;

        Admitted(Runnable call) {
            this.call = call;
        }

        @Override
        public Void getRawResult() {
            return null;
        }

        @Override
        protected void setRawResult(Void value) {
        }

        @Override
        protected boolean exec() {
            try {
                call.run();
            } finally {
                admitted.decrementAndGet();
            }
            return true;
        }
    }

    /** A fork-join pool bounded at its parallelism, whose queued tasks can be taken back. */
    private static final class Pool extends ForkJoinPool {

        Pool(int threads, String name) {
            // Async mode: calls run first in, first out. Maximum size = parallelism, and a saturated
            // pool lets a blocking worker wait instead of throwing: no compensation threads.
            super(threads, factory(name), null, true, 0, threads, 1, pool -> true, 60, TimeUnit.SECONDS);
        }

        int drainTo(List<ForkJoinTask<?>> tasks) {
            return drainTasksTo(tasks);
        }

        private static ForkJoinWorkerThreadFactory factory(String name) {
            AtomicInteger ids = new AtomicInteger();
            return p -> {
                ForkJoinWorkerThread worker = new ForkJoinWorkerThread(p) {
                };
                worker.setName(name + "-" + ids.incrementAndGet());
                worker.setDaemon(true);
                return worker;
            };
        }
    }
}
