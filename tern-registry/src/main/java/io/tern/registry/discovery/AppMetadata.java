package io.tern.registry.discovery;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tern.ServiceUrl;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one application instance serves, as application-level discovery publishes it: Apache
 * Dubbo's {@code MetadataInfo}. Its revision names this content. An instance advertises the
 * revision in its registry node; a consumer asks the instance for the metadata of a revision it
 * has not seen, and keeps what it got by revision, so two instances serving the same services
 * cost one request.
 *
 * @param app the application's name
 * @param services the services by {@link ServiceInfo#matchKey()}, sorted
 */
public record AppMetadata(String app, SortedMap<String, ServiceInfo> services) {

    /** The revision of an application that serves nothing; an instance with it is not registered. */
    public static final String EMPTY_REVISION = "0";
    private static final ObjectMapper JSON = new ObjectMapper();

    public AppMetadata {
        requireNonNull(app, "app");
        services = Collections.unmodifiableSortedMap(new TreeMap<>(services));
    }

    /** The metadata of {@code app} serving {@code exported}: one service per match key, the last URL of a key kept. */
    public static AppMetadata of(String app, Collection<ServiceUrl> exported) {
        SortedMap<String, ServiceInfo> services = new TreeMap<>();
        for (ServiceUrl url : exported) {
            ServiceInfo service = ServiceInfo.of(url);
            services.put(service.matchKey(), service);
        }
        return new AppMetadata(app, services);
    }

    /**
     * The revision, exactly as Dubbo computes it: {@link #EMPTY_REVISION} without services, else
     * the MD5 (32 lower-case hexadecimal digits) of the UTF-8 bytes of the application's name
     * followed by each service's match key, port, path and parameters, in match-key order.
     */
    public String revision() {
        if (services.isEmpty()) {
            return EMPTY_REVISION;
        }
        StringBuilder described = new StringBuilder(app);
        for (ServiceInfo service : services.values()) {
            described.append(service.descString());
        }
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            return HexFormat.of().formatHex(md5.digest(described.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this JVM (every Java SE has it)", e);
        }
    }

    /**
     * The metadata as Dubbo's metadata report keeps it ({@code MetadataInfo.getContent()}): JSON
     * with {@code app}, {@code revision} and {@code services} by match key, each with
     * {@code name, group, version, protocol, port, path, params}.
     */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode().put("app", app).put("revision", revision());
        ObjectNode all = root.putObject("services");
        services.forEach((key, service) -> {
            ObjectNode one = all.putObject(key).put("name", service.name()).put("group", service.group())
                    .put("version", service.version()).put("protocol", service.protocol()).put("port", service.port())
                    .put("path", service.path());
            ObjectNode params = one.putObject("params");
            service.params().forEach(params::put);
        });
        return root.toString();
    }

    /**
     * Metadata read from a metadata report, leniently as Dubbo reads it (fields it does not know
     * are skipped; a service's missing strings are empty).
     *
     * @throws IllegalArgumentException naming what is wrong, when it is not such JSON
     */
    public static AppMetadata fromJson(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("metadata: not JSON (expected: Dubbo's MetadataInfo as JSON): "
                    + e.getOriginalMessage());
        }
        if (root == null || !root.isObject() || !root.path("app").isTextual()) {
            throw new IllegalArgumentException("metadata: " + (root == null ? "nothing" : root.getNodeType())
                    + " without an app (expected: Dubbo's MetadataInfo as JSON, {\"app\": ..., \"services\": ...})");
        }
        SortedMap<String, ServiceInfo> services = new TreeMap<>();
        for (Map.Entry<String, JsonNode> entry : root.path("services").properties()) {
            JsonNode service = entry.getValue();
            if (!service.path("name").isTextual()) {
                throw new IllegalArgumentException("metadata: service " + entry.getKey() + " has no name");
            }
            Map<String, String> params = new TreeMap<>();
            service.path("params").properties().forEach(p -> params.put(p.getKey(), p.getValue().asText()));
            ServiceInfo info = new ServiceInfo(service.path("name").asText(), service.path("group").asText(""),
                    service.path("version").asText(""), service.path("protocol").asText(""),
                    service.path("port").asInt(-1), service.path("path").asText(""), params);
            services.put(info.matchKey(), info);
        }
        return new AppMetadata(root.path("app").asText(), services);
    }
}
