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
 * Apache Dubbo 3.3.5 as the benchmarks run it: its defaults, Hessian2, no registry. Dubbo
 * replaces 127.0.0.1 with the machine's first non-loopback address, binds every interface, and
 * its consumer then calls that address, so its traffic leaves loopback. The tests hide the other
 * interfaces from it to keep it on loopback, but then Dubbo logs a warning with a stack trace on
 * every call, which would make it look slower than it is. So the benchmarks leave Dubbo's choice
 * alone and run inside a private network namespace instead, whose only other address leads
 * nowhere: {@link #requirePrivateNetwork()} refuses to start Dubbo outside one.
 */
public final class DubboSide {

    private DubboSide() {
    }

    /** Dubbo logs through SLF4J and shuts down without its default 10-second wait. */
    public static void configure() {
        System.setProperty("dubbo.application.logger", "slf4j");
        System.setProperty("dubbo.service.shutdown.wait", "200");
    }

    /** The property that lets Dubbo run outside a private network namespace, on a machine of your own. */
    public static final String ANY_NETWORK = "tern.bench.anyNetwork";

    /**
     * Refuses to run Dubbo where its traffic would reach a real network: outside the private
     * network that {@code bin/private-network} makes (it sets {@code TERN_PRIVATE_ADDRESS}), unless the machine
     * has no non-loopback address or {@code -Dtern.bench.anyNetwork=true} allows it.
     *
     * @throws IllegalStateException naming the address Dubbo would use and how to run instead
     */
    public static void requirePrivateNetwork() {
        String privateAddress = System.getenv("TERN_PRIVATE_ADDRESS");
        if (privateAddress != null && !privateAddress.isEmpty() || Boolean.getBoolean(ANY_NETWORK)) {
            return;
        }
        String address = firstNonLoopbackAddress();
        if (address != null) {
            throw new IllegalStateException("Apache Dubbo would send the benchmark's calls to " + address
                    + ", this machine's first non-loopback address, instead of 127.0.0.1 (expected: a private network"
                    + " namespace, as bin/private-network makes; or -D" + ANY_NETWORK + "=true to allow it)");
        }
    }

    private static String firstNonLoopbackAddress() {
        try {
            for (java.net.NetworkInterface i : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
                if (!i.isUp() || i.isLoopback()) {
                    continue;
                }
                for (java.net.InetAddress a : java.util.Collections.list(i.getInetAddresses())) {
                    if (!a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        return a.getHostAddress() + " (" + i.getName() + ")";
                    }
                }
            }
            return null;
        } catch (java.net.SocketException e) {
            return "an address this JVM cannot list (" + e.getMessage() + ")";
        }
    }

    /** A bootstrap for an application, not yet started; add the provider and reference to it. */
    public static DubboBootstrap bootstrap(String application) {
        requirePrivateNetwork();
        configure();
        ApplicationConfig config = new ApplicationConfig(application);
        config.setQosEnable(false);
        return DubboBootstrap.newInstance().application(config).registry(new RegistryConfig(RegistryConfig.NO_AVAILABLE));
    }

    /** The example service provided on {@code port} over the dubbo protocol. */
    public static DubboBootstrap provide(DubboBootstrap bootstrap, int port) {
        return provide(bootstrap, port, "dubbo");
    }

    /**
     * The example service provided on {@code port} over {@code protocolName}: {@code dubbo} with
     * Hessian2, or {@code tri} with Dubbo's defaults for a plain Java interface (wrapped, Hessian2).
     */
    public static DubboBootstrap provide(DubboBootstrap bootstrap, int port, String protocolName) {
        ProtocolConfig protocol = new ProtocolConfig(protocolName, port);
        protocol.setHost("127.0.0.1");
        if (protocolName.equals("dubbo")) {
            protocol.setSerialization("hessian2");
        }
        ServiceConfig<UserService> service = new ServiceConfig<>();
        service.setInterface(UserService.class);
        service.setRef(new UserServiceImpl());
        return bootstrap.protocol(protocol).service(service);
    }

    /** A reference to the example service at {@code port} over the dubbo protocol; add it to a bootstrap before starting it. */
    public static ReferenceConfig<UserService> reference(int port) {
        return reference(port, "dubbo");
    }

    /** A reference to the example service at {@code port} over {@code protocolName} ({@code dubbo} or {@code tri}). */
    public static ReferenceConfig<UserService> reference(int port, String protocolName) {
        ReferenceConfig<UserService> reference = new ReferenceConfig<>();
        reference.setInterface(UserService.class);
        if (protocolName.equals("dubbo")) {
            reference.setUrl("dubbo://127.0.0.1:" + port + "?serialization=hessian2");
            reference.setParameters(Map.of("serialization", "hessian2", "prefer.serialization", "hessian2"));
        } else {
            reference.setUrl(protocolName + "://127.0.0.1:" + port);
        }
        reference.setTimeout(10_000);
        reference.setRetries(0);
        return reference;
    }
}
