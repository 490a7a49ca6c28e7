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
import io.tern.registry.discovery.MetadataServiceV2;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server at the application level: its metadata service exported on its port, its instance
 * node registered with the revision of what it serves, and each of its interfaces mapped to the
 * application. What it advertises changes with the services an operator takes offline or brings
 * back (a new revision, the old ones still answered for a while); with none left, the node is
 * withdrawn. Withdrawn before the server's ports close; the mapping stays, as Dubbo leaves it.
 */
final class InstancePublication {

    private static final Logger log = LoggerFactory.getLogger(InstancePublication.class);

    private final ZooKeeperApplications applications;
    private final LocalMetadataService answers;
    private final ServiceUrl reachable;
    private final Exporter<MetadataService> metadataService;
    /** Over Triple, when the server serves it. */
    private final @Nullable Exporter<MetadataServiceV2> metadataServiceV2;
    /** The version advertised: {@link MetadataServiceV2#VERSION} where it is served, as Dubbo advertises it. */
    private final String metadataVersion;
    private final Storage storage;
    /** The node as last advertised; guarded by this. */
    private InstanceNode instance;
    /** Whether the node is deleted now; guarded by this. */
    private boolean withdrawn;
    /** The interfaces mapped to the application by this instance; guarded by this. */
    private final java.util.Set<String> mapped = new java.util.HashSet<>();

    private InstancePublication(ZooKeeperApplications applications, LocalMetadataService answers, ServiceUrl reachable,
            InstanceNode instance, Exporter<MetadataService> metadataService,
            @Nullable Exporter<MetadataServiceV2> metadataServiceV2, String metadataVersion, Storage storage) {
        this.applications = applications;
        this.answers = answers;
        this.reachable = reachable;
        this.instance = instance;
        this.metadataService = metadataService;
        this.metadataServiceV2 = metadataServiceV2;
        this.metadataVersion = metadataVersion;
        this.storage = storage;
    }

    /**
     * Publishes {@code app}'s instance serving {@code advertised} (the URLs as registered), its
     * metadata service exported through {@code protocol} on {@code bindHost:port}, and, when the
     * server serves Triple ({@code triple} at {@code tripleAt}), {@link MetadataServiceV2} over it,
     * which is then what the instance advertises, as Dubbo 3.3 does.
     */
    static InstancePublication publish(ZooKeeperApplications applications, String app,
            List<ServiceUrl> advertised, Protocol protocol, String bindHost, String registerHost, int port,
            @Nullable Protocol triple, @Nullable ServiceUrl tripleAt, Storage storage, LifecycleTracker tracker) {
        LocalMetadataService answers = new LocalMetadataService();
        Exporter<MetadataService> exporter = protocol.export(Invokers.of(MetadataService.class, answers,
                metadataServiceUrl(protocol.name(), bindHost, port, MetadataService.NAME, MetadataService.VERSION, app),
                tracker));
        Exporter<MetadataServiceV2> v2 = null;
        try {
            if (triple != null && tripleAt != null) {
                v2 = triple.export(Invokers.of(MetadataServiceV2.class, answers, metadataServiceUrl(triple.name(),
                        tripleAt.host(), tripleAt.port(), MetadataServiceV2.NAME, MetadataServiceV2.VERSION, app),
                        tracker));
            }
            Exporter<?> advertising = v2 != null ? v2 : exporter;
            String version = v2 != null ? MetadataServiceV2.VERSION : MetadataService.VERSION;
            ServiceUrl reachable = advertising.url().toBuilder().address(registerHost, advertising.url().port()).build();
            InstanceNode instance = node(applications, app, registerHost, port, System.currentTimeMillis(), advertised,
                    answers, reachable, version, storage);
            applications.register(instance);
            InstancePublication publication = new InstancePublication(applications, answers, reachable, instance,
                    exporter, v2, version, storage);
            publication.map(advertised);
            return publication;
        } catch (RuntimeException e) {
            exporter.close();
            if (v2 != null) {
                v2.close();
            }
            throw e;
        }
    }

