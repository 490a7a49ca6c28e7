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
import java.util.List;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last provider lists a consumer saw, kept in a file so that a consumer restarted while its
 * registry is unreachable still finds providers. One entry per interface: its provider URLs in
 * their node encoding, space-separated.
 *
 * <p>Each save rewrites the file through a temporary file and an atomic move, so a reader never
 * sees half a file. Entries for interfaces this process does not watch are kept, so consumers on
 * one machine can share a file; when two save at once the last one wins.
 */
final class RegistryCache {

    private static final Logger log = LoggerFactory.getLogger(RegistryCache.class);

    /** Where cache files go unless a registry URL names one with {@code file}. */
    static final String DIRECTORY_PROPERTY = "tern.registry.cache.dir";

    private final Path file;
    private final ReentrantLock lock = new ReentrantLock();

    RegistryCache(Path file) {
        this.file = requireNonNull(file, "file");
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
        return !read().isEmpty();
    }

    /** The providers last saved for an interface; empty when there are none. */
    List<ServiceUrl> providers(String interfaceName) {
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

    /** Replaces an interface's providers with {@code encodedUrls} (node names as ZooKeeper holds them). */
    void save(String interfaceName, List<String> encodedUrls) {
        lock.lock();
        try {
            Properties entries = read();
            String line = String.join(" ", encodedUrls);
            if (line.equals(entries.getProperty(interfaceName))) {
                return;
            }
            entries.setProperty(interfaceName, line);
            write(entries);
        } catch (IOException e) {
            log.warn("registry cache {}: cannot save the providers of {}: {}", file, interfaceName, e.toString());
        } finally {
            lock.unlock();
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
