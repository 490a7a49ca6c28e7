package io.tern.cli;

import io.tern.RpcException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tern bench}: a closed-loop load generator for any dubbo-protocol or Triple provider. */
@Command(name = "bench",
        description = {"Calls a method generically from --threads caller threads, each waiting for its answer"
                + " before the next call, and reports requests, errors by status, ops/s and latency"
                + " percentiles (HdrHistogram). Works against Apache Dubbo providers too; a tri:// URL calls over"
                + " Triple (gRPC), generically, as Dubbo's generic consumers do.",
            "On a terminal a progress line shows ops/s and errors while it runs."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every measured call returned", "1:a call failed (the first probe call, or any measured one)",
            "2:usage error"})
final class BenchCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @CommandLine.Mixin
    CallCommand.CallOptions options = new CallCommand.CallOptions();

    @Option(names = "--threads", required = true, paramLabel = "N", description = "caller threads")
    int threads;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Length length;

    static final class Length {
        @Option(names = "--duration", paramLabel = "DURATION", converter = Durations.class,
                description = "how long to measure (10s, 1m)")
        Duration duration;

        @Option(names = "--requests", paramLabel = "N", description = "how many calls to measure, over all threads")
        long requests;
    }

    @Option(names = "--connections", defaultValue = "1", paramLabel = "N",
            description = "connections to the provider (default ${DEFAULT-VALUE})")
    int connections;

    @Option(names = "--warmup", defaultValue = "2s", paramLabel = "DURATION", converter = Durations.class,
            description = "calls made and not measured first (default ${DEFAULT-VALUE})")
    Duration warmup;

    @Option(names = "--json", description = "print the summary as one JSON object")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (threads < 1) {
            throw new UsageException("--threads " + threads + " (expected: at least 1)");
        }
        if (connections < 1) {
            throw new UsageException("--connections " + connections + " (expected: at least 1)");
        }
        if (length.duration == null && length.requests < 1) {
            throw new UsageException("--requests " + length.requests + " (expected: at least 1)");
        }
        Object[] args = Json.arguments(options.arguments);
        String @Nullable [] types = options.types(args.length);
        Json.checkNumbers(args, types);
        try (Target target = Target.open(options.spec(connections))) {
            try {
                target.invoke(options.method, types, args); // a failure here is the user's, not the load's
            } catch (RpcException e) {
                throw CallCommand.CallOptions.explain(e, types);
            }
            Run warm = new Run(target, types, args, System.nanoTime() + warmup.toNanos(), Long.MAX_VALUE);
            warm.execute(false);
            long deadline = length.duration != null ? System.nanoTime() + length.duration.toNanos() : Long.MAX_VALUE;
            Run measured = new Run(target, types, args, deadline, length.duration != null ? Long.MAX_VALUE : length.requests);
            measured.execute(System.console() != null);
            print(measured);
            return measured.errors() == 0 ? 0 : TernCli.FAILED;
        }
    }

    /** One timed run: the callers, their histograms and the errors they met. */
    private final class Run {
        private final Target target;
        private final String @Nullable [] types;
        private final Object[] args;
        private final long deadline;
        private final AtomicLong budget;
        private final List<Histogram> histograms = new ArrayList<>();
        private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        private final LongAdder completed = new LongAdder();
        private long elapsedNanos;

        Run(Target target, String @Nullable [] types, Object[] args, long deadline, long requests) {
            this.target = target;
            this.types = types;
            this.args = args;
            this.deadline = deadline;
            this.budget = new AtomicLong(requests);
        }

        void execute(boolean progress) throws InterruptedException {
            List<Thread> callers = new ArrayList<>(threads);
            long start = System.nanoTime();
            for (int i = 0; i < threads; i++) {
                Histogram histogram = new Histogram(3);
                histograms.add(histogram);
                Thread caller = new Thread(() -> loop(histogram), "tern-bench-" + i);
                caller.setDaemon(true);
                callers.add(caller);
                caller.start();
            }
            PrintWriter err = spec.commandLine().getErr();
            long lastCount = 0;
            long lastTime = start;
            for (Thread caller : callers) {
                while (caller.isAlive()) {
                    caller.join(1_000);
                    if (progress && caller.isAlive()) {
                        long now = System.nanoTime();
                        long count = completed.sum();
                        double rate = (count - lastCount) * 1e9 / Math.max(1, now - lastTime);
                        err.printf("\r  %,10.0f ops/s   %,d calls   %,d errors   %ds ", rate, count, errors(),
                                TimeUnit.NANOSECONDS.toSeconds(now - start));
                        err.flush();
                        lastCount = count;
                        lastTime = now;
                    }
                }
            }
            elapsedNanos = System.nanoTime() - start;
            if (progress) {
                err.print("\r" + " ".repeat(70) + "\r");
                err.flush();
            }
        }

        private void loop(Histogram histogram) {
            while (System.nanoTime() < deadline && budget.getAndDecrement() > 0) {
                long begin = System.nanoTime();
                try {
                    target.invoke(options.method, types, args);
                    histogram.recordValue(Math.max(1, System.nanoTime() - begin));
                } catch (RuntimeException e) {
                    errors.computeIfAbsent(Failures.kind(e), k -> new LongAdder()).increment();
                }
                completed.increment();
            }
        }

        long errors() {
            return errors.values().stream().mapToLong(LongAdder::sum).sum();
        }

        Histogram merged() {
            Histogram all = new Histogram(3);
            histograms.forEach(all::add);
            return all;
        }
    }

    private void print(Run run) {
        Histogram h = run.merged();
        long requests = run.completed.sum();
        double seconds = run.elapsedNanos / 1e9;
        double opsPerSec = requests / seconds;
        Map<String, Long> errorsByStatus = new TreeMap<>();
        run.errors.forEach((kind, count) -> errorsByStatus.put(kind, count.sum()));
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("min", micros(h.getTotalCount() == 0 ? 0 : h.getMinValue()));
        latency.put("mean", Math.round(h.getMean() / 100.0) / 10.0);
        latency.put("p50", micros(h.getValueAtPercentile(50)));
        latency.put("p90", micros(h.getValueAtPercentile(90)));
        latency.put("p99", micros(h.getValueAtPercentile(99)));
        latency.put("p999", micros(h.getValueAtPercentile(99.9)));
        latency.put("max", micros(h.getMaxValue()));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("service", run.target.serviceName);
            summary.put("method", options.method);
            summary.put("threads", threads);
            summary.put("connections", connections);
            summary.put("duration_s", Math.round(seconds * 1000) / 1000.0);
            summary.put("requests", requests);
            summary.put("errors", run.errors());
            summary.put("errors_by_status", errorsByStatus);
            summary.put("ops_per_sec", Math.round(opsPerSec * 10) / 10.0);
            summary.put("latency_us", latency);
            out.println(Json.compact(summary));
            return;
        }
        out.printf("%s#%s, %d threads, %d connection%s, %.2f s%n", run.target.serviceName, options.method, threads,
                connections, connections == 1 ? "" : "s", seconds);
        out.printf("  requests   %,d%n", requests);
        out.printf("  errors     %,d%s%n", run.errors(), errorsByStatus.isEmpty() ? "" : "  " + errorsByStatus);
        out.printf("  ops/s      %,.1f%n", opsPerSec);
        out.printf("  latency µs min %s  p50 %s  p90 %s  p99 %s  p99.9 %s  max %s%n", latency.get("min"),
                latency.get("p50"), latency.get("p90"), latency.get("p99"), latency.get("p999"), latency.get("max"));
    }

    private static long micros(long nanos) {
        return TimeUnit.NANOSECONDS.toMicros(nanos);
    }
}
