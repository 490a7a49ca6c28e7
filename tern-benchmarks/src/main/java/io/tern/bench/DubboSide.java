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
 * Apache Dubbo 3.3.5 as the benchmarks run it: its defaults, Hessian2, no registry, bound to and
 * calling 127.0.0.1.
 */
public final class DubboSide {

    private DubboSide() {
    }

    /** A bootstrap for an application, not yet started; add the provider and reference to it. */
    public static DubboBootstrap bootstrap(String application) {
        Loopback.confineDubbo();
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
