package io.tern.bootstrap;

import io.tern.Exporter;
import io.tern.Protocol;
import io.tern.RpcException;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.registry.ZooKeeperApplications;
import io.tern.registry.discovery.AppMetadata;
import io.tern.registry.discovery.InstanceMetadata;
import io.tern.registry.discovery.InstanceNode;
import io.tern.registry.discovery.LocalMetadataService;
import io.tern.registry.discovery.MetadataService;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server at the application level: its metadata service exported on its port, its instance
 * node registered with the revision of what it serves, and each of its interfaces mapped to the
 * application. Withdrawn (the node deleted) before the server's ports close; the mapping stays,
 * as Dubbo leaves it.
 */
final class InstancePublication {

    private static final Logger log = LoggerFactory.getLogger(InstancePublication.class);

    private final ZooKeeperApplications applications;
    private final InstanceNode instance;
    private final Exporter<MetadataService> metadataService;

    private InstancePublication(ZooKeeperApplications applications, InstanceNode instance,
            Exporter<MetadataService> metadataService) {
        this.applications = applications;
        this.instance = instance;
        this.metadataService = metadataService;
    }

    /**
     * Publishes {@code app}'s instance serving {@code advertised} (the URLs as registered), its
     * metadata service exported through {@code protocol} on {@code bindHost:port}.
     */
    static InstancePublication publish(ZooKeeperApplications applications, String app,
            List<ServiceUrl> advertised, Protocol protocol, String bindHost, String registerHost, int port,
            LifecycleTracker tracker) {
        AppMetadata metadata = AppMetadata.of(app, advertised);
        LocalMetadataService answers = new LocalMetadataService();
        answers.publish(metadata);
        ServiceUrl url = ServiceUrl.builder(protocol.name()).address(bindHost, port).path(MetadataService.NAME)
                .parameter("interface", MetadataService.NAME).group(app).version(MetadataService.VERSION)
                .parameter("application", app).parameter("side", "provider").build();
        Exporter<MetadataService> exporter = protocol.export(Invokers.of(MetadataService.class, answers, url, tracker));
        try {
            ServiceUrl reachable = exporter.url().toBuilder().address(registerHost, exporter.url().port()).build();
            InstanceNode instance = new InstanceNode(app, registerHost, port,
                    InstanceMetadata.of(metadata, advertised, reachable, MetadataService.VERSION),
                    System.currentTimeMillis());
            applications.register(instance);
            for (String interfaceName : interfaces(advertised)) {
                try {
                    applications.map(interfaceName, app);
                } catch (RpcException e) {
                    log.warn("cannot map {} to {}: consumers at the application level find it only with"
                            + " provided-by={}: {}", interfaceName, app, app, e.getMessage());
                }
            }
            return new InstancePublication(applications, instance, exporter);
        } catch (RuntimeException e) {
            exporter.close();
            throw e;
        }
    }

    private static Collection<String> interfaces(List<ServiceUrl> advertised) {
        return advertised.stream().map(ServiceUrl::interfaceName).distinct().toList();
    }

    /** Deletes the instance node: consumers at the application level stop calling it. */
    void withdraw() {
        try {
            applications.unregister(instance);
        } catch (RuntimeException e) {
            log.warn("cannot unregister instance {} of {}: {}", instance.id(), instance.app(), e.getMessage());
        }
    }

    /** Unexports the metadata service. */
    CompletableFuture<Void> closeAsync() {
        return metadataService.closeAsync();
    }

    InstanceNode instance() {
        return instance;
    }
}
