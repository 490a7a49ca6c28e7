package io.tern.bench.jmh;

import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.example.UserNotFoundException;
import io.tern.example.UserService;
import io.tern.example.UserServiceImpl;
import io.tern.transport.DubboProtocol;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
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
            io.tern.bench.Loopback.confineDubbo();
            int port = io.tern.bench.BenchServer.freePort();
            ApplicationConfig application = new ApplicationConfig("jmh-loopback");
            application.setQosEnable(false);
            ProtocolConfig protocol = new ProtocolConfig("dubbo", port);
            protocol.setHost("127.0.0.1");
            protocol.setSerialization("hessian2");
            ServiceConfig<UserService> service = new ServiceConfig<>();
            service.setInterface(UserService.class);
            service.setRef(new UserServiceImpl());
            ReferenceConfig<UserService> reference = new ReferenceConfig<>();
            reference.setInterface(UserService.class);
            reference.setUrl("dubbo://127.0.0.1:" + port + "?serialization=hessian2");
            reference.setParameters(Map.of("serialization", "hessian2", "prefer.serialization", "hessian2"));
            reference.setTimeout(10_000);
            reference.setRetries(0);
            DubboBootstrap bootstrap = DubboBootstrap.newInstance().application(application)
                    .registry(new RegistryConfig(RegistryConfig.NO_AVAILABLE)).protocol(protocol).service(service)
                    .reference(reference);
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
