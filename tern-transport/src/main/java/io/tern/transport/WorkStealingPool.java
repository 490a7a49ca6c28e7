package io.tern.transport;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's call pool: a work-stealing pool of up to {@code threads} workers that admits at
 * most {@code threads + queues} calls at once and refuses the next (the server answers it with
 * SERVER_BUSY). Against a thread pool handing each call to an idle worker through a synchronous
 * queue, its busy workers take the next call themselves instead of parking and being woken for it:
 * under load that saves about one context switch per call.
 */
final class WorkStealingPool extends AbstractExecutorService {

    private final ForkJoinPool pool;
    private final int limit;
    private final String name;
    private final AtomicInteger admitted = new AtomicInteger();

    WorkStealingPool(int threads, int queues, String name) {
        this.limit = threads + queues;
        this.name = name;
        AtomicInteger ids = new AtomicInteger();
        ForkJoinPool.ForkJoinWorkerThreadFactory factory = p -> {
            ForkJoinWorkerThread worker = new ForkJoinWorkerThread(p) {
            };
            worker.setName(name + "-" + ids.incrementAndGet());
            worker.setDaemon(true);
            return worker;
        };
        // Async mode: calls run first in, first out.
        this.pool = new ForkJoinPool(threads, factory, null, true);
    }

    @Override
    public void execute(Runnable call) {
        if (admitted.incrementAndGet() > limit) {
            admitted.decrementAndGet();
            throw new RejectedExecutionException(name + ": " + limit + " calls already admitted");
        }
        try {
            pool.execute(() -> {
                try {
                    call.run();
                } finally {
                    admitted.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            admitted.decrementAndGet();
            throw e;
        }
    }

    @Override
    public void shutdown() {
        pool.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        return pool.shutdownNow();
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
}
