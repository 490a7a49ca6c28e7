package io.tern.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.tern.Result;
import io.tern.RpcException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one method of one service on one side, under Apache Dubbo's names: the request
 * counters by outcome, the calls in progress, Dubbo's latency gauges in milliseconds, and a
 * latency {@link Timer} with a percentile histogram. Made once for every invoker of the method
 * (see {@link MeterSet}), so a call only updates fields.
 */
final class RequestMeters {

    static final double[] PERCENTILES = {0.5, 0.9, 0.95, 0.99};

    private final Counter total;
    private final Counter succeed;
    private final Counter businessFailed;
    private final Counter failed;
    private final Counter timeout;
    private final Counter limit;
    private final Counter network;
    private final Counter codec;
    private final Counter unavailable;
    private final Counter unknown;
    private final Counter forbidden;
    private final Timer rt;
    private final AtomicInteger processing = new AtomicInteger();
    private final AtomicLong lastMillis = new AtomicLong();
    private final LongAccumulator minMillis = new LongAccumulator(Math::min, Long.MAX_VALUE);
    private final LongAccumulator maxMillis = new LongAccumulator(Math::max, 0);
    private final LongAdder sumMillis = new LongAdder();
    /** Every meter registered here, for removal when the last invoker of the method goes. */
    final List<Meter> meters = new ArrayList<>();
    /** Invokers using these meters; guarded by the owning {@link MeterSet}. */
    int users;

    RequestMeters(MeterRegistry registry, String side, Tags tags) {
        String prefix = "dubbo." + side + ".";
        this.total = counter(registry, prefix + "requests.total", "Requests", tags);
        this.succeed = counter(registry, prefix + "requests.succeed.total", "Requests that succeeded", tags);
        this.businessFailed = counter(registry, prefix + "requests.business.failed.total",
                "Requests whose service threw", tags);
        this.failed = counter(registry, prefix + "requests.failed.total", "Requests that failed in the framework",
                tags);
        this.timeout = counter(registry, prefix + "requests.timeout.total", "Requests that timed out", tags);
        this.limit = counter(registry, prefix + "requests.limit.total", "Requests refused by a limit", tags);
        this.network = counter(registry, prefix + "requests.failed.network.total", "Requests failed by the network",
                tags);
        this.codec = counter(registry, prefix + "requests.failed.codec.total", "Requests failed by serialization",
                tags);
        this.unavailable = counter(registry, prefix + "requests.failed.service.unavailable.total",
                "Requests with no provider to take them", tags);
        this.unknown = counter(registry, prefix + "requests.unknown.failed.total",
                "Requests failed for another reason", tags);
        // Dubbo has no meter of its own for refused tokens; they count as unknown failures there too
        this.forbidden = counter(registry, "tern." + side + ".requests.forbidden.total",
                "Requests refused for a missing or wrong token", tags);
        meters.add(Gauge.builder(prefix + "requests.processing.total", processing, AtomicInteger::get)
                .description("Requests in progress").tags(tags).register(registry));
        this.rt = Timer.builder(prefix + "rt").description("Request latency").tags(tags)
                .publishPercentileHistogram().publishPercentiles(PERCENTILES)
                .distributionStatisticExpiry(Duration.ofMinutes(1)).register(registry);
        meters.add(rt);
        String ms = prefix + "rt.milliseconds.";
        gauge(registry, ms + "last", tags, this, m -> m.lastMillis.get());
        gauge(registry, ms + "min", tags, this, m -> m.rt.count() == 0 ? 0 : m.minMillis.get());
        gauge(registry, ms + "max", tags, this, m -> m.maxMillis.get());
        gauge(registry, ms + "sum", tags, this, m -> m.sumMillis.sum());
        gauge(registry, ms + "avg", tags, this, m -> {
            long n = m.rt.count();
            return n == 0 ? 0 : (double) m.sumMillis.sum() / n;
        });
        for (double p : PERCENTILES) {
            gauge(registry, ms + "p" + Math.round(p * 100), tags, this, m -> m.percentileMillis(p));
        }
    }

    private Counter counter(MeterRegistry registry, String name, String description, Tags tags) {
        Counter counter = Counter.builder(name).description(description).tags(tags).register(registry);
        meters.add(counter);
        return counter;
    }

    private void gauge(MeterRegistry registry, String name, Tags tags, RequestMeters self,
            ToDoubleFunction<RequestMeters> value) {
        meters.add(Gauge.builder(name, self, value).tags(tags).register(registry));
    }

    private double percentileMillis(double percentile) {
        for (ValueAtPercentile v : rt.takeSnapshot().percentileValues()) {
            if (v.percentile() == percentile) {
                return v.value(TimeUnit.MILLISECONDS);
            }
        }
        return 0;
    }

    /** A call starts. */
    void started() {
        total.increment();
        processing.incrementAndGet();
    }

    /** A call that started at {@code startNanos} ended with {@code result} or {@code failure}. */
    void finished(long startNanos, @Nullable Result result, @Nullable Throwable failure) {
        long nanos = System.nanoTime() - startNanos;
        processing.decrementAndGet();
        rt.record(nanos, TimeUnit.NANOSECONDS);
        long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
        lastMillis.set(millis);
        minMillis.accumulate(millis);
        maxMillis.accumulate(millis);
        sumMillis.add(millis);
        if (failure == null) {
            if (result != null && result.hasException()) {
                businessFailed.increment();
            } else {
                succeed.increment();
            }
            return;
        }
        failed.increment();
        RpcException e = Result.asRpcException(failure);
        Counter reason = switch (e.status()) {
            case TIMEOUT -> timeout;
            case LIMIT_EXCEEDED, SERVER_BUSY -> limit;
            case NETWORK -> network;
            case SERIALIZATION -> codec;
            case NO_PROVIDER, SERVICE_NOT_FOUND, DESTROYED -> unavailable;
            default -> unknown;
        };
        reason.increment();
        if (e.status() == io.tern.RpcStatus.FORBIDDEN) {
            forbidden.increment();
        }
    }
}
