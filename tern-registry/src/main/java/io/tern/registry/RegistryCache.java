package io.tern.registry;

import static java.util.Objects.requireNonNull;

import io.tern.ServiceUrl;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last provider lists a consumer saw, kept in a file so that a consumer restarted while its
 * registry is unreachable still finds providers. One entry per interface: its provider URLs in
 * their node encoding, space-separated.
 *
 * <p>Saves are written by a thread of the cache's own (it ends when idle), not by the registry's
 * event thread: a save costs its caller a map entry, and the file is written at most twice a
 * second, the saves made in between together, each interface's last list winning, so a registry
 * that changes many times a second does not rewrite the file once per change. Each write
 * rewrites the file through a temporary file and an atomic move, so a reader never sees half a
 * file. Entries for interfaces this process does not watch are kept, so consumers on one machine
 * can share a file; when two save at once the last one wins. Reading first writes what is
 * pending; {@link #close()} does too.
 */
final class RegistryCache {

    private static final Logger log = LoggerFactory.getLogger(RegistryCache.class);

    /** Where cache files go unless a registry URL names one with {@code file}. */
    static final String DIRECTORY_PROPERTY = "tern.registry.cache.dir";

    /** The least time between two writes of the file: the saves made meanwhile are written together. */
    static final long WRITE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final Path file;
    /** Guards {@link #pending}, {@link #writing} and {@link #closed}. */
    private final ReentrantLock lock = new ReentrantLock();
    /** One write of the file at a time. */
    private final ReentrantLock fileLock = new ReentrantLock();
    /** The lists saved and not written yet, by interface. */
    private final Map<String, List<String>> pending = new LinkedHashMap<>();
    /** Whether a write of {@link #pending} is queued. */
    private boolean writing;
    private boolean closed;
    private final ThreadPoolExecutor writer;
    /** When this cache wrote last ({@link System#nanoTime()}); written under {@link #fileLock}. */
    private volatile long lastWrite = System.nanoTime() - WRITE_INTERVAL_NANOS;
    /** How many times the file was written; guarded by {@link #fileLock}. */
    private long writes;

    RegistryCache(Path file) {
        this.file = requireNonNull(file, "file");
        this.writer = new ThreadPoolExecutor(0, 1, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread thread = new Thread(task, "tern-registry-cache");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * The cache file for a registry URL: its {@code file} parameter, else
     * {@code registry-HOST-PORT.cache} in {@code -Dtern.registry.cache.dir} (default
     * {@code ~/.tern/cache}); none when {@code file-cache=false}.
     */
    static @Nullable RegistryCache forUrl(ServiceUrl registryUrl) {
        if (!registryUrl.booleanParameter("file-cache", true)) {
            return null;
        }
        String named = registryUrl.parameter("file", "");
        if (!named.isEmpty()) {
            return new RegistryCache(Path.of(named));
        }
        String directory = System.getProperty(DIRECTORY_PROPERTY,
                Path.of(System.getProperty("user.home"), ".tern", "cache").toString());
        String name = "registry-" + registryUrl.host().replace(':', '_') + "-" + registryUrl.port() + ".cache";
        return new RegistryCache(Path.of(directory, name));
    }

    Path file() {
        return file;
    }

    /** Whether the file holds any provider at all. */
    boolean hasEntries() {
        flush();
        return !read().isEmpty();
    }

    /** The providers last saved for an interface; empty when there are none. */
    List<ServiceUrl> providers(String interfaceName) {
        flush();
        String line = read().getProperty(interfaceName, "").trim();
        List<ServiceUrl> urls = new ArrayList<>();
        if (line.isEmpty()) {
            return urls;
        }
        for (String encoded : line.split(" +")) {
            try {
                urls.add(ServiceUrl.parseEncoded(encoded));
            } catch (IllegalArgumentException e) {
                log.warn("registry cache {}: skipping an entry of {} that is not a URL: {}", file, interfaceName,
                        e.getMessage());
            }
        }
        return urls;
    }

    /**
     * Replaces an interface's providers with {@code encodedUrls} (node names as ZooKeeper holds
     * them), in the file soon after; ignored once the cache is closed.
     */
    void save(String interfaceName, List<String> encodedUrls) {
        List<String> urls = List.copyOf(encodedUrls);
        lock.lock();
        try {
            if (closed) {
                return;
            }
            pending.put(interfaceName, urls);
            if (!writing) {
                writing = true;
                writer.execute(this::flushSoon);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes what is pending once {@link #WRITE_INTERVAL_NANOS} has passed since the last write,
     * taking in the saves that arrive meanwhile.
     */
    private void flushSoon() {
        long wait = lastWrite + WRITE_INTERVAL_NANOS - System.nanoTime();
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                return; // closing: close() writes what is pending
            }
        }
        flush();
    }

    /** Writes the saves pending now, in the calling thread. */
    void flush() {
        fileLock.lock();
        Map<String, List<String>> batch = Map.of();
        try {
            lock.lock();
            try {
                batch = new LinkedHashMap<>(pending);
                pending.clear();
                writing = false;
            } finally {
                lock.unlock();
            }
            if (batch.isEmpty()) {
                return;
            }
            Properties entries = read(); // as other processes may have written it
            boolean changed = false;
            for (Map.Entry<String, List<String>> entry : batch.entrySet()) {
                String line = String.join(" ", entry.getValue());
                if (!line.equals(entries.getProperty(entry.getKey()))) {
                    entries.setProperty(entry.getKey(), line);
                    changed = true;
                }
            }
            if (changed) {
                write(entries);
                lastWrite = System.nanoTime();
                writes++;
            }
        } catch (IOException e) {
            // kept for the next write (a later save of the same interface wins), so that a write
            // interrupted by close() is made by close() itself
            lock.lock();
            try {
                batch.forEach(pending::putIfAbsent);
            } finally {
                lock.unlock();
            }
            log.warn("registry cache {}: cannot save the providers it was given: {}", file, e.toString());
        } finally {
            fileLock.unlock();
        }
    }

    /** Writes what is pending and stops the writer: later saves are ignored. */
    void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        writer.shutdownNow();
        try {
            writer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }

    /** Whether the writer's thread has ended after {@link #close()}; for tests. */
    boolean writerEnded() {
        return writer.isTerminated();
    }

    /** How many times this cache has written the file; for tests. */
    long writes() {
        fileLock.lock();
        try {
            return writes;
        } finally {
            fileLock.unlock();
        }
    }

    private Properties read() {
        Properties entries = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            entries.load(reader);
        } catch (NoSuchFileException e) {
            // Nothing saved yet.
        } catch (IOException | IllegalArgumentException e) {
            log.warn("registry cache {}: cannot read it, ignoring it: {}", file, e.toString());
        }
        return entries;
    }

    private void write(Properties entries) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, file.getFileName().toString(), ".tmp");
        try {
            try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                entries.store(writer, "Tern registry cache: the last providers seen per interface");
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
