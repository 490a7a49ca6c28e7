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
                // Without a queue, idle threads take new calls before a thread is added (up to the
                // bound); with one, every thread is started before calls wait in it.
                boolean queued = options.queues() > 0;
                BlockingQueue<Runnable> queue = queued ? new ArrayBlockingQueue<>(options.queues())
                        : new SynchronousQueue<>();
                ThreadPoolExecutor pool = new ThreadPoolExecutor(queued ? options.threads() : 0, options.threads(),
                        60, TimeUnit.SECONDS, queue, new DefaultThreadFactory("tern-server-" + name, true),
                        new ThreadPoolExecutor.AbortPolicy());
                pool.allowCoreThreadTimeOut(queued);
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
