package io.tern.testing;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * What this JVM holds at one moment: threads, open file descriptors, heap in use after a
 * collection, resident memory, and direct memory (Netty's pooled arenas and its own count).
 * Hostile-input tests take figures before and after an attack, print both, and assert the
 * difference is small.
 */
public record ResourceFigures(int threads, long fds, long heapAfterGc, long rss, long directMemory) {

    /** The figures now, after a collection. */
    public static ResourceFigures now() {
        System.gc();
        long fds = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean
                unix ? unix.getOpenFileDescriptorCount() : -1;
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long direct = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory() + Math.max(0,
                PlatformDependent.usedDirectMemory());
        return new ResourceFigures(Thread.activeCount(), fds, heap, residentBytes(), direct);
    }

    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Prints these figures and {@code after}'s for {@code what}, and asserts {@code after} holds
     * at most a few more threads and descriptors, 64 MiB more heap and 16 MiB more direct memory.
     * Resident memory is printed only: a JVM does not give pages back promptly.
     */
    public void assertLittleGrowth(String what, ResourceFigures after) {
        System.out.printf("hostile: %-48s threads %d -> %d, fds %d -> %d, heap %d -> %d MiB, rss %d -> %d MiB,"
                + " direct %d -> %d MiB%n", what, threads, after.threads, fds, after.fds, heapAfterGc >> 20,
                after.heapAfterGc >> 20, rss >> 20, after.rss >> 20, directMemory >> 20, after.directMemory >> 20);
        String over = growth(after);
        if (over != null) {
            throw new AssertionError(what + ": " + over);
        }
    }

    /**
     * As {@link #assertLittleGrowth} with the figures now, taken again for up to ten seconds while
     * they are over: a server closes the connections an attack left on its own threads, a moment
     * after the attacker has gone.
     */
    public void assertLittleGrowthSettled(String what) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        ResourceFigures after = now();
        while (growth(after) != null && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            after = now();
        }
        assertLittleGrowth(what, after);
    }

    /** What {@code after} holds past the bounds, or null when it holds no more than they allow. */
    private @Nullable String growth(ResourceFigures after) {
        if (after.threads > threads + 4L) {
            return "threads: " + after.threads + " (expected: at most " + (threads + 4L) + ")";
        }
        if (fds >= 0 && after.fds > fds + 8) {
            return "file descriptors: " + after.fds + " (expected: at most " + (fds + 8) + ")";
        }
        if (after.heapAfterGc > heapAfterGc + (64L << 20)) {
            return "heap after a collection: " + after.heapAfterGc + " (expected: at most "
                    + (heapAfterGc + (64L << 20)) + ")";
        }
        if (after.directMemory > directMemory + (16L << 20)) {
            return "direct memory: " + after.directMemory + " (expected: at most " + (directMemory + (16L << 20)) + ")";
        }
        return null;
    }
}
