package io.tern.testing;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A service whose methods answer with the name of the thread they ran on, for the tests of where
 * a protocol runs a call: on the I/O thread it landed on, or on a service thread.
 */
public interface WhereItRuns {

    /** The thread the call ran on. */
    CompletableFuture<String> async();

    /** The thread the call ran on. */
    String sync();

    /** Sleeps {@code millis} (with 0: waits for the gate), then answers with the thread it ran on. */
    CompletableFuture<String> blocking(long millis);

    /** The implementation; {@link #gate} lets {@code blocking(0)} calls go on. */
    final class Impl implements WhereItRuns {
        public final CountDownLatch gate = new CountDownLatch(1);

        @Override
        public CompletableFuture<String> async() {
            return CompletableFuture.completedFuture(Thread.currentThread().getName());
        }

        @Override
        public String sync() {
            return Thread.currentThread().getName();
        }

        @Override
        public CompletableFuture<String> blocking(long millis) {
            try {
                Thread.sleep(millis);
                if (millis == 0) {
                    gate.await(30, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return CompletableFuture.completedFuture(Thread.currentThread().getName());
        }
    }
}
