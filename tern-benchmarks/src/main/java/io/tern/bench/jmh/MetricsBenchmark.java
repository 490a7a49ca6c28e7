package io.tern.bench.jmh;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tern.Filter;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.core.injvm.InjvmProtocol;
import io.tern.dubbo.DubboProtocol;
import io.tern.example.UserNotFoundException;
import io.tern.example.UserService;
import io.tern.example.UserServiceImpl;
import io.tern.metrics.TernMetrics;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What metrics cost a call: {@code getUser} over loopback TCP (consumer and provider in this JVM)
 * and {@code echo} through the injvm protocol, with Tern's provider and consumer metrics filters
 * recording into a Prometheus registry ({@code metrics=on}) and without ({@code off}). The injvm
 * call has nothing else to hide the filters' cost behind.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
public class MetricsBenchmark {

    @Param({"off", "on"})
    public String metrics;

    private TernMetrics meters;
    private DubboProtocol provider;
    private DubboProtocol consumer;
    private InjvmProtocol injvm;
    private UserService remote;
    private UserService local;

    @Setup
    public void setUp() {
        meters = TernMetrics.create(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), "bench");
        boolean on = "on".equals(metrics);
        List<Filter> providerFilters = on ? List.of(meters.providerFilter()) : List.of();
        List<Filter> consumerFilters = on ? List.of(meters.consumerFilter()) : List.of();
        provider = DubboProtocol.builder().providerFilters(providerFilters).build();
        consumer = DubboProtocol.builder().consumerFilters(consumerFilters).build();
        ServiceUrl url = provider.export(Invokers.of(UserService.class, new UserServiceImpl(),
                ServiceUrl.parse("dubbo://127.0.0.1:0/" + UserService.class.getName()))).url();
        remote = Proxies.create(consumer.refer(UserService.class, url));

        injvm = InjvmProtocol.builder().providerFilters(providerFilters).consumerFilters(consumerFilters).build();
        ServiceUrl local = ServiceUrl.parse("injvm://127.0.0.1/" + UserService.class.getName());
        injvm.export(Invokers.of(UserService.class, new UserServiceImpl(), local));
        this.local = Proxies.create(injvm.refer(UserService.class, local));
    }

    @TearDown
    public void tearDown() {
        consumer.close();
        provider.close();
        injvm.close();
        meters.close();
    }

    @Benchmark
    public Object loopbackGetUser() throws UserNotFoundException {
        return remote.getUser(42);
    }

    @Benchmark
    public Object injvmEcho() {
        return local.echo("0123456789abcdef");
    }
}
