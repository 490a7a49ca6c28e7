package io.tern.bootstrap;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How one service is exported: its group, version, any URL parameters (Dubbo's names), and
 * whether it is offered over one protocol only (Triple or dubbo).
 */
public final class ServiceOptions {

    String group = "";
    String version = "";
    final Map<String, String> parameters = new LinkedHashMap<>();
    boolean tripleOnly;
    boolean dubboOnly;

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

    /**
     * Offers the service over Triple only, not dubbo: for a service whose methods take and
     * return protobuf messages, which gRPC clients call and Hessian2 does not carry. Needs a
     * server with {@link TernServerBuilder#triple(boolean) Triple} on.
     */
    public ServiceOptions tripleOnly() {
        this.tripleOnly = true;
        return this;
    }

    /**
     * Offers the service over dubbo only, not Triple, on a server that serves Triple for other
     * services.
     */
    public ServiceOptions dubboOnly() {
        this.dubboOnly = true;
        return this;
    }

    /**
     * Token authentication, as Dubbo's {@code token}: {@code "true"} makes a random token, any
     * other value is the token. The provider's registered URL carries it, consumers found through
     * the registry send it, and calls without it are refused with
     * {@link io.tern.RpcStatus#FORBIDDEN} before the service runs.
     */
    public ServiceOptions token(String token) {
        return parameter(io.tern.core.Tokens.KEY, token);
    }

    /** A URL parameter: {@code timeout}, {@code threads}, {@code dispatch}, {@code weight}, ... */
    public ServiceOptions parameter(String key, String value) {
        parameters.put(requireNonNull(key, "key"), requireNonNull(value, "value"));
        return this;
    }
}
