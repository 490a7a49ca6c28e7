package io.tern.transport;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stopping a call pool the way every server stops one. */
public final class CallPools {

    private static final Logger log = LoggerFactory.getLogger(CallPools.class);

    private CallPools() {
    }

    /**
     * Stops {@code pool} and completes when its threads are gone: calls still running after
     * {@code wait} are interrupted, and waited for once more as long (then a WARN names
     * {@code owner}). Waits on a thread of its own.
     */
    public static CompletableFuture<Void> terminate(ExecutorService pool, Duration wait, String owner) {
        pool.shutdown();
        if (pool.isTerminated()) {
            return CompletableFuture.completedFuture(null);
        }
        long waitMillis = wait.toMillis();
        CompletableFuture<Void> terminated = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                if (!pool.awaitTermination(waitMillis, TimeUnit.MILLISECONDS)) {
                    pool.shutdownNow();
                    if (!pool.awaitTermination(waitMillis, TimeUnit.MILLISECONDS)) {
                        log.warn("closing {}: call threads still running {} ms after they were interrupted", owner,
                                waitMillis);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                terminated.complete(null);
            }
        }, "tern-close-" + owner);
        waiter.setDaemon(true);
        waiter.start();
        return terminated;
    }
}
