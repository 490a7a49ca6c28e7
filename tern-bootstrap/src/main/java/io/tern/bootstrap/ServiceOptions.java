package io.tern.bootstrap;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;

/** How one service is exported: its group, version, and any URL parameters (Dubbo's names). */
public final class ServiceOptions {

    String group = "";
    String version = "";
    final Map<String, String> parameters = new LinkedHashMap<>();

    ServiceOptions() {
    }

    public ServiceOptions group(String group) {
        this.group = requireNonNull(group, "group");
        return this;
    }

    public ServiceOptions version(String version) {
        this.version = requireNonNull(version, "version");
        return this;
    }

    /** A URL parameter: {@code timeout}, {@code threads}, {@code dispatch}, {@code weight}, ... */
    public ServiceOptions parameter(String key, String value) {
        parameters.put(requireNonNull(key, "key"), requireNonNull(value, "value"));
        return this;
    }
}
