package io.tern;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** Builds a {@link ServiceUrl}. Values are written as given, so they must not contain {@code &}. */
public final class ServiceUrlBuilder {

    private String protocol;
    private @Nullable String username;
    private @Nullable String password;
    private final List<HostPort> addresses = new ArrayList<>(1);
    private String path = "";
    private final SortedMap<String, String> parameters = new TreeMap<>();

    ServiceUrlBuilder(String protocol) {
        this.protocol = protocol;
    }

    ServiceUrlBuilder(ServiceUrl url) {
        this.protocol = url.protocol();
        this.username = url.username();
        this.password = url.password();
        this.addresses.addAll(url.addresses());
        this.path = url.path();
        this.parameters.putAll(url.parameters());
    }

    public ServiceUrlBuilder protocol(String protocol) {
        this.protocol = requireNonNull(protocol, "protocol");
        return this;
    }

    public ServiceUrlBuilder credentials(@Nullable String username, @Nullable String password) {
        this.username = username;
        this.password = password;
        return this;
    }

    /** Replaces the addresses with one. */
    public ServiceUrlBuilder address(String host, int port) {
        addresses.clear();
        addresses.add(new HostPort(requireNonNull(host, "host"), port));
        return this;
    }

    /** Adds an address after those already set. */
    public ServiceUrlBuilder addAddress(String host, int port) {
        addresses.add(new HostPort(requireNonNull(host, "host"), port));
        return this;
    }

    /** Sets the path; a leading slash is dropped. */
    public ServiceUrlBuilder path(String path) {
        requireNonNull(path, "path");
        this.path = path.startsWith("/") ? path.substring(1) : path;
        return this;
    }

    /**
     * Sets a parameter.
     *
     * @throws IllegalArgumentException if the name is empty or either part contains {@code &}
     */
    public ServiceUrlBuilder parameter(String key, String value) {
        requireNonNull(key, "key");
        requireNonNull(value, "value");
        if (key.isEmpty() || key.indexOf('&') >= 0 || key.indexOf('=') >= 0) {
            throw new IllegalArgumentException("parameter name: '" + key + "' (expected: non-empty, without '&' or '=')");
        }
        if (value.indexOf('&') >= 0) {
            throw new IllegalArgumentException("parameter " + key + ": '" + value
                    + "' contains '&' (expected: a value encoded with ServiceUrl.encode)");
        }
        parameters.put(key, value);
        return this;
    }

    public ServiceUrlBuilder parameter(String key, long value) {
        return parameter(key, Long.toString(value));
    }

    public ServiceUrlBuilder parameter(String key, boolean value) {
        return parameter(key, Boolean.toString(value));
    }

    public ServiceUrlBuilder parameters(Map<String, String> parameters) {
        parameters.forEach(this::parameter);
        return this;
    }

    public ServiceUrlBuilder removeParameter(String key) {
        parameters.remove(key);
        return this;
    }

    public ServiceUrlBuilder interfaceName(String interfaceName) {
        return parameter(ServiceUrl.Keys.INTERFACE, interfaceName);
    }

    public ServiceUrlBuilder group(String group) {
        return parameter(ServiceUrl.Keys.GROUP, group);
    }

    public ServiceUrlBuilder version(String version) {
        return parameter(ServiceUrl.Keys.VERSION, version);
    }

    public ServiceUrlBuilder timeout(Duration timeout) {
        requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: >= 0)");
        }
        return parameter(ServiceUrl.Keys.TIMEOUT, timeout.toMillis());
    }

    public ServiceUrlBuilder retries(int retries) {
        if (retries < 0) {
            throw new IllegalArgumentException("retries: " + retries + " (expected: >= 0)");
        }
        return parameter(ServiceUrl.Keys.RETRIES, retries);
    }

    public ServiceUrl build() {
        return new ServiceUrl(protocol, username, password, addresses, path, parameters);
    }
}
