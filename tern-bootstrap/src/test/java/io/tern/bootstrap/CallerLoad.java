package io.tern.bootstrap;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Steady load on a {@link Named} reference from several caller threads: counts every answer by
 * the provider that gave it, and keeps every failure. Every call started is either answered or
 * failed by the time {@link #stop()} returns.
 */
final class CallerLoad {

    private final Named named;
    private final List<Thread> threads = new ArrayList<>();
    private final Map<String, LongAdder> answers = new ConcurrentHashMap<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final LongAdder started = new LongAdder();
    private volatile boolean running = true;

    CallerLoad(Named named, int callers) {
        this.named = named;
        for (int i = 0; i < callers; i++) {
            Thread thread = new Thread(this::loop, "caller-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    private void loop() {
        while (running) {
            started.increment();
            try {
                answers.computeIfAbsent(named.who(Thread.currentThread().getName()), k -> new LongAdder()).increment();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
    }

    long answeredBy(String provider) {
        LongAdder count = answers.get(provider);
        return count == null ? 0 : count.sum();
    }

    long answered() {
        return answers.values().stream().mapToLong(LongAdder::sum).sum();
    }

    List<Throwable> failures() {
        return failures;
    }

    /** Stops the callers and waits for their last calls; again, a no-op. */
    void stop() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
            if (thread.isAlive()) {
                throw new AssertionError(thread.getName() + " is still in a call after 30 s\n" + threadDump());
            }
        }
        if (started.sum() != answered() + failures.size()) {
            throw new AssertionError("calls started: " + started.sum() + ", answered: " + answered() + ", failed: "
                    + failures.size());
        }
    }

    /** Waits for a future, failing with every thread's stack when it takes longer than {@code limit}. */
    static <T> T within(CompletableFuture<T> future, Duration limit, String what) throws Exception {
        try {
            return future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + " did not finish within " + limit + "\n" + threadDump(), e);
        } catch (ExecutionException e) {
            throw new AssertionError(what + " failed", e.getCause());
        }
    }

    static String threadDump() {
        StringBuilder dump = new StringBuilder();
        for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            dump.append('"').append(info.getThreadName()).append("\" ").append(info.getThreadState()).append('\n');
            for (StackTraceElement frame : info.getStackTrace()) {
                dump.append("    at ").append(frame).append('\n');
            }
        }
        return dump.toString();
    }
}
