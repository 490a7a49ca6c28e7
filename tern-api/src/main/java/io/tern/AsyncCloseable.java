package io.tern;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A resource whose release can be awaited. Closing is idempotent and thread-safe: every call
 * returns the same future, which completes once the resource has released everything it held.
 */
public interface AsyncCloseable extends AutoCloseable {

    /** Starts closing, if not already started, and returns the future of its completion. */
    CompletableFuture<Void> closeAsync();

    /** Closes and waits for {@link #closeAsync()} to complete. */
    @Override
    default void close() {
        boolean interrupted = false;
        CompletableFuture<Void> future = closeAsync();
        while (true) {
            try {
                future.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException("close failed", cause);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
