package io.tern.cli;

import io.tern.ServiceUrl;
import io.tern.registry.ZooKeeperRegistry;
import io.tern.registry.ZooKeeperTls;
import java.util.function.Function;

/** A command's {@code zookeeper://} argument: read, checked, and connected to for the time of the command. */
final class ZooKeeperArgument {

    private ZooKeeperArgument() {
    }

    /**
     * The registry URL {@code url} says.
     *
     * @throws UsageException when it is not a {@code zookeeper://} URL
     */
    static ServiceUrl parse(String url) {
        ServiceUrl registryUrl;
        try {
            registryUrl = ServiceUrl.parse(url);
        } catch (IllegalArgumentException e) {
            throw new UsageException("registry URL '" + url + "': " + Target.withoutExpected(e.getMessage())
                    + " (expected: zookeeper://host:port)", e);
        }
        if (!"zookeeper".equals(registryUrl.protocol())) {
            throw new UsageException("registry URL '" + url + "': protocol '" + registryUrl.protocol()
                    + "' (expected: zookeeper://host:port)");
        }
        return registryUrl;
    }

    /** What {@code work} makes of the registry at {@code registryUrl}, over TLS when {@code tls} says so. */
    static <R> R with(ServiceUrl registryUrl, TlsOptions tls, Function<ZooKeeperRegistry, R> work) {
        ZooKeeperTls zookeeperTls = tls.zookeeper();
        try (ZooKeeperRegistry registry = ZooKeeperRegistry.connect(Target.forCommandLine(registryUrl),
                io.tern.core.lifecycle.LifecycleTracker.global(), zookeeperTls == null ? null : zookeeperTls.config())) {
            return work.apply(registry);
        } finally {
            if (zookeeperTls != null) {
                zookeeperTls.close(); // after the registry, which reads its files at each connection
            }
        }
    }
}
