package io.tern.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link DubboProviderProcess} started from the test's own class path, its other interfaces
 * hidden from Dubbo as in this JVM ({@link DubboPeer}), its output in a log file under
 * {@code target/}. Closing stops it gracefully, and kills it when that does not end in time.
 */
final class DubboProcess implements AutoCloseable {

    private static final Duration START_WAIT = Duration.ofSeconds(90);
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private final String identity;
    private final Process process;
    private final Path log;
    private final BlockingQueue<String> said = new LinkedBlockingQueue<>();

    private DubboProcess(String identity, Process process, Path log) {
        this.identity = identity;
        this.process = process;
        this.log = log;
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    said.add(line);
                }
            } catch (IOException e) {
                said.add("(output unreadable: " + e + ")");
            }
        }, "dubbo-process-" + identity);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a provider of {@link InteropService} 1.0.0 answering {@code identity} as one instance
     * of {@code application}, registered in {@code registry} with {@code registerMode}, on
     * {@code port} of 127.0.0.1; returns once it is exported and registered.
     */
    static DubboProcess provider(String application, String registry, String registerMode, int port,
            String identity) {
        return provider(application, registry, registerMode, port, identity, false);
    }

    /** As above; with {@code configCenter}, the registry is the provider's config center too, as Dubbo's default is. */
    static DubboProcess provider(String application, String registry, String registerMode, int port,
            String identity, boolean configCenter) {
        Path log = Path.of("target", "dubbo-processes", identity + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Ddubbo.network.interface.ignored=" + DubboPeer.nonLoopbackInterfaces(),
                "-Ddubbo.service.shutdown.wait=2000", "-Ddubbo.application.logger=slf4j",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                // Dubbo keeps its caches of metadata and mappings under the user's home: one per process here
                "-Duser.home=" + log.resolveSibling(identity).toAbsolutePath(),
                // with every interface but loopback ignored, Dubbo warns with a stack trace each time it
                // looks for the host's address, which is at every call
                "-Dorg.slf4j.simpleLogger.log.org.apache.dubbo.common.utils.NetUtils=error",
                "-Dinterop.config-center=" + configCenter,
                "-cp", System.getProperty("java.class.path"), DubboProviderProcess.class.getName(),
                application, registry, registerMode, String.valueOf(port), identity));
        try {
            Files.createDirectories(log.getParent());
            deleteTree(log.resolveSibling(identity)); // each start a fresh instance: no cache of an earlier one
            Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
            DubboProcess started = new DubboProcess(identity, process, log);
            started.await("ready", START_WAIT);
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private void await(String word, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                String line = said.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (word.equals(line)) {
                    return;
                }
                if (line == null && !process.isAlive()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new AssertionError("Dubbo provider " + identity + " did not say " + word + " within " + wait.toSeconds()
                + " s (alive: " + process.isAlive() + "); its log, " + log.toAbsolutePath() + ":\n" + tail());
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Stops the provider as an operator would: it unregisters, drains and exits. */
    void stop() {
        if (!process.isAlive()) {
            return;
        }
        try {
            OutputStream in = process.getOutputStream();
            in.write("stop\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("telling Dubbo provider " + identity + " to stop", e);
        }
        await("stopped", STOP_WAIT);
        try {
            if (!process.waitFor(STOP_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("Dubbo provider " + identity + " said it stopped but did not exit");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            if (process.isAlive()) {
                try {
                    process.destroyForcibly().waitFor(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
