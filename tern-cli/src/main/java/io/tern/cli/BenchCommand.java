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
import java.util.concurrent.CountDownLatch;
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
            "On a terminal a progress line shows ops/s and errors while it runs. Ctrl-C stops it and prints"
                + " the summary of what was measured so far."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every measured call returned", "1:a call failed (the first probe call, or any measured one)",
            "2:usage error", "130:stopped by Ctrl-C (SIGINT); the summary so far was printed"})
final class BenchCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @CommandLine.Mixin
    CallCommand.CallOptions options = new CallCommand.CallOptions();

    @Option(names = "--threads", defaultValue = "16", paramLabel = "N",
            description = "caller threads (default ${DEFAULT-VALUE})")
    int threads;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    @Nullable Length length;

    static final class Length {
        @Option(names = "--duration", paramLabel = "DURATION", converter = Durations.class,
                description = "how long to measure (10s, 1m; default 10s unless --requests is given)")
        Duration duration;

        @Option(names = "--requests", paramLabel = "N", description = "how many calls to measure, over all threads")
        long requests;
    }

    @Option(names = "--connections", defaultValue = "1", paramLabel = "N",
            description = "connections to the provider (default ${DEFAULT-VALUE})")
    int connections;

    @Option(names = "--warmup", defaultValue = "auto", paramLabel = "DURATION", converter = Warmup.class,
            description = "calls made and not measured first: 'auto' (the default) until ops/s holds steady"
                    + " (three half-second windows within 10% of each other, at most "
                    + "30 s), a duration, or 0s for none")
    Duration warmup;

    /** A warm-up that ends when throughput holds steady, at most this long. */
    static final Duration AUTO_WARMUP_LIMIT = Duration.ofSeconds(30);
    /** {@code --warmup auto}: a negative duration, which no one can type. */
    static final Duration AUTO = Duration.ofNanos(-1);

    /** {@code auto}, or a duration of zero or more. */
    static final class Warmup implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim();
            if (v.equalsIgnoreCase("auto")) {
                return AUTO;
            }
            if (v.equals("0") || v.equals("0s") || v.equals("0ms")) {
                return Duration.ZERO;
            }
            try {
                return Durations.parse(v);
            } catch (CommandLine.TypeConversionException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' (expected: auto, 0s, or a duration"
                        + " such as 500ms or 3s)");
            }
        }
    }

    /** Set by Ctrl-C: the runs stop, and the summary so far is printed. */
    private volatile boolean interrupted;

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
        Duration duration = length == null ? DEFAULT_DURATION : length.duration;
        long requests = length == null ? 0 : length.requests;
        if (duration == null && requests < 1) {
            throw new UsageException("--requests " + requests + " (expected: at least 1)");
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
            CountDownLatch printed = new CountDownLatch(1);
            Thread onCtrlC = new Thread(() -> {
                interrupted = true;
                try {
                    printed.await(10, TimeUnit.SECONDS); // the summary, then the JVM ends with 130
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "tern-bench-interrupt");
            Runtime.getRuntime().addShutdownHook(onCtrlC);
            try {
                boolean auto = warmup.isNegative();
                if (!warmup.isZero()) {
                    long limit = (auto ? AUTO_WARMUP_LIMIT : warmup).toNanos();
                    new Run(target, types, args, System.nanoTime() + limit, Long.MAX_VALUE).execute(false, auto);
                }
                long deadline = duration != null ? System.nanoTime() + duration.toNanos() : Long.MAX_VALUE;
                Run measured = new Run(target, types, args, deadline, duration != null ? Long.MAX_VALUE : requests);
                if (!interrupted) {
                    measured.execute(System.console() != null, false);
                }
                print(measured);
                printed.countDown();
                return interrupted ? INTERRUPTED : measured.errors() == 0 ? 0 : TernCli.FAILED;
            } finally {
                printed.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(onCtrlC);
                } catch (IllegalStateException shuttingDown) {
                    // Ctrl-C: the hook runs now
                }
            }
        }
    }

    /** What {@code tern bench} measures when given neither {@code --duration} nor {@code --requests}. */
    static final Duration DEFAULT_DURATION = Duration.ofSeconds(10);
    /** The exit code after Ctrl-C, as a shell reports a process that SIGINT ended. */
    static final int INTERRUPTED = 130;
    /** How often the warm-up looks at its throughput. */
    private static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

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
        /** Set when the run ends before its deadline: steady enough, or Ctrl-C. */
        private volatile boolean stopped;

        Run(Target target, String @Nullable [] types, Object[] args, long deadline, long requests) {
            this.target = target;
            this.types = types;
            this.args = args;
            this.deadline = deadline;
            this.budget = new AtomicLong(requests);
        }

        /**
         * Runs the callers until the deadline or the budget, Ctrl-C, or (with {@code untilSteady})
         * until three half-second windows in a row are within 10% of their mean ops/s.
         */
        void execute(boolean progress, boolean untilSteady) throws InterruptedException {
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
            long lastPrinted = start;
            List<Double> rates = new ArrayList<>();
            for (Thread caller : callers) {
                while (caller.isAlive()) {
                    caller.join(TimeUnit.NANOSECONDS.toMillis(WINDOW_NANOS));
                    long now = System.nanoTime();
                    long count = completed.sum();
                    double rate = (count - lastCount) * 1e9 / Math.max(1, now - lastTime);
                    lastCount = count;
                    lastTime = now;
                    rates.add(rate);
                    if (interrupted || untilSteady && steady(rates)) {
                        stopped = true;
                    }
                    if (progress && caller.isAlive() && now - lastPrinted >= TimeUnit.SECONDS.toNanos(1)) {
                        err.printf("\r  %,10.0f ops/s   %,d calls   %,d errors   %ds ", rate, count, errors(),
                                TimeUnit.NANOSECONDS.toSeconds(now - start));
                        err.flush();
                        lastPrinted = now;
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
            while (!stopped && System.nanoTime() < deadline && budget.getAndDecrement() > 0) {
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

        /** Whether the last three windows' ops/s are within 10% of their mean. */
        private static boolean steady(List<Double> rates) {
            int n = rates.size();
            if (n < 3) {
                return false;
            }
            double mean = (rates.get(n - 1) + rates.get(n - 2) + rates.get(n - 3)) / 3;
            for (int i = n - 3; i < n; i++) {
                if (mean <= 0 || Math.abs(rates.get(i) - mean) > 0.1 * mean) {
                    return false;
                }
            }
            return true;
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
        double opsPerSec = seconds > 0 ? requests / seconds : 0;
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
            summary.put("interrupted", interrupted);
            out.println(Json.compact(summary));
            out.flush();
            return;
        }
        out.printf("%s#%s, %d threads, %d connection%s, %.2f s%n", run.target.serviceName, options.method, threads,
                connections, connections == 1 ? "" : "s", seconds);
        out.printf("  requests   %,d%n", requests);
        out.printf("  errors     %,d%s%n", run.errors(), errorsByStatus.isEmpty() ? "" : "  " + errorsByStatus);
        out.printf("  ops/s      %,.1f%n", opsPerSec);
        out.printf("  latency µs min %s  p50 %s  p90 %s  p99 %s  p99.9 %s  max %s%n", latency.get("min"),
                latency.get("p50"), latency.get("p90"), latency.get("p99"), latency.get("p999"), latency.get("max"));
        if (interrupted) {
            out.println(seconds > 0 ? "  stopped by Ctrl-C: the summary of what was measured until then"
                    : "  stopped by Ctrl-C during the warm-up: nothing was measured");
        }
        out.flush();
    }

    private static long micros(long nanos) {
        return TimeUnit.NANOSECONDS.toMicros(nanos);
    }
}
