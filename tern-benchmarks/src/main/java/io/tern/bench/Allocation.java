package io.tern.bench;

import java.lang.management.ManagementFactory;

/** Bytes allocated so far by every live thread of this JVM (HotSpot's per-thread counters). */
final class Allocation {

    private Allocation() {
    }

    static long allThreads() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long total = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            total += Math.max(0, bytes);
        }
        return total;
    }
}
