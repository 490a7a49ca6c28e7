package io.tern.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;

/**
 * An Apache Dubbo 3.3.5 provider of {@link InteropService} in a process of its own, as one
 * instance of an application runs in production: several Dubbo applications in one JVM share
 * the framework's protocol servers, so destroying one would stop the others. Started by
 * {@link DubboProcess}; prints {@code ready} once exported and registered, and on {@code stop}
 * (or when its parent goes, closing standard input) shuts down gracefully, printing
 * {@code stopped}.
 *
 * <p>Arguments: application, registry address, register mode, port, identity. With
 * {@code -Dinterop.config-center=true} the registry is its config center too.
 */
public final class DubboProviderProcess {

    private DubboProviderProcess() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 5) {
            System.err.println("usage: DubboProviderProcess APPLICATION REGISTRY REGISTER_MODE PORT IDENTITY");
            System.exit(2);
        }
        ApplicationConfig application = new ApplicationConfig(args[0]);
        application.setQosEnable(false);
        application.setRegisterMode(args[2]);
        RegistryConfig registry = new RegistryConfig(args[1]);
        registry.setUseAsConfigCenter(Boolean.getBoolean("interop.config-center"));
        ProtocolConfig protocol = new ProtocolConfig("dubbo", Integer.parseInt(args[3]));
        protocol.setHost("127.0.0.1");
        ServiceConfig<InteropService> service = new ServiceConfig<>();
        service.setInterface(InteropService.class);
        service.setRef(new InteropServiceImpl(args[4], key -> null, (key, value) -> { }));
        service.setVersion("1.0.0");
        DubboBootstrap dubbo = DubboBootstrap.newInstance().application(application).registry(registry)
                .protocols(List.of(protocol)).service(service);
        dubbo.start();
        System.out.println("ready");
        System.out.flush();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = commands.readLine(); line != null && !line.equals("stop"); line = commands.readLine()) {
            // only "stop" (or the end of input) is understood
        }
        dubbo.destroy();
        System.out.println("stopped");
        System.out.flush();
        System.exit(0);
    }
}
