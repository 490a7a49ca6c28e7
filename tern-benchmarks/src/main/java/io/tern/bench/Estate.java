package io.tern.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the benchmarks of what an estate holds read of their own JVM (its heap after full
 * collections, its direct memory: {@link IdleConnections}, {@link DirectoryGrowth},
 * {@link ServiceGrowth}, {@link DiscoveryScale}, {@link RetainedHeap}), and the helper process the
 * first three drive: a JVM of this benchmark's class path that answers one line for each line it
 * is sent.
 */
final class Estate {

    private Estate() {
    }

    /** Heap in use after full collections. */
    static long usedHeap() {
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /**
     * Direct memory in use: the JDK's direct buffers plus what Netty allocates outside them
     * (its no-cleaner buffers, which the JDK does not count).
     */
    static long directMemory() {
        long total = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                total += pool.getMemoryUsed();
            }
        }
        long netty = io.netty.util.internal.PlatformDependent.usedDirectMemory();
        return total + Math.max(0, netty);
    }

    /** The median of {@code values}. */
    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * A helper JVM running {@code mainClass} of this class path: each line sent gets one line
     * back; closing its standard input ends it.
     */
    static final class Helper implements AutoCloseable {
        private final Process process;
        private final PrintStream in;
        private final BufferedReader out;

        Helper(String mainClass, List<String> jvmOptions, List<String> args) throws IOException {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(mainClass);
            command.addAll(args);
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        /** The helper's next line (its first one is what it says once it is ready). */
        String read() throws IOException {
            String line = out.readLine();
            if (line == null) {
                throw new IOException("helper ended (" + process.info().commandLine().orElse("?") + ")");
            }
            return line;
        }

        /** Sends {@code command} and returns the helper's answer. */
        String ask(String command) throws IOException {
            in.println(command);
            return read();
        }

        /** Sends {@code command} without waiting for the answer; {@link #read()} it later. */
        void send(String command) {
            in.println(command);
        }

        @Override
        public void close() {
            in.close();
            try {
                if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
