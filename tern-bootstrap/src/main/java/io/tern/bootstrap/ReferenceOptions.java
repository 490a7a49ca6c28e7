package io.tern.bootstrap;

import static java.util.Objects.requireNonNull;

import io.tern.cluster.ClusterStrategy;
import io.tern.cluster.LoadBalancers;
import io.tern.cluster.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How one reference reaches its service: directly ({@link #url}) or through the client's
 * registry, with its group, version, timeout, fault tolerance and load balancing, per method
 * where it says so. The typed setters check their values at once; they set the URL parameters
 * of Dubbo's names ({@code retries}, {@code cluster}, {@code loadbalance},
 * {@code <method>.timeout}, ...), which {@link #parameter} can also set directly.
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

    /**
     * The protocol to call over: {@code dubbo} (the default) or {@code tri}. Through a registry
     * the reference then takes only providers registered with it; a direct {@link #url} names it
     * itself ({@code tri://host:port}).
     */
    public ReferenceOptions protocol(String protocol) {
        requireNonNull(protocol, "protocol");
        if (!protocol.equals("dubbo") && !protocol.equals("tri")) {
            throw new IllegalArgumentException("protocol: " + protocol + " (expected: dubbo or tri)");
        }
        parameters.put("protocol", protocol);
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

    /** The timeout of calls to one method, over the reference's. */
    public ReferenceOptions timeout(String method, Duration timeout) {
        requireNonNull(method, "method");
        requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(method + ".timeout: " + timeout + " (expected: > 0)");
        }
        return parameter(method + ".timeout", Long.toString(timeout.toMillis()));
    }

    /** How many other providers a failed call is retried on ({@code failover}; 2 by default). */
    public ReferenceOptions retries(int retries) {
        return parameter("retries", Integer.toString(nonNegative("retries", retries)));
    }

    /** Retries for calls to one method, over the reference's. */
    public ReferenceOptions retries(String method, int retries) {
        requireNonNull(method, "method");
        return parameter(method + ".retries", Integer.toString(nonNegative(method + ".retries", retries)));
    }

    /** What a failed call does ({@code failover} by default). */
    public ReferenceOptions cluster(ClusterStrategy strategy) {
        requireNonNull(strategy, "strategy");
        return parameter("cluster", strategy.name().toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * The load balancer, by name ({@code random} by default).
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public ReferenceOptions loadBalancer(String name) {
        return parameter("loadbalance", LoadBalancers.checkName("loadbalance", requireNonNull(name, "name")));
    }

    /** The load balancer of calls to one method, over the reference's. */
    public ReferenceOptions loadBalancer(String method, String name) {
        requireNonNull(method, "method");
        return parameter(method + ".loadbalance",
                LoadBalancers.checkName(method + ".loadbalance", requireNonNull(name, "name")));
    }

    private static int nonNegative(String key, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(key + ": " + value + " (expected: >= 0)");
        }
        return value;
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
