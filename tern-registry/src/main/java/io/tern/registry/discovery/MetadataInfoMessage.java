package io.tern.registry.discovery;

import io.tern.WireName;
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
