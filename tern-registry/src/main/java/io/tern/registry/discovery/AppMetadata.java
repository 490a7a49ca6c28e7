package io.tern.registry.discovery;

import static java.util.Objects.requireNonNull;

import io.tern.ServiceUrl;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
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
}
