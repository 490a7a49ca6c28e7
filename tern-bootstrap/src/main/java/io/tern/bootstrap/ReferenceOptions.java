package io.tern.bootstrap;

import static java.util.Objects.requireNonNull;

import io.tern.cluster.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How one reference reaches its service: directly ({@link #url}) or through the client's
 * registry, with its group, version, timeout and any URL parameters (Dubbo's names:
 * {@code retries}, {@code loadbalance}, {@code cluster}, {@code <method>.timeout}, ...).
 */
public final class ReferenceOptions {

    @Nullable String url;
    @Nullable String service;
    String group = "";
    String version = "";
    @Nullable Duration timeout;
    final Map<String, String> parameters = new LinkedHashMap<>();
    final List<Router> routers = new ArrayList<>();

    ReferenceOptions() {
    }

    /** A provider address ({@code dubbo://host:port}) to call directly, without the registry. */
    public ReferenceOptions url(String url) {
        this.url = requireNonNull(url, "url");
        return this;
    }

    /**
     * The interface name of the service to call, when the reference type is not that interface:
     * for {@link io.tern.GenericService} references.
     */
    public ReferenceOptions service(String interfaceName) {
        this.service = requireNonNull(interfaceName, "interfaceName");
        return this;
    }

    public ReferenceOptions group(String group) {
        this.group = requireNonNull(group, "group");
        return this;
    }

    public ReferenceOptions version(String version) {
        this.version = requireNonNull(version, "version");
        return this;
    }

    public ReferenceOptions timeout(Duration timeout) {
        requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
        this.timeout = timeout;
        return this;
    }

    public ReferenceOptions parameter(String key, String value) {
        parameters.put(requireNonNull(key, "key"), requireNonNull(value, "value"));
        return this;
    }

    public ReferenceOptions router(Router router) {
        routers.add(requireNonNull(router, "router"));
        return this;
    }
}
