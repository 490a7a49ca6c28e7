package io.tern.registry.discovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tern.ServiceUrl;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The metadata an application instance advertises in its registry node, under Apache Dubbo's
 * keys: the revision of what it serves, where that metadata is kept, a port per protocol, how to
 * call its metadata service, and a few instance-wide parameters of its exported URLs.
 */
public final class InstanceMetadata {

    /** The revision of the instance's {@link AppMetadata}. */
    public static final String REVISION = "dubbo.metadata.revision";
    /** Where the metadata is kept: {@code local} (asked of the instance) or {@code remote} (the metadata report). */
    public static final String STORAGE_TYPE = "dubbo.metadata.storage-type";
    /** A JSON array of {@code {"port":…,"protocol":…}}, one per protocol served. */
    public static final String ENDPOINTS = "dubbo.endpoints";
    /** A JSON object of the metadata service's URL parameters a consumer calls it with. */
    public static final String METADATA_SERVICE_PARAMS = "dubbo.metadata-service.url-params";
    /** The metadata service's version: {@code 1.0.0} (Hessian2, any protocol) or {@code 2.0.0} (protobuf over Triple). */
    public static final String METADATA_SERVICE_VERSION = "meta-v";

    /** Metadata kept by the instance itself, asked of its metadata service. */
    public static final String LOCAL = "local";
    /** Metadata published to the metadata report, read from there. */
    public static final String REMOTE = "remote";

    /** The provider URL parameters a consumer may need to call the metadata service, in Dubbo's order. */
    static final List<String> METADATA_SERVICE_KEYS = List.of("application", "codec", "exchanger", "serialization",
            "prefer.serialization", "cluster", "connections", "deprecated", "group", "loadbalance", "mock", "path",
            "timeout", "token", "version", "warmup", "weight", "dubbo", "release", "side", "ipv6",
            "serialize.packable.factory", "auth", "authenticator", "username", "password");
    /** Of those, the ones left out: they are the instance's or the consumer's own. */
    private static final Set<String> NOT_FOR_THE_CONSUMER = Set.of("application", "group", "deprecated", "timestamp");
    /** Exported URL parameters that describe the whole instance, copied to its metadata. */
    static final List<String> INSTANCE_KEYS = List.of("heartbeat.timeout", "timestamp", "ipv6");

    private static final ObjectMapper JSON = new ObjectMapper();

    private InstanceMetadata() {
    }

    /**
     * The metadata of an instance serving {@code app}'s {@code exported} services, its metadata
     * service exported at {@code metadataService} in version {@code metadataServiceVersion}.
     */
    public static Map<String, String> of(AppMetadata app, Collection<ServiceUrl> exported, ServiceUrl metadataService,
            String metadataServiceVersion) {
        return of(app, exported, metadataService, metadataServiceVersion, LOCAL);
    }

    /** As above, its metadata kept where {@code storageType} says ({@link #LOCAL} or {@link #REMOTE}). */
    public static Map<String, String> of(AppMetadata app, Collection<ServiceUrl> exported, ServiceUrl metadataService,
            String metadataServiceVersion, String storageType) {
        Map<String, String> metadata = new TreeMap<>();
        for (ServiceUrl url : exported) {
            for (String key : INSTANCE_KEYS) {
                String value = url.parameter(key);
                if (value != null && !value.isEmpty()) {
                    metadata.put(key, value);
                }
            }
        }
        metadata.put(REVISION, app.revision());
        metadata.put(STORAGE_TYPE, storageType);
        metadata.put(ENDPOINTS, endpoints(exported));
        metadata.put(METADATA_SERVICE_PARAMS, metadataServiceParams(metadataService));
        metadata.put(METADATA_SERVICE_VERSION, metadataServiceVersion);
        return metadata;
    }

