package io.tern.bench.jmh;

import io.tern.ServiceUrl;
import io.tern.bench.BenchTls;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.dubbo.DubboProtocol;
import io.tern.example.UserNotFoundException;
import io.tern.example.UserService;
import io.tern.example.UserServiceImpl;
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
 * What TLS costs a Tern call: {@code getUser} and {@code echo} over loopback TCP, consumer and
 * provider in this JVM, with and without TLS (the provider's certificate verified by the
 * consumer). OpenSSL when netty-tcnative is on the class path, as here; the JDK's TLS with
 * {@code -jvmArgsAppend -Dio.netty.handler.ssl.noOpenSsl=true}. {@code -t 16} for sixteen callers.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class TlsCallBenchmark {

    @Param({"off", "on"})
    public String tls;

    private AutoCloseable resources;
    private UserService users;

    @Setup
    public void setUp() throws Exception {
        DubboProtocol provider;
        DubboProtocol consumer;
        if ("on".equals(tls)) {
            System.setProperty(BenchTls.DIRECTORY, BenchTls.create().toString());
            provider = DubboProtocol.builder().serverTls(BenchTls.server()).build();
            consumer = DubboProtocol.builder().clientTls(BenchTls.client()).build();
        } else {
            provider = DubboProtocol.create();
            consumer = DubboProtocol.create();
        }
        ServiceUrl url = provider.export(Invokers.of(UserService.class, new UserServiceImpl(),
                ServiceUrl.parse("dubbo://127.0.0.1:0/" + UserService.class.getName()))).url();
        users = Proxies.create(consumer.refer(UserService.class, url));
        resources = () -> {
            consumer.close();
            provider.close();
        };
    }

    @TearDown
    public void tearDown() throws Exception {
        resources.close();
    }

    @Benchmark
    public Object getUser() throws UserNotFoundException {
        return users.getUser(42);
    }

    @Benchmark
    public Object echo() {
        return users.echo("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    }
}
