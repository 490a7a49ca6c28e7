package io.tern.registry.discovery;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One application instance's registry node, {@code /services/<app>/<host:port>}, in the JSON that
 * Curator's service discovery writes for Apache Dubbo: Curator's instance fields around a
 * {@code ZookeeperInstance} payload, which names its class so that Curator can read it back, and
 * whose metadata carries the revision, the endpoints and how to reach the instance's metadata
 * service ({@link InstanceMetadata}). Read leniently, as Curator reads it: fields it does not know
 * are ignored.
 *
 * @param app the application's name
 * @param host the address consumers connect to
 * @param port the instance's port: its first protocol's
 * @param metadata the payload's metadata, sorted
 * @param registrationTimeUtc when the node was made, in milliseconds since the epoch
 */
public record InstanceNode(String app, String host, int port, Map<String, String> metadata,
        long registrationTimeUtc) {

    /** The payload's class, which Curator instantiates when it reads the node. */
    public static final String PAYLOAD_CLASS = "org.apache.dubbo.registry.zookeeper.ZookeeperInstance";
    /** Largest node read: a ZooKeeper node holds at most 1 MiB by default. */
    public static final int MAX_BYTES = 1 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    public InstanceNode {
        requireNonNull(app, "app");
        requireNonNull(host, "host");
        if (app.isEmpty() || app.contains("/")) {
            throw new IllegalArgumentException("application: '" + app + "' (expected: a name without '/')");
        }
        if (port <= 0 || port > 65_535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1 to 65535)");
        }
        metadata = Collections.unmodifiableSortedMap(new TreeMap<>(metadata));
    }

    /** The node's name under its application: {@code host:port}. */
    public String id() {
        return host + ":" + port;
    }

    /** The revision the instance advertises; empty when it advertises none. */
    public String revision() {
        return metadata.getOrDefault(InstanceMetadata.REVISION, "");
    }

    /** The node's content, with Curator's fields in Curator's order. */
    public byte[] toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", app);
        node.put("id", id());
        node.put("address", host);
        node.put("port", port);
        node.putNull("sslPort");
        ObjectNode payload = node.putObject("payload");
        payload.put("@class", PAYLOAD_CLASS);
        payload.put("id", id());
        payload.put("name", app);
        ObjectNode meta = payload.putObject("metadata");
        metadata.forEach(meta::put);
        node.put("registrationTimeUTC", registrationTimeUtc);
        node.put("serviceType", "DYNAMIC");
        node.putNull("uriSpec");
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the instance node of " + id(), e);
        }
    }

    /**
     * Reads a node's content.
     *
     * @throws IllegalArgumentException naming what is missing or wrong, and what was expected
     */
    public static InstanceNode parse(byte[] content) {
        if (content.length > MAX_BYTES) {
            throw new IllegalArgumentException("instance node: " + content.length + " bytes (expected: at most "
                    + MAX_BYTES + ")");
        }
        JsonNode node;
        try {
            node = JSON.readTree(content);
        } catch (IOException e) {
            String why = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
            throw new IllegalArgumentException("instance node: not JSON: " + why
                    + " (expected: a Curator service instance)", e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("instance node: not a JSON object (expected: a Curator service instance)");
        }
        String app = text(node, "name");
        String host = text(node, "address");
        JsonNode port = node.get("port");
        if (port == null || !port.canConvertToInt()) {
            throw new IllegalArgumentException("instance node of " + app + ": port: " + port
                    + " (expected: an integer)");
        }
        Map<String, String> metadata = new TreeMap<>();
        JsonNode payload = node.get("payload");
        JsonNode meta = payload == null ? null : payload.get("metadata");
        if (meta != null && meta.isObject()) {
            for (Map.Entry<String, JsonNode> entry : meta.properties()) {
                if (!entry.getValue().isNull()) {
                    metadata.put(entry.getKey(), entry.getValue().asText());
                }
            }
        }
        JsonNode time = node.get("registrationTimeUTC");
        return new InstanceNode(app, host, port.asInt(), metadata, time == null ? 0 : time.asLong());
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new IllegalArgumentException("instance node: " + field + ": " + value
                    + " (expected: a non-empty string)");
        }
        return value.asText();
    }
}
