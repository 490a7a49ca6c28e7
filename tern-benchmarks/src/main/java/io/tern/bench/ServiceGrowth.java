package io.tern.bench;

import io.tern.bootstrap.RegisterMode;
import io.tern.bootstrap.Tern;
import io.tern.bootstrap.TernServer;
import io.tern.bootstrap.TernServerBuilder;
import io.tern.example.UserService;
import io.tern.example.UserServiceImpl;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;

/**
 * One provider exporting many services, registered in ZooKeeper at the interface level: Tern's
 * {@code TernServer} or Apache Dubbo 3.3.5's {@code DubboBootstrap}, each as an application would
 * start it, the services being versions of {@link UserService} over the dubbo protocol on one
 * port. Reports the time from the first configuration to the start returning (every service
 * exported and registered), the heap per service (after full collections, against the heap
 * before), and checks that ZooKeeper ({@link ZooKeeperHost}, in a JVM of its own) holds them all.
 *
 * <p>Arguments: {@code tern|dubbo [COUNT]}, 1,000 by default. Start-up is measured once per JVM:
 * run each count in a fresh one. Dubbo must run in a private network ({@code bin/private-network}).
 */
public final class ServiceGrowth {

    private ServiceGrowth() {
    }

    public static void main(String[] args) throws Exception {
        String framework = args.length > 0 ? args[0] : "tern";
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        String jute = System.getProperty("jute.maxbuffer", Integer.toString(16 << 20));
        System.setProperty("jute.maxbuffer", jute);
        try (Estate.Helper registry = new Estate.Helper(ZooKeeperHost.class.getName(),
                List.of("-Djute.maxbuffer=" + jute, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"), List.of())) {
            String address = "zookeeper://" + registry.read().substring("zookeeper ".length()) + "?timeout=60000";
            long before = Estate.usedHeap();
            long start = System.nanoTime();
            AutoCloseable provider = framework.equals("dubbo") ? dubbo(address, count) : tern(address, count);
            long started = System.nanoTime() - start;
            double perService = (Estate.usedHeap() - before) / (double) count;
            String registered = registry.ask("count");
            System.out.printf(Locale.ROOT, "%s, %,d services: started in %,d ms, %,.0f bytes of heap per service;"
                            + " ZooKeeper holds %s providers%n", framework, count,
                    TimeUnit.NANOSECONDS.toMillis(started), perService, registered.substring("count ".length()));
            provider.close();
        }
        System.exit(0);
    }

    private static AutoCloseable tern(String registry, int count) {
        TernServerBuilder builder = Tern.server().application("estate-provider").host("127.0.0.1")
                .registry(registry).registerMode(RegisterMode.INTERFACE);
        for (int i = 0; i < count; i++) {
            String version = "v" + i;
            builder.service(UserService.class, new UserServiceImpl(), options -> options.version(version).dubboOnly());
        }
        TernServer server = builder.start();
        return server::close;
    }

    private static AutoCloseable dubbo(String registry, int count) {
        DubboSide.requirePrivateNetwork();
        DubboSide.configure();
        System.setProperty("dubbo.application.register-mode", "interface");
        ProtocolConfig protocol = new ProtocolConfig("dubbo", BenchServer.freePort());
        protocol.setHost("127.0.0.1");
        protocol.setSerialization("hessian2");
        RegistryConfig config = new RegistryConfig(registry);
        config.setUseAsConfigCenter(false);
        ApplicationConfig application = new ApplicationConfig("estate-provider");
        application.setQosEnable(false);
        DubboBootstrap bootstrap = DubboBootstrap.newInstance().application(application).registry(config)
                .protocol(protocol);
        for (int i = 0; i < count; i++) {
            ServiceConfig<UserService> service = new ServiceConfig<>();
            service.setInterface(UserService.class);
            service.setRef(new UserServiceImpl());
            service.setVersion("v" + i);
            bootstrap.service(service);
        }
        bootstrap.start();
        return bootstrap::destroy;
    }
}
