package io.tern.bench;

import java.lang.management.ManagementFactory;

/** Bytes allocated so far by the live threads of this JVM (HotSpot's per-thread counters). */
final class Allocation {

    private Allocation() {
    }

    /** By every live thread. */
    static long allThreads() {
        return allThreadsBut(-1);
    }

    /** By every live thread but the calling one. */
    static long othersThanThisThread() {
        return allThreadsBut(Thread.currentThread().getId());
    }

    private static long allThreadsBut(long skipped) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = threads.getAllThreadIds();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        long total = 0;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] != skipped) {
                total += Math.max(0, bytes[i]);
            }
        }
        return total;
    }
}