    /** A port per protocol served, the last exported URL's when a protocol has several. */
    static String endpoints(Collection<ServiceUrl> exported) {
        Map<String, Integer> ports = new TreeMap<>();
        for (ServiceUrl url : exported) {
            ports.put(url.protocol(), url.port());
        }
        ArrayNode endpoints = JSON.createArrayNode();
        ports.forEach((protocol, port) -> endpoints.addObject().put("port", port).put("protocol", protocol));
        return write(endpoints);
    }

    /**
     * What a consumer needs of the metadata service's URL to call it: the parameters of
     * {@link #METADATA_SERVICE_KEYS} it has (less the application, group, deprecated and
     * timestamp), then its port and protocol, as Dubbo writes them.
     */
    static String metadataServiceParams(ServiceUrl url) {
        ObjectNode params = JSON.createObjectNode();
        for (String key : METADATA_SERVICE_KEYS) {
            String value = url.parameter(key);
            if (!NOT_FOR_THE_CONSUMER.contains(key) && value != null && !value.isBlank()) {
                params.put(key, value);
            }
        }
        params.put("port", String.valueOf(url.port()));
        params.put("protocol", url.protocol());
        return write(params);
    }

    /**
     * The port an instance serves {@code protocol} on, from its {@link #ENDPOINTS}; -1 when it
     * advertises none for that protocol.
     *
     * @throws IllegalArgumentException naming the key, when the endpoints are not what Dubbo writes
     */
    public static int endpointPort(Map<String, String> metadata, String protocol) {
        String endpoints = metadata.get(ENDPOINTS);
        if (endpoints == null || endpoints.isBlank()) {
            return -1;
        }
        JsonNode array = read(ENDPOINTS, endpoints);
        if (!array.isArray()) {
            throw new IllegalArgumentException(ENDPOINTS + ": " + shorten(endpoints) + " (expected: a JSON array of"
                    + " {\"port\": ..., \"protocol\": ...})");
        }
        for (JsonNode endpoint : array) {
            if (protocol.equals(endpoint.path("protocol").asText())) {
                int port = endpoint.path("port").asInt(-1);
                if (port <= 0 || port > 65_535) {
                    throw new IllegalArgumentException(ENDPOINTS + ": port " + endpoint.path("port") + " of " + protocol
                            + " (expected: 1 to 65535)");
                }
                return port;
            }
        }
        return -1;
    }

    /**
     * The parameters of the metadata service's URL an instance advertises
     * ({@link #METADATA_SERVICE_PARAMS}, among them its {@code protocol} and {@code port}); empty
     * when it advertises none.
     *
     * @throws IllegalArgumentException naming the key, when they are not a JSON object of strings
     */
    public static Map<String, String> metadataServiceParams(Map<String, String> metadata) {
        String params = metadata.get(METADATA_SERVICE_PARAMS);
        if (params == null || params.isBlank()) {
            return Map.of();
        }
        JsonNode object = read(METADATA_SERVICE_PARAMS, params);
        if (!object.isObject()) {
            throw new IllegalArgumentException(METADATA_SERVICE_PARAMS + ": " + shorten(params)
                    + " (expected: a JSON object of parameters)");
        }
        Map<String, String> found = new TreeMap<>();
        for (Map.Entry<String, JsonNode> entry : object.properties()) {
            if (!entry.getValue().isValueNode()) {
                throw new IllegalArgumentException(METADATA_SERVICE_PARAMS + ": parameter " + entry.getKey()
                        + " is " + entry.getValue().getNodeType() + " (expected: a string)");
            }
            found.put(entry.getKey(), entry.getValue().asText());
        }
        return found;
    }

    private static JsonNode read(String key, String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(key + ": " + shorten(json) + " is not JSON (expected: JSON as Dubbo"
                    + " writes it): " + e.getOriginalMessage());
        }
    }

    private static String shorten(String text) {
        return text.length() <= 80 ? "'" + text + "'" : "'" + text.substring(0, 80) + "...' (" + text.length()
                + " characters)";
    }

    private static String write(Object json) {
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write instance metadata", e);
        }
    }
}
