package io.tern.bench.jmh;

import io.tern.Filter;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.core.injvm.InjvmProtocol;
import io.tern.example.UserService;
import io.tern.example.UserServiceImpl;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** An {@code injvm} call through a proxy and a consumer and a provider filter: the framework's own cost. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class InjvmCallBenchmark {

    private InjvmProtocol protocol;
    private UserService users;

    @Setup
    public void setUp() {
        Filter passThrough = (next, invocation) -> next.invoke(invocation);
        protocol = InjvmProtocol.builder().consumerFilters(List.of(passThrough)).providerFilters(List.of(passThrough))
                .build();
        ServiceUrl url = ServiceUrl.parse("injvm://127.0.0.1/" + UserService.class.getName());
        protocol.export(Invokers.of(UserService.class, new UserServiceImpl(), url));
        users = Proxies.create(protocol.refer(UserService.class, url));
    }

    @TearDown
    public void tearDown() {
        protocol.close();
    }

    @Benchmark
    public Object echo() {
        return users.echo("0123456789abcdef");
    }
}
