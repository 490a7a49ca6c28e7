package io.tern.cluster;

import io.tern.Invocation;
import io.tern.RpcException;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failed calls waiting for a background retry: at most {@code failbackTasks} of them (a new
 * failure pushes the oldest out), each retried at most {@code failbackRetries} times, every
 * {@code failbackInterval} ({@code failbackRetries=0} queues nothing). Memory stays bounded through any outage. Owned by its cluster
 * invoker; its thread starts with the first failure and stops when the invoker closes.
 */
final class FailbackQueue<T> {

    private static final Logger log = LoggerFactory.getLogger(FailbackQueue.class);

    private static final class Task {
        final Invocation invocation;
        int attempts;

        Task(Invocation invocation) {
            this.invocation = invocation;
        }
    }

    private final ClusterInvoker<T> cluster;
    private final ClusterConfig config;
    private final ArrayDeque<Task> tasks = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final java.util.concurrent.atomic.AtomicLong abandoned = new java.util.concurrent.atomic.AtomicLong();
    private @Nullable ScheduledExecutorService executor;
    private boolean closed;

    FailbackQueue(ClusterInvoker<T> cluster, ClusterConfig config) {
        this.cluster = cluster;
        this.config = config;
    }

    void add(Invocation invocation, RpcException failure) {
        if (config.failbackRetries() == 0) {
            log.debug("failback: {} failed and is not retried (failbackretries=0): {}", invocation.methodName(),
                    failure.getMessage());
            abandoned.incrementAndGet();
            return;
        }
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (tasks.size() >= config.failbackTasks()) {
                tasks.pollFirst();
                abandoned.incrementAndGet();
            }
            tasks.addLast(new Task(invocation));
            if (executor == null) {
                ScheduledExecutorService made = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "tern-failback");
                    t.setDaemon(true);
                    return t;
                });
                long interval = config.failbackInterval().toMillis();
                made.scheduleWithFixedDelay(this::retryAll, interval, interval, TimeUnit.MILLISECONDS);
                executor = made;
            }
        } finally {
            lock.unlock();
        }
        log.debug("failback: queued {} after {}", invocation.methodName(), failure.getMessage());
    }

    private void retryAll() {
        List<Task> batch;
        lock.lock();
        try {
            batch = List.copyOf(tasks);
            tasks.clear();
        } finally {
            lock.unlock();
        }
        for (Task task : batch) {
            Provider<T> target = cluster.select(cluster.route(task.invocation), task.invocation, new HashSet<>());
            boolean ok = false;
            if (target != null) {
                try {
                    ok = cluster.attempt(target, task.invocation).handle((r, e) -> e == null).get(
                            config.failbackInterval().toMillis(), TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    ok = false;
                }
            }
            if (!ok && ++task.attempts < config.failbackRetries()) {
                requeue(task);
            } else if (!ok) {
                abandoned.incrementAndGet();
                log.warn("failback: gave up on {} after {} retries", task.invocation.methodName(), task.attempts);
            }
        }
    }

    private void requeue(Task task) {
        lock.lock();
        try {
            if (!closed && tasks.size() < config.failbackTasks()) {
                tasks.addLast(task);
            } else {
                abandoned.incrementAndGet();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Failed calls given up on: out of retries, pushed out by newer failures, or never queued
     * ({@code failbackRetries=0}).
     */
    long abandoned() {
        return abandoned.get();
    }

    int size() {
        lock.lock();
        try {
            return tasks.size();
        } finally {
            lock.unlock();
        }
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            tasks.clear();
            if (executor != null) {
                executor.shutdownNow();
            }
        } finally {
            lock.unlock();
        }
    }
}
