package io.tern.cluster;

import io.tern.Invoker;
import io.tern.ServiceKey;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a directory closes an invoker it owns: new calls are refused at once, calls in flight get a
 * grace period, and after it the directory stops waiting. The invoker's own close future is left
 * alone: it still completes when the invoker has actually released what it holds.
 */
final class GracefulClose {

    private static final Logger log = LoggerFactory.getLogger(GracefulClose.class);

    private GracefulClose() {
    }

    /** Closes {@code invoker}; the result completes when it has closed or the grace period ends. */
    static CompletableFuture<Void> close(Invoker<?> invoker, Duration grace, ServiceKey owner) {
        CompletableFuture<Void> closing = invoker.closeAsync();
        if (closing.isDone()) {
            return closing;
        }
        return closing.copy().orTimeout(Math.max(1, grace.toMillis()), TimeUnit.MILLISECONDS).exceptionally(e -> {
            if (e instanceof TimeoutException) {
                log.warn("provider {} of {} still had calls after {}; no longer waiting for them",
                        invoker.url().address(), owner, grace);
            }
            return null;
        });
    }
}
