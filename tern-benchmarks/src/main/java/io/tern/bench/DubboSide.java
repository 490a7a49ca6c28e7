package io.tern.bench;

import io.tern.example.UserService;
import io.tern.example.UserServiceImpl;
import java.util.Map;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;

/**
 * Apache Dubbo 3.3.5 as the benchmarks run it: its defaults, Hessian2, no registry, called on
 * 127.0.0.1. Dubbo refuses 127.0.0.1 as a bind address and, given it as the host, listens on every
 * interface; the tests hide the machine's other interfaces from it to keep it on loopback, but
 * then Dubbo logs a warning with a stack trace on every call, which would make it look slower
 * than it is. So the benchmarks leave its interface choice alone.
 */
public final class DubboSide {

    private DubboSide() {
    }

    /** Dubbo logs through SLF4J and shuts down without its default 10-second wait. */
    public static void configure() {
        System.setProperty("dubbo.application.logger", "slf4j");
        System.setProperty("dubbo.service.shutdown.wait", "200");
    }

    /** A bootstrap for an application, not yet started; add the provider and reference to it. */
    public static DubboBootstrap bootstrap(String application) {
        configure();
        ApplicationConfig config = new ApplicationConfig(application);
        config.setQosEnable(false);
        return DubboBootstrap.newInstance().application(config).registry(new RegistryConfig(RegistryConfig.NO_AVAILABLE));
    }

    /** The example service provided on {@code port}. */
    public static DubboBootstrap provide(DubboBootstrap bootstrap, int port) {
        ProtocolConfig protocol = new ProtocolConfig("dubbo", port);
        protocol.setHost("127.0.0.1");
        protocol.setSerialization("hessian2");
        ServiceConfig<UserService> service = new ServiceConfig<>();
        service.setInterface(UserService.class);
        service.setRef(new UserServiceImpl());
        return bootstrap.protocol(protocol).service(service);
    }

    /** A reference to the example service at {@code port}; add it to a bootstrap before starting it. */
    public static ReferenceConfig<UserService> reference(int port) {
        ReferenceConfig<UserService> reference = new ReferenceConfig<>();
        reference.setInterface(UserService.class);
        reference.setUrl("dubbo://127.0.0.1:" + port + "?serialization=hessian2");
        reference.setParameters(Map.of("serialization", "hessian2", "prefer.serialization", "hessian2"));
        reference.setTimeout(10_000);
        reference.setRetries(0);
        return reference;
    }
}
