package io.tern.dubbo;

import io.tern.transport.WorkStealingPool;
import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import org.jspecify.annotations.Nullable;

/** Makes the executor a server dispatches calls to. */
final class Dispatchers {

    private Dispatchers() {
    }

    /** The executor for a dispatch option, or {@code null} for {@link Dispatch#DIRECT}. */
    static @Nullable ExecutorService executor(ServerOptions options, String name) {
        return switch (options.dispatch()) {
            case DIRECT -> null;
            case POOL -> new WorkStealingPool(options.threads(), options.queues(), "tern-server-" + name);
            case VIRTUAL -> virtualThreads();
        };
    }

    private static ExecutorService virtualThreads() {
        try {
            Method factory = java.util.concurrent.Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
            return (ExecutorService) factory.invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("dispatch: virtual (expected: Java 21 or later; this is Java "
                    + Runtime.version().feature() + ")", e);
        }
    }
}
