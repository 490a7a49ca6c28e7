package io.tern.transport;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.reflect.Method;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** Makes the executor a server dispatches calls to. */
final class Dispatchers {

    private Dispatchers() {
    }

    /** The executor for a dispatch option, or {@code null} for {@link Dispatch#DIRECT}. */
    static @Nullable ExecutorService executor(ServerOptions options, String name) {
        return switch (options.dispatch()) {
            case DIRECT -> null;
            case POOL -> {
                BlockingQueue<Runnable> queue = options.queues() == 0 ? new SynchronousQueue<>()
                        : new ArrayBlockingQueue<>(options.queues());
                ThreadPoolExecutor pool = new ThreadPoolExecutor(options.threads(), options.threads(), 60,
                        TimeUnit.SECONDS, queue, new DefaultThreadFactory("tern-server-" + name, true),
                        new ThreadPoolExecutor.AbortPolicy());
                pool.allowCoreThreadTimeOut(true);
                yield pool;
            }
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
