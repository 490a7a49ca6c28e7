package io.tern.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketException;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;

/**
 * One Apache Dubbo 3.3.5 instance for a test class: providers bound to 127.0.0.1, or consumers
 * with direct URLs. Closing stops it.
 */
final class DubboPeer implements AutoCloseable {

    static {
        // Dubbo registers and binds the machine's first non-loopback address unless every other
        // interface is ignored; tests talk to loopback only.
        System.setProperty("dubbo.network.interface.ignored", nonLoopbackInterfaces());
        System.setProperty("dubbo.service.shutdown.wait", "200");
        System.setProperty("dubbo.application.logger", "slf4j");
    }

    private final DubboBootstrap bootstrap;
    private final @org.jspecify.annotations.Nullable InteropService interop;

    private DubboPeer(DubboBootstrap bootstrap) {
        this(bootstrap, null);
    }

    private DubboPeer(DubboBootstrap bootstrap, @org.jspecify.annotations.Nullable InteropService interop) {
        this.bootstrap = bootstrap;
        this.interop = interop;
    }

    /**
     * A consumer application {@code name} of {@link InteropService} 1.0.0 that finds its providers
     * through the registry at {@code address} (not as a config center), with failover's two
     * retries and a 10 s timeout, at the step {@code dubbo.application.migration.step} says (Dubbo's
     * default without it); {@link #interop()} calls it.
     */
    static DubboPeer registryConsumer(String name, String address) {
        return registryConsumer(name, address, false);
    }

    /** As above; with {@code configCenter}, the registry is its config center too, as Dubbo's default is. */
    static DubboPeer registryConsumer(String name, String address, boolean configCenter) {
        RegistryConfig registry = new RegistryConfig(address);
        registry.setUseAsConfigCenter(configCenter);
        ReferenceConfig<InteropService> reference = new ReferenceConfig<>();
        reference.setInterface(InteropService.class);
        reference.setVersion("1.0.0");
        reference.setRetries(2);
        reference.setTimeout(10_000);
        reference.setCheck(false);
        DubboBootstrap bootstrap = DubboBootstrap.newInstance().application(application(name)).registry(registry)
                .reference(reference);
        bootstrap.start();
        return new DubboPeer(bootstrap, reference.get());
    }

    /** A reference of its own to {@link InteropService} 1.0.0 in this peer's module; closing destroys it. */
    record OwnReference(InteropService service, ReferenceConfig<InteropService> config) implements AutoCloseable {
        @Override
        public void close() {
            config.destroy();
        }
    }

    /**
     * A new reference of a {@link #registryConsumer}'s application, with directories of its own
     * (failover's two retries, a 10 s timeout).
     */
    OwnReference newReference() {
        ReferenceConfig<InteropService> reference = new ReferenceConfig<>();
        reference.setScopeModel(module());
        reference.setInterface(InteropService.class);
        reference.setVersion("1.0.0");
        reference.setRetries(2);
        reference.setTimeout(10_000);
        reference.setCheck(false);
        return new OwnReference(reference.get(), reference);
    }

    /** The reference of a {@link #registryConsumer}. */
    InteropService interop() {
        return java.util.Objects.requireNonNull(interop, "a registry consumer's reference");
    }

    static DubboPeer provider(String name, int port, List<ServiceConfig<?>> services, int heartbeatMillis) {
        return provider(name, "dubbo", port, services, heartbeatMillis);
    }

    /** A provider on {@code protocolName} ({@code dubbo}, {@code tri}). */
    static DubboPeer provider(String name, String protocolName, int port, List<ServiceConfig<?>> services,
            int heartbeatMillis) {
        ProtocolConfig protocol = new ProtocolConfig(protocolName, port);
        protocol.setHost("127.0.0.1");
        protocol.setHeartbeat(heartbeatMillis);
        DubboBootstrap bootstrap = DubboBootstrap.newInstance()
                .application(application(name))
                .registry(new RegistryConfig(RegistryConfig.NO_AVAILABLE))
                .protocol(protocol);
        services.forEach(bootstrap::service);
        bootstrap.start();
        return new DubboPeer(bootstrap);
    }

    /**
     * A provider on each of {@code protocols} ({@code dubbo}, {@code tri}), on the ports given, with
     * {@code ssl}, Dubbo's {@code dubbo.ssl.*}; it is a consumer with that TLS as well.
     */
    static DubboPeer secured(String name, org.apache.dubbo.config.SslConfig ssl, java.util.Map<String, Integer> protocols,
            List<ServiceConfig<?>> services) {
        DubboBootstrap bootstrap = DubboBootstrap.newInstance()
                .application(application(name))
                .registry(new RegistryConfig(RegistryConfig.NO_AVAILABLE))
                .ssl(ssl);
        protocols.forEach((protocolName, port) -> {
            ProtocolConfig protocol = new ProtocolConfig(protocolName, port);
            protocol.setHost("127.0.0.1");
            bootstrap.protocol(protocol);
        });
        services.forEach(bootstrap::service);
        bootstrap.start();
        return new DubboPeer(bootstrap);
    }

    static DubboPeer consumer(String name, List<ReferenceConfig<?>> references) {
        DubboBootstrap bootstrap = DubboBootstrap.newInstance()
                .application(application(name))
                .registry(new RegistryConfig(RegistryConfig.NO_AVAILABLE));
        references.forEach(bootstrap::reference);
        bootstrap.start();
        return new DubboPeer(bootstrap);
    }

    private static ApplicationConfig application(String name) {
        ApplicationConfig application = new ApplicationConfig(name);
        application.setQosEnable(false);
        return application;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of every interface but loopback, comma-separated, for {@code dubbo.network.interface.ignored}. */
    static String nonLoopbackInterfaces() {
        try {
            return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                    .filter(i -> {
                        try {
                            return !i.isLoopback();
                        } catch (SocketException e) {
                            return true;
                        }
                    })
                    .map(NetworkInterface::getName)
                    .collect(Collectors.joining(","));
        } catch (SocketException e) {
            return "";
        }
    }

    /** The module references are made in, for {@code ReferenceConfig.setScopeModel}. */
    org.apache.dubbo.rpc.model.ModuleModel module() {
        return bootstrap.getApplicationModel().getDefaultModule();
    }

    /**
     * A Dubbo reference to {@link InteropService} of {@code version}, made in {@code bootstrap}'s
     * module: waits until it answers as {@code identity} (its providers found through the
     * registry), hands it to {@code then}, and destroys it.
     */
    static void callUntilIdentified(org.apache.dubbo.config.bootstrap.DubboBootstrap bootstrap, String version,
            String identity, java.util.function.Consumer<InteropService> then) {
        ReferenceConfig<InteropService> reference = new ReferenceConfig<>();
        reference.setScopeModel(bootstrap.getApplicationModel().getDefaultModule());
        reference.setInterface(InteropService.class);
        reference.setVersion(version);
        reference.setRetries(0);
        reference.setTimeout(10_000);
        reference.setCheck(false);
        try {
            InteropService service = reference.get();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> identity.equals(service.identify()));
            then.accept(service);
        } finally {
            reference.destroy();
        }
    }

    @Override
    public void close() {
        bootstrap.destroy();
    }
}