    private static ServiceUrl metadataServiceUrl(String protocol, String host, int port, String name, String version,
            String app) {
        return ServiceUrl.builder(protocol).address(host, port).path(name).parameter("interface", name).group(app)
                .version(version).parameter("application", app).parameter("side", "provider").build();
    }

    /**
     * The node of an instance serving {@code advertised}, its metadata service answering for
     * that revision from now on.
     */
    private static InstanceNode node(ZooKeeperApplications applications, String app, String host, int port,
            long registered, List<ServiceUrl> advertised, LocalMetadataService answers, ServiceUrl reachable,
            String metadataVersion, Storage storage) {
        AppMetadata metadata = AppMetadata.of(app, advertised);
        answers.publish(metadata);
        if (storage.report()) {
            applications.publishMetadata(metadata);
        }
        return new InstanceNode(app, host, port, InstanceMetadata.of(metadata, advertised, reachable, metadataVersion,
                storage.type()), registered);
    }

    /**
     * Where the metadata is kept: {@code type} as the instance advertises it
     * ({@link InstanceMetadata#LOCAL} or {@link InstanceMetadata#REMOTE}), and whether it is
     * published to the metadata report (always for remote; for local when asked, as Dubbo's
     * {@code report-metadata}).
     */
    record Storage(String type, boolean report) {
        static Storage of(String type, boolean report) {
            return new Storage(type, report || InstanceMetadata.REMOTE.equals(type));
        }
    }

    /**
     * Adds the application to the mapping of each interface in {@code advertised} not mapped by
     * this instance yet (a mapping is never taken back, as Dubbo leaves it).
     */
    private synchronized void map(List<ServiceUrl> advertised) {
        for (ServiceUrl url : advertised) {
            String interfaceName = url.interfaceName();
            if (mapped.contains(interfaceName)) {
                continue;
            }
            try {
                applications.map(interfaceName, instance.app());
                mapped.add(interfaceName);
            } catch (RpcException e) {
                log.warn("cannot map {} to {}: consumers at the application level find it only with"
                        + " provided-by={}: {}", interfaceName, instance.app(), instance.app(), e.getMessage());
            }
        }
    }

    /**
     * Advertises {@code advertised} from now on: a new revision in the node, answered for by the
     * metadata service; with nothing left to advertise, the node is withdrawn.
     */
    synchronized void advertise(List<ServiceUrl> advertised) {
        if (advertised.isEmpty()) {
            withdraw();
            return;
        }
        InstanceNode next;
        try {
            next = node(applications, instance.app(), instance.host(), instance.port(), instance.registrationTimeUtc(),
                    advertised, answers, reachable, metadataVersion, storage);
        } catch (RuntimeException e) {
            log.warn("cannot advertise instance {} of {} anew: {}", instance.id(), instance.app(), e.getMessage());
            return;
        }
        try {
            applications.register(next);
            instance = next;
            withdrawn = false;
            map(advertised);
        } catch (RuntimeException e) {
            log.warn("cannot advertise instance {} of {} anew: {}", next.id(), next.app(), e.getMessage());
        }
    }

    /** Deletes the instance node: consumers at the application level stop calling it. */
    synchronized void withdraw() {
        if (withdrawn) {
            return;
        }
        try {
            applications.unregister(instance);
            withdrawn = true;
        } catch (RuntimeException e) {
            log.warn("cannot unregister instance {} of {}: {}", instance.id(), instance.app(), e.getMessage());
        }
    }

    /** Revisions the metadata service answers for now; for lifecycle tests. */
    int revisionsKept() {
        return answers.size();
    }

    /** Unexports the metadata service, in both versions. */
    CompletableFuture<Void> closeAsync() {
        Exporter<MetadataServiceV2> v2 = metadataServiceV2;
        return CompletableFuture.allOf(metadataService.closeAsync(),
                v2 != null ? v2.closeAsync() : CompletableFuture.completedFuture(null));
    }
}
