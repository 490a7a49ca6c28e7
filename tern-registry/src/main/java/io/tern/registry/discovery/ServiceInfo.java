package io.tern.registry.discovery;

import static java.util.Objects.requireNonNull;

import io.tern.ServiceUrl;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One exported service as application-level discovery describes it to consumers, field for field
 * Apache Dubbo's {@code MetadataInfo.ServiceInfo}: what a consumer that found an instance needs to
 * call the service there. Its parameters are the provider URL's, less those that differ between
 * two starts of the same provider or say nothing to a consumer (Dubbo's default metadata params
 * filter), so that the same services give the same revision.
 *
 * @param name the interface
 * @param group the group, or the empty string
 * @param version the version, or the empty string
 * @param protocol the protocol it is served over ({@code dubbo}, {@code tri})
 * @param port the port it is served on
 * @param path the URL path, usually the interface
 * @param params the provider URL's parameters that describe the service, sorted
 */
public record ServiceInfo(String name, String group, String version, String protocol, int port, String path,
        Map<String, String> params) {

    /**
     * Parameters left out, as Dubbo's {@code DefaultMetadataParamsFilter} leaves them out: each
     * key equal to one of these, ignoring case, and each key containing one after a dot (a
     * method's {@code getUser.timestamp}).
     */
    static final List<String> EXCLUDED = List.of("monitor", "bind.ip", "bind.port", "qos.enable", "qos.host",
            "qos.port", "qos.accept.foreign.ip", "validation", "interfaces", "pid", "timestamp", "heartbeat.timeout",
            "ipv6");

    public ServiceInfo {
        requireNonNull(name, "name");
        requireNonNull(group, "group");
        requireNonNull(version, "version");
        requireNonNull(protocol, "protocol");
        requireNonNull(path, "path");
        params = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(params));
    }

    /** The service an exported provider URL describes. */
    public static ServiceInfo of(ServiceUrl url) {
        Map<String, String> kept = new TreeMap<>();
        url.parameters().forEach((key, value) -> {
            if (!excluded(key)) {
                kept.put(key, value);
            }
        });
        return new ServiceInfo(url.interfaceName(), url.group(), url.version(), url.protocol(), url.port(), url.path(),
                kept);
    }

    private static boolean excluded(String key) {
        for (String excluded : EXCLUDED) {
            if (key.equalsIgnoreCase(excluded) || key.contains("." + excluded)) {
                return true;
            }
        }
        return false;
    }

    /** {@code group/interface:version}, without the parts that are empty. */
    public String serviceKey() {
        StringBuilder key = new StringBuilder(group.length() + name.length() + version.length() + 2);
        if (!group.isEmpty()) {
            key.append(group).append('/');
        }
        key.append(name);
        if (!version.isEmpty()) {
            key.append(':').append(version);
        }
        return key.toString();
    }

    /** The service key and the protocol, {@code group/interface:version:protocol}: its key in an application's metadata. */
    public String matchKey() {
        return protocol.isEmpty() ? serviceKey() : serviceKey() + ":" + protocol;
    }

    /** What the revision is computed from: match key, port, path and parameters, run together as Dubbo runs them. */
    String descString() {
        return matchKey() + port + path + params;
    }
}
