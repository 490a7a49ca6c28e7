package io.tern.registry.discovery;

import io.tern.WireName;
import io.tern.registry.discovery.v2.MetadataInfoV2;
import io.tern.registry.discovery.v2.ServiceInfoV2;
import java.io.Serializable;
import java.util.HashMap;

/**
 * An application's metadata as it travels to a consumer that asks an instance for a revision:
 * Apache Dubbo's {@code MetadataInfo}, field for field, so that a Dubbo consumer reads it as its
 * own. Plain {@link HashMap}s, which every Hessian2 reader takes.
 *
 * @param services the services by match key ({@code group/interface:version:protocol})
 * @param revision the revision this describes
 * @param app the application's name
 */
@WireName("org.apache.dubbo.metadata.MetadataInfo")
public record MetadataInfoMessage(HashMap<String, ServiceInfoMessage> services, String revision, String app)
        implements Serializable {

    /** The message of {@code metadata}. */
    public static MetadataInfoMessage of(AppMetadata metadata) {
        HashMap<String, ServiceInfoMessage> services = new HashMap<>();
        metadata.services().forEach((key, service) -> services.put(key, ServiceInfoMessage.of(service)));
        return new MetadataInfoMessage(services, metadata.revision(), metadata.app());
    }

    /** The same metadata as {@link MetadataServiceV2} answers it: Dubbo's {@code MetadataInfoV2}. */
    public MetadataInfoV2 toV2() {
        MetadataInfoV2.Builder v2 = MetadataInfoV2.newBuilder().setApp(app).setVersion(revision);
        services.forEach((key, service) -> v2.putServices(key, ServiceInfoV2.newBuilder().setName(service.name())
                .setGroup(service.group()).setVersion(service.version()).setProtocol(service.protocol())
                .setPort(service.port()).setPath(service.path()).putAllParams(service.params()).build()));
        return v2.build();
    }

    /** What {@link MetadataServiceV2} answered, as the message {@link MetadataService} answers. */
    public static MetadataInfoMessage fromV2(MetadataInfoV2 v2) {
        HashMap<String, ServiceInfoMessage> services = new HashMap<>();
        v2.getServicesMap().forEach((key, service) -> services.put(key, new ServiceInfoMessage(
                new HashMap<>(service.getParamsMap()), service.getPath(), service.getPort(), service.getProtocol(),
                service.getVersion(), service.getGroup(), service.getName())));
        return new MetadataInfoMessage(services, v2.getVersion(), v2.getApp());
    }

    /**
     * One service in a {@link MetadataInfoMessage}: Dubbo's {@code MetadataInfo$ServiceInfo}.
     *
     * @param params the service's parameters
     * @param path the URL path
     * @param port the port it is served on
     * @param protocol the protocol it is served over
     * @param version the version, or the empty string
     * @param group the group, or the empty string
     * @param name the interface
     */
    @WireName("org.apache.dubbo.metadata.MetadataInfo$ServiceInfo")
    public record ServiceInfoMessage(HashMap<String, String> params, String path, int port, String protocol,
            String version, String group, String name) implements Serializable {

        static ServiceInfoMessage of(ServiceInfo service) {
            return new ServiceInfoMessage(new HashMap<>(service.params()), service.path(), service.port(),
                    service.protocol(), service.version(), service.group(), service.name());
        }
    }
}
