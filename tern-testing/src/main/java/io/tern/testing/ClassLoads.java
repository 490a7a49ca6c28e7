package io.tern.testing;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;

/**
 * Which classes this JVM loads while it watches, as the JVM itself reports them (Flight
 * Recorder's {@code jdk.ClassLoad} events, whatever loader and whatever way: {@code Class.forName}
 * without initialising included). Hostile-input tests use it to show a class a peer named was
 * refused before anything loaded it.
 *
 * <p>Events arrive in batches about once a second; {@link #loaded()} waits for a class it loads
 * itself, so that everything loaded before the call has been seen. A class loaded before the
 * watch began is never reported again, so name classes nothing else loads.
 */
public final class ClassLoads implements AutoCloseable {

    private static final String SENTINEL = Sentinel.class.getName();
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final RecordingStream stream = new RecordingStream();
    private final Set<String> names = ConcurrentHashMap.newKeySet();
    private final AtomicInteger sentinels = new AtomicInteger();
    private int sentinelsLoaded;

    private ClassLoads() {
        stream.enable("jdk.ClassLoad").withoutStackTrace();
        stream.onEvent("jdk.ClassLoad", this::seen);
        stream.startAsync();
    }

    /** Starts watching, and returns once the watch sees loads. */
    public static ClassLoads watch() {
        ClassLoads loads = new ClassLoads();
        loads.loaded();
        return loads;
    }

    private void seen(RecordedEvent event) {
        RecordedClass loaded = event.getClass("loadedClass");
        if (loaded == null) {
            return;
        }
        if (loaded.getName().equals(SENTINEL)) {
            sentinels.incrementAndGet();
        } else {
            names.add(loaded.getName());
        }
    }

    /** The names of the classes loaded since the watch began, up to this call. */
    public Set<String> loaded() {
        int expected = ++sentinelsLoaded;
        loadSentinel();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (sentinels.get() < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no class load reported within " + WAIT
                        + " (expected: Flight Recorder's jdk.ClassLoad events)");
            }
            try {
                Thread.sleep(20); // Flight Recorder flushes its events about once a second
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for class loads", e);
            }
        }
        return Set.copyOf(names);
    }

    /** Loads the sentinel again, in a loader of its own, so that the JVM reports a new load. */
    private static void loadSentinel() {
        URL location = Sentinel.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {location}, null)) {
            Class.forName(SENTINEL, false, loader);
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("sentinel class: " + SENTINEL + " not loadable from " + location, e);
        }
    }

    @Override
    public void close() {
        stream.close();
    }

    /** Loaded only to mark a point in the stream of events. */
    static final class Sentinel {
        private Sentinel() {
        }
    }
}
