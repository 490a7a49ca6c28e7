package io.tern.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What a process has cost the machine so far, read from Linux's {@code /proc}: the CPU time of all
 * its threads (user and kernel, those that have ended included) and the context switches of its
 * live threads. Read at the start and the end of a measured window, the difference divided by the
 * calls made in it is a side's cost per call, steadier on a shared machine than calls per second.
 */
record ProcessCost(long cpuNanos, long contextSwitches) {

    /** Clock ticks per second in {@code /proc/<pid>/stat}: {@code USER_HZ}, 100 on Linux's common builds. */
    private static final long TICKS_PER_SECOND = 100;

    /** The cost of process {@code pid} so far. */
    static ProcessCost of(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            String stat = Files.readString(proc.resolve("stat"));
            // the command name, in parentheses, may hold spaces: the fields that count follow its last ')'
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14, 15)
            long switches = 0;
            try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    switches += switches(task.resolve("status"));
                }
            }
            return new ProcessCost(ticks * (1_000_000_000L / TICKS_PER_SECOND), switches);
        } catch (IOException e) {
            throw new UncheckedIOException("/proc/" + pid + ": cannot read the process's cost (expected: Linux)", e);
        }
    }

    private static long switches(Path status) throws IOException {
        long switches = 0;
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                    switches += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        } catch (NoSuchFileException e) {
            // the thread ended while the list was read
        }
        return switches;
    }

    /** What was spent between {@code start} and this. */
    ProcessCost since(ProcessCost start) {
        return new ProcessCost(cpuNanos - start.cpuNanos, contextSwitches - start.contextSwitches);
    }
}
