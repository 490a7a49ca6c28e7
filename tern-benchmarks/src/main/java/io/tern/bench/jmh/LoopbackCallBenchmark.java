package io.tern.bench.jmh;

import io.tern.ServiceUrl;
import io.tern.bench.BenchServer;
import io.tern.bench.DubboSide;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.dubbo.DubboProtocol;
import io.tern.example.UserNotFoundException;
import io.tern.example.UserService;
import io.tern.example.UserServiceImpl;
import java.util.concurrent.TimeUnit;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
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
 * A {@code getUser} call over loopback TCP with consumer and provider in this JVM, Tern and
 * Apache Dubbo 3.3.5 each with its defaults: with {@code -prof gc}, the bytes allocated per call
 * on both sides together.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Ddubbo.application.logger=slf4j", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class LoopbackCallBenchmark {

    @Param({"tern", "dubbo"})
    public String framework;

    private AutoCloseable resources;
    private UserService users;

    @Setup
    public void setUp() {
        if ("tern".equals(framework)) {
            DubboProtocol provider = DubboProtocol.create();
            DubboProtocol consumer = DubboProtocol.create();
            ServiceUrl url = provider.export(Invokers.of(UserService.class, new UserServiceImpl(),
                    ServiceUrl.parse("dubbo://127.0.0.1:0/" + UserService.class.getName()))).url();
            users = Proxies.create(consumer.refer(UserService.class, url));
            resources = () -> {
                consumer.close();
                provider.close();
            };
        } else {
            int port = BenchServer.freePort();
            ReferenceConfig<UserService> reference = DubboSide.reference(port);
            DubboBootstrap bootstrap = DubboSide.provide(DubboSide.bootstrap("jmh-loopback"), port).reference(reference);
            bootstrap.start();
            users = reference.get();
            resources = bootstrap::destroy;
        }
    }

    @TearDown
    public void tearDown() throws Exception {
        resources.close();
    }

    @Benchmark
    public Object getUser() throws UserNotFoundException {
        return users.getUser(42);
    }
}
